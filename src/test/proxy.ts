import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Injector } from './client';

/**
 * A tiny round-robin HTTP proxy on loopback, as a load balancer without sticky sessions would be:
 * each request goes to the next instance in turn. `hits` counts what each instance was given.
 */
export class RoundRobinProxy {
  private server?: http.Server;
  private next = 0;
  readonly hits: number[];
  port = 0;

  constructor(private targets: { port: number }[]) {
    this.hits = targets.map(() => 0);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    // Keep-alive to the instances, as a real balancer pools its upstream connections.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    this.server = http.createServer((req, res) => {
      const i = this.next++ % this.targets.length;
      this.hits[i]! += 1;
      const upstream = http.request(
        { host: '127.0.0.1', port: this.targets[i]!.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' }, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('bad gateway');
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * An `Injector` over real HTTP (redirects not followed, as app.inject does not follow them), so the
 * TestClient can drive a running server or the proxy. `base` may be changed between requests.
 */
export class HttpInjector implements Injector {
  constructor(public base: string) {}

  async inject(opts: InjectOptions): Promise<LightMyRequestResponse> {
    const headers = Object.fromEntries(Object.entries(opts.headers ?? {}).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
    const payload = opts.payload as string | Buffer | undefined;
    const res = await fetch(`${this.base}${opts.url as string}`, {
      method: opts.method, headers, redirect: 'manual', body: Buffer.isBuffer(payload) ? new Uint8Array(payload) : payload,
    });
    const body = await res.text();
    const setCookies = res.headers.getSetCookie();
    const responseHeaders: Record<string, string | string[]> = Object.fromEntries(res.headers.entries());
    if (setCookies.length > 0) responseHeaders['set-cookie'] = setCookies;
    return {
      statusCode: res.status,
      headers: responseHeaders,
      body,
      cookies: setCookies.map(parseSetCookie),
      json: () => JSON.parse(body) as unknown,
    } as unknown as LightMyRequestResponse;
  }
}

/** The parts of a Set-Cookie header the TestClient reads: name, value, expiry. */
function parseSetCookie(header: string): { name: string; value: string; expires?: Date; maxAge?: number } {
  const [pair = '', ...attrs] = header.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  const cookie: { name: string; value: string; expires?: Date; maxAge?: number } = { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
  for (const attr of attrs) {
    const [k = '', v = ''] = attr.split('=');
    if (k.toLowerCase() === 'expires') cookie.expires = new Date(v);
    if (k.toLowerCase() === 'max-age') cookie.maxAge = Number(v);
  }
  return cookie;
}
