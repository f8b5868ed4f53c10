/**
 * The real program (`src/main.ts`, as `npm start` runs it) in a child process, for the crash tests
 * (decisions/0023): started on a test database, SIGKILLed where a test chooses, started again on the
 * same database and port. `httpApp` lets the usual TestClient drive it over real HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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

interface InjectLike {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

/** What TestClient reads of a response (status, headers, body, cookies), from a real HTTP exchange. */
export function httpApp(baseUrl: () => string): FastifyInstance {
  const inject = async (req: InjectLike) => {
    const res = await fetch(`${baseUrl()}${req.url}`, {
      method: req.method, headers: Object.fromEntries(Object.entries(req.headers ?? {}).filter(([, v]) => v !== '')), body: typeof req.payload === 'string' || !req.payload ? req.payload : new Uint8Array(req.payload), redirect: 'manual',
    });
    const body = await res.text();
    const cookies = res.headers.getSetCookie().map((line) => {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const cookie: { name: string; value: string; expires?: Date; maxAge?: number } = { name: pair!.slice(0, eq).trim(), value: pair!.slice(eq + 1).trim() };
      for (const attr of attrs) {
        const [k, v = ''] = attr.trim().split('=');
        if (k?.toLowerCase() === 'expires') cookie.expires = new Date(v);
        if (k?.toLowerCase() === 'max-age') cookie.maxAge = Number(v);
      }
      return cookie;
    });
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body, cookies, json: () => JSON.parse(body) as unknown };
  };
  return { inject } as unknown as FastifyInstance;
}
