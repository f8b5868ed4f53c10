import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}
export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A tiny HTTP server on 127.0.0.1 (a random port) for a provider's fake: one handler, JSON answers. */
export class FakeServer {
  private server: http.Server;
  url = '';

  constructor(handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        try {
          const out = await handler({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          const text = typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
          res.writeHead(out.status, { 'content-type': typeof out.body === 'string' ? 'text/html; charset=utf-8' : 'application/json', ...out.headers });
          res.end(text);
        } catch (err) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: String(err) } }));
        }
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * What every provider fake shares: its server, the log of the adapter's requests with their idempotency
 * keys, the objects created per key, and a switch to lose the answer of the next create.
 */
export abstract class ProviderFake {
  protected readonly byKey = new Map<string, string>();
  /** Every request the adapter made: method, path and its idempotency key. */
  readonly requests: { method: string; path: string; idempotencyKey?: string }[] = [];
  /** The next create stores its object, then answers 500 (as if our process died before reading it). */
  failNextCreate = false;
  /**
   * Runs once, when the next create has stored its object and before it answers: a test kills our
   * process there, so the gateway has the payment and our transaction recording it never committed.
   */
  beforeNextCreateAnswer?: () => void | Promise<void>;
  private server = new FakeServer((req) => this.handle(req));

  protected abstract handle(req: FakeRequest): FakeResponse | Promise<FakeResponse>;

  /** For a fake's create handler, once its object is stored. */
  protected async created(): Promise<void> {
    const hook = this.beforeNextCreateAnswer;
    this.beforeNextCreateAnswer = undefined;
    await hook?.();
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
