import type { LightMyRequestResponse } from 'fastify';
import { routeTable } from './platform/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, seedDemo } from './seed/demo';
import { createTestApp, type TestApp } from './test/app';
import { TestClient } from './test/client';
import { createMember } from './test/factories';
import { signInMember, signInStaff } from './test/sign-in';

/**
 * Security headers and cookie flags on every GET page of the real app, walked from its own route table
 * (a page added tomorrow is checked without anyone listing it): as the signed out, as a member on the
 * portal's pages and as an administrator on the back office's, with the demo society's records filling the
 * route parameters so that most pages render for real rather than as a 404.
 */

/** Responses that are the same for everybody and carry nobody's data: a shared cache may keep them. */
const PUBLIC_CACHEABLE = [/^\/assets\//, /^\/healthz$/, /^\/readyz$/, /^\/api\/openapi\.json$/, /^\/api\/problems\//, /^\/checkin\/public-key\.pem$/];

interface Cookie { name: string; value: string; path?: string; httpOnly?: boolean; secure?: boolean; sameSite?: string; maxAge?: number; expires?: Date }

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((p) => p[0]).map(([name, ...values]) => [name!.toLowerCase(), values]));
}

/** The headers every response must carry, whatever its status (an error page is a page too). */
function expectSecurityHeaders(res: LightMyRequestResponse, label: string, production: boolean) {
  const csp = directives(String(res.headers['content-security-policy'] ?? ''));
  const scriptSrc = csp.get('script-src') ?? csp.get('default-src');
  const styleSrc = csp.get('style-src') ?? csp.get('default-src');
  expect.soft(scriptSrc, `${label}: script-src`).toBeDefined();
  expect.soft(scriptSrc ?? [], `${label}: script-src`).not.toContain("'unsafe-inline'");
  expect.soft(scriptSrc ?? [], `${label}: script-src`).not.toContain("'unsafe-eval'");
  expect.soft(scriptSrc ?? [], `${label}: script-src`).not.toContain('*');
  expect.soft(styleSrc ?? [], `${label}: style-src`).not.toContain("'unsafe-inline'");
  expect.soft(csp.get('frame-ancestors'), `${label}: frame-ancestors`).toEqual(["'none'"]);
  expect.soft(csp.get('object-src') ?? csp.get('default-src'), `${label}: object-src`).toEqual(["'none'"]);
  expect.soft(csp.get('base-uri'), `${label}: base-uri`).toEqual(["'none'"]);
  expect.soft(res.headers['x-content-type-options'], `${label}: nosniff`).toBe('nosniff');
  expect.soft(res.headers['x-frame-options'], `${label}: x-frame-options`).toBe('SAMEORIGIN');
  // same-origin everywhere; the public /verify page says no-referrer (its URL is the certificate's code).
  expect.soft(res.headers['referrer-policy'], `${label}: referrer-policy`).toMatch(/^(same-origin|no-referrer)$/);
  expect.soft(res.headers['x-powered-by'], `${label}: x-powered-by`).toBeUndefined();
  expect.soft(res.headers['server'], `${label}: server`).toBeUndefined();
  if (production) expect.soft(res.headers['strict-transport-security'], `${label}: HSTS`).toBe('max-age=31536000; includeSubDomains');
  else expect.soft(res.headers['strict-transport-security'], `${label}: no HSTS outside production`).toBeUndefined();
  const url = label.split(' ').at(-1)!;
  if (res.statusCode === 200 && !PUBLIC_CACHEABLE.some((p) => p.test(url))) {
    expect.soft(String(res.headers['cache-control'] ?? ''), `${label}: cache-control`).toContain('no-store');
  }
  const body = res.body;
  expect.soft(body, `${label}: no stack trace`).not.toMatch(/\n\s+at [^\n]+\.(ts|js|tsx):\d+/);
}

function expectCookieFlags(cookies: Cookie[], production: boolean) {
  for (const c of cookies) {
    const cleared = c.value === '' || c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() < Date.now());
    const label = `cookie ${c.name}${cleared ? ' (cleared)' : ''}`;
    expect.soft(c.httpOnly, `${label}: HttpOnly`).toBe(true);
    expect.soft(c.sameSite?.toLowerCase(), `${label}: SameSite`).toMatch(/^(lax|strict)$/);
    expect.soft(c.path, `${label}: Path`).toBe(c.name.endsWith('kstaff') ? '/staff' : '/');
    expect.soft(Boolean(c.secure), `${label}: Secure`).toBe(production);
    if (production) expect.soft(c.name, `${label}: prefix`).toMatch(c.path === '/' ? /^__Host-/ : /^__Secure-/);
    expect.soft((c as { domain?: string }).domain, `${label}: host-only`).toBeUndefined();
  }
}

interface Walk { t: TestApp; member: TestClient; staff: TestClient; anonymous: TestClient; cookies: Cookie[] }

async function recordingClient(c: TestClient, cookies: Cookie[]) {
  const get = c.get.bind(c);
  const post = c.post.bind(c);
  c.get = async (...args) => { const res = await get(...args); cookies.push(...(res.cookies as Cookie[])); return res; };
  c.post = async (...args) => { const res = await post(...args); cookies.push(...(res.cookies as Cookie[])); return res; };
  return c;
}

/** Route parameters filled from the records of member 100001 (portal) or the first record of each table (back office). */
async function parameterValues(t: TestApp): Promise<[RegExp, string, string][]> {
  const { db } = t;
  const member = await db.selectFrom('members').select('id').where('member_number', '=', '100001').executeTakeFirstOrThrow();
  const first = async <T,>(q: Promise<T | undefined>, pick: (row: T) => string | number) => {
    const row = await q;
    return row === undefined ? '0' : String(pick(row));
  };
  const application = await db.selectFrom('applications').select(['id', 'application_no']).where('member_id', '=', member.id).executeTakeFirst();
  const credit = await db.selectFrom('credits').innerJoin('credit_files', 'credit_files.credit_id', 'credits.id')
    .select(['credits.control_no', 'credit_files.id as fileId']).where('credits.member_id', '=', member.id).executeTakeFirst()
    ?? await db.selectFrom('credits').select(['control_no', 'id as fileId']).where('member_id', '=', member.id).executeTakeFirst();
  const invoice = await db.selectFrom('invoices').select(['id', 'control_no']).where('member_id', '=', member.id).executeTakeFirst();
  return [
    // Portal: the member's own records
    [/^\/applications\/:no/, 'no', application?.application_no ?? 'A0'],
    [/^\/applications\/new\/:type/, 'type', 'renewal'],
    [/^\/credits\/:no/, 'no', credit?.control_no ?? 'C0'],
    [/^\/credits\/:no\/files\/:fileId/, 'fileId', String(credit?.fileId ?? 0)],
    [/^\/billing\/:no/, 'no', invoice?.control_no ?? 'B0'],
    [/^\/lang\/:locale/, 'locale', 'ja'],
    [/^\/api\/problems\/:slug/, 'slug', 'validation'],
    // Back office: the first record of each kind
    [/^\/staff\/members\/:number/, 'number', '100001'],
    [/^\/staff\/members\/:number\/mails\/:id/, 'id', await first(db.selectFrom('mails').select('id').where('member_id', '=', member.id).executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/applications\/:id/, 'id', String(application?.id ?? 0)],
    [/^\/staff\/applications\/:id\/files\/:fileId/, 'fileId', await first(db.selectFrom('application_files').select('id').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/invoices\/:id/, 'id', String(invoice?.id ?? 0)],
    [/^\/staff\/credits\/files\/:fileId/, 'fileId', await first(db.selectFrom('credit_files').select('id').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/credits\/import\/:id/, 'id', await first(db.selectFrom('credit_imports').select('id').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/credits\/:id/, 'id', await first(db.selectFrom('credits').select('id').where('status', '=', 'pending').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/catalogue\/:id/, 'id', await first(db.selectFrom('credit_catalogue').select('id').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/certificates\/:id/, 'id', await first(db.selectFrom('certificates').select('id').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/certificates\/batches\/:id/, 'id', await first(db.selectFrom('certificate_batches').select('id').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/cycles\/:id/, 'id', await first(db.selectFrom('renewal_cycles').select('id').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/notices\/:id/, 'id', await first(db.selectFrom('notices').select('id').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/fees\/:code/, 'code', await first(db.selectFrom('fee_types').select('code').executeTakeFirst(), (r) => r.code)],
    [/^\/staff\/billing\/overpayments\/:id/, 'id', await first(db.selectFrom('overpayments').select('id').executeTakeFirst(), (r) => r.id)],
    [/^\/staff\/billing\/imports\/:id/, 'id', await first(db.selectFrom('payment_imports').select('id').executeTakeFirst(), (r) => r.id)],
  ];
}

function concrete(pattern: string, values: [RegExp, string, string][]): string {
  let url = pattern;
  for (const [when, param, value] of values) if (when.test(pattern)) url = url.replace(`:${param}`, encodeURIComponent(value));
  return url.replace(/:[A-Za-z]+/g, '1');
}

async function walk(env: Record<string, string> = {}): Promise<Walk> {
  const t = await createTestApp(env);
  const production = env.NODE_ENV === 'production';
  const cookies: Cookie[] = [];
  let member: TestClient;
  if (production) {
    // Demo passwords are refused in production: a member of our own.
    const m = await createMember(t.db, { member_number: '100001' });
    member = await recordingClient(await signInMember(t, m.member_number), cookies);
  } else {
    await seedDemo(t.services, t.db, t.clock.now());
    member = await recordingClient(new TestClient(t.app), cookies);
    await member.submit('/login', '/login', { memberNumber: '100001', password: DEMO_PASSWORDS.member });
    expect(member.cookie('ksid')).toBeDefined();
  }
  const staff = await recordingClient((await signInStaff(t, { role: 'admin' })).c, cookies);
  const anonymous = await recordingClient(new TestClient(t.app), cookies);
  return { t, member, staff, anonymous, cookies };
}

describe.each<{ name: string; env: Record<string, string> }>([
  { name: 'development', env: {} },
  { name: 'production', env: { NODE_ENV: 'production', PAYMENT_GATEWAY: 'none' } },
])('security headers on every GET page ($name)', ({ name, env }) => {
  const production = name === 'production';
  let w: Walk;
  let values: [RegExp, string, string][];
  beforeAll(async () => {
    w = await walk(env);
    values = await parameterValues(w.t);
  });
  afterAll(() => w.t.close());

  it('every route as the signed out, every portal page as a member, every back-office page as an administrator', async () => {
    // The app's route table (every route registered; the authorization test checks it against Fastify's router).
    const patterns = [...new Set(routeTable(w.t.app).filter((r) => r.method === 'GET' && !r.url.includes('*')).map((r) => r.url))];
    expect(patterns).toContain('/billing/:no');
    expect(patterns).toContain('/staff/members/:number');
    // Development-only pages (the outbox, the sandbox gateway) do not exist in production.
    for (const devOnly of ['/dev/mail', '/sandbox-gateway/console']) expect(patterns.includes(devOnly), devOnly).toBe(!production);
    let rendered = 0;
    for (const pattern of patterns) {
      const url = concrete(pattern, values);
      const visits: [string, TestClient][] = [['anonymous', w.anonymous], [pattern.startsWith('/staff') ? 'admin' : 'member', pattern.startsWith('/staff') ? w.staff : w.member]];
      for (const [who, c] of visits) {
        const res = await c.get(url);
        expect.soft(res.statusCode, `${who} GET ${url}`).toBeLessThan(500);
        expectSecurityHeaders(res, `${who} GET ${url}`, production);
        if (res.statusCode === 200 && who !== 'anonymous') rendered += 1;
      }
    }
    // Most pages must have rendered for real, not as a 404 or a redirect to the login.
    expect(rendered).toBeGreaterThan(production ? 40 : 80);
  });

  it('the static assets and the error pages carry the same headers', async () => {
    for (const url of ['/assets/app.css', '/assets/tokens.css', '/no-such-page', '/staff/no-such-page', '/billing/%E0%A4%A']) {
      expectSecurityHeaders(await w.anonymous.get(url), `anonymous GET ${url}`, production);
    }
  });

  it('session, CSRF, flash and language cookies: HttpOnly, SameSite, Path, Secure in production', async () => {
    // Exercise every cookie: a flash (sign out), the language switch, a CSRF secret, both sessions.
    await w.anonymous.get('/lang/en?next=/login');
    await w.anonymous.get('/login');
    await w.member.get('/');
    await w.member.post('/logout', {});
    await w.staff.get('/staff');
    await w.staff.post('/staff/logout', {});
    const names = new Set(w.cookies.map((c) => c.name));
    const [host, secure] = production ? ['__Host-', '__Secure-'] : ['', ''];
    for (const expected of [`${host}ksid`, `${secure}kstaff`, `${host}_csrf_secret`, `${host}flash`, `${host}lang`]) expect(names).toContain(expected);
    expectCookieFlags(w.cookies, production);
  });
});
