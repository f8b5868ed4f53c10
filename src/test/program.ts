/**
 * The real program (`src/main.ts`, as `npm start` runs it) in a child process, for the crash tests
 * (decisions/0023): started on a test database, SIGKILLed where a test chooses, started again on the
 * same database and port. The usual TestClient drives it over real HTTP through proxy.ts's HttpInjector.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../platform/ports';

export class Program {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  /** Everything the program printed, for a failing test's message. */
  output = '';
  port = 0;
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-program-'));

  /** `env` is the program's whole environment besides PATH, HOME, PORT, HOST, BASE_URL and DATA_DIR. */
  constructor(private env: Record<string, string>) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the program and resolves when it listens (demo data seeded, jobs registered). */
  async start(timeoutMs = 90_000): Promise<void> {
    this.port ||= await freePort();
    const from = this.output.length;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...this.env, PORT: String(this.port), HOST: '127.0.0.1', BASE_URL: this.url, DATA_DIR: this.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const append = (chunk: Buffer) => void (this.output += chunk.toString('utf8'));
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    const deadline = Date.now() + timeoutMs;
    while (!this.output.slice(from).includes('Koushin is running')) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the program exited while starting:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`the program did not start in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL: no shutdown hook, no flush, connections cut; resolves when the process is gone. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** Resolves when the process has exited (killed by a test's hook elsewhere, say). */
  async gone(): Promise<void> {
    await this.exited;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A clean stop (SIGTERM), then the data directory goes. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child!.kill('SIGTERM');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (this.running) await this.kill();
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
