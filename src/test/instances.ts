import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** One real app process: `src/main.ts` (the `npm start` program) as a child, with its own port. */
export class AppInstance {
  private child?: ChildProcess;
  /** What the process wrote to stderr (warnings and errors at LOG_LEVEL=warn), for a failing test to show. */
  stderr = '';
  exited: number | null = null;

  constructor(readonly name: string, readonly port: number, private env: Record<string, string>) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process; `ready()` waits for it to answer. */
  start(): this {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: process.env.TZ ?? '', ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.child.on('exit', (code) => {
      this.exited = code ?? -1;
    });
    return this;
  }

  /** Waits until /readyz answers 200 (database reachable), up to `timeoutMs`. */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exited !== null) throw new Error(`${this.name} exited with ${this.exited}:\n${this.stderr}`);
      const ok = await fetch(`${this.url}/readyz`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** SIGTERM (the clean shutdown of main.ts), SIGKILL if it has not exited within 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exited !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
