import type { InjectOptions, LightMyRequestResponse } from 'fastify';

/** What the client sends through: the app itself (app.inject), or real HTTP to a running server (test/proxy.ts). */
export interface Injector {
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

/** A browser-like client over app.inject: keeps cookies, reads the CSRF token from the last form page. */
export class TestClient {
  private cookies = new Map<string, string>();
  last?: LightMyRequestResponse;

  constructor(private app: Injector, private defaultHeaders: Record<string, string> = {}) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      const gone = c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0;
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    this.last = res;
    return res;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { ...this.defaultHeaders, cookie: this.cookieHeader(), ...headers } }));
  }

  csrfToken(html = this.last?.body ?? ''): string {
    const match = html.match(/name="_csrf" value="([^"]+)"/);
    if (!match) throw new Error('no CSRF token on the last page');
    return match[1]!;
  }

  /** POSTs a form as the browser would: with the CSRF token of the page last loaded (unless `csrf: false`). */
  async post(url: string, fields: Record<string, string | string[]>, opts: { csrf?: boolean | string } = {}): Promise<LightMyRequestResponse> {
    // A list is a field sent several times (ticked checkboxes of one name).
    const body = new URLSearchParams(Object.entries(fields).flatMap(([k, v]) => [v].flat().map((one) => [k, one])));
    if (opts.csrf !== false) body.set('_csrf', typeof opts.csrf === 'string' ? opts.csrf : this.csrfToken());
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { ...this.defaultHeaders, cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  /** A multipart form (file upload) as a browser sends it, with the CSRF token of the last page. */
  async postMultipart(url: string, fields: Record<string, string>, files: { name: string; filename: string; type: string; data: Buffer }[]): Promise<LightMyRequestResponse> {
    const boundary = `----koushin${Math.random().toString(16).slice(2)}`;
    const parts: Buffer[] = [];
    const all = { _csrf: this.csrfToken(), ...fields };
    for (const [k, v] of Object.entries(all)) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    for (const f of files) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`));
      parts.push(f.data, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return this.remember(
      await this.app.inject({
        method: 'POST', url, payload: Buffer.concat(parts),
        headers: { ...this.defaultHeaders, cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      }),
    );
  }

  /** GET the page with the form, then submit it. */
  async submit(pageUrl: string, action: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    await this.get(pageUrl);
    return this.post(action, fields);
  }
}

/** Visible text of an HTML page, tags stripped, for assertions on what a user reads. */
export function textOf(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');
}
