import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app';
import { TestClient, textOf } from '../test/client';
import { createMember, TEST_PASSWORD } from '../test/factories';
import { ConfigError, loadConfig } from './config';
import { redactUrl } from './logger';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('configuration', () => {
  it('refuses to start in production without its required values, naming each one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    try {
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@db/koushin' });
    } catch (err) {
      const message = (err as Error).message;
      for (const key of ['SESSION_SECRET', 'BASE_URL', 'SMTP_HOST', 'MAIL_FROM']) expect(message).toContain(key);
      expect(message).not.toContain('DATABASE_URL');
    }
  });

  it('has working development defaults and refuses demo passwords only in production', () => {
    const dev = loadConfig({});
    expect(dev.port).toBe(3000);
    expect(dev.demoLoginsAllowed).toBe(true);
    const prod = loadConfig({
      NODE_ENV: 'production', DATABASE_URL: 'postgres://x@db/k', SESSION_SECRET: 'x'.repeat(40), BASE_URL: 'https://portal.example.jp',
      SMTP_HOST: 'smtp.example.jp', MAIL_FROM: 'no-reply@example.jp',
    });
    expect(prod.demoLoginsAllowed).toBe(false);
  });
});

describe('error pages', () => {
  it('answers an unknown page with the 404 page in the chosen language, no stack trace', async () => {
    const c = new TestClient(t.app);
    const ja = await c.get('/no/such/page');
    expect(ja.statusCode).toBe(404);
    expect(textOf(ja.body)).toContain('ページが見つかりません');
    await c.get('/lang/en?next=/login');
    const en = await c.get('/no/such/page');
    expect(textOf(en.body)).toContain('Page not found');
    expect(en.body).toContain('<html lang="en"');
  });

  it('answers a body that is not a form with 400, and an oversized one too', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload: '{"memberNumber":' });
    expect([400, 403, 415]).toContain(res.statusCode);
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
    const big = await t.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `a=${'x'.repeat(300_000)}` });
    expect(big.statusCode).toBe(400);
  });

  it('does not redirect to another site after a language switch', async () => {
    const res = await new TestClient(t.app).get('/lang/en?next=//evil.example/');
    expect(res.headers.location).toBe('/');
  });
});

describe('open redirects through ?next= (issue 14 A)', () => {
  /** As the handler receives them, after the query string or form is decoded. */
  const payloads = [
    '/\t/evil.example', '//evil.example', '/\\evil.example', '\\/evil.example', '/\r\n/evil.example', 'https://evil.example',
    '/ /evil.example', 'javascript:alert(1)', '/%2F%2Fevil.example',
  ];
  const local = (location: unknown) => {
    const url = new URL(String(location), 'https://portal.example.jp');
    return url.origin === 'https://portal.example.jp' && /^\/(?![/\\])/.test(String(location));
  };

  it('sends a language switch with a foreign ?next= to the home page, and a local one back where it was', async () => {
    const c = new TestClient(t.app);
    const raw = await c.get('/lang/ja?next=/%09/evil.example');
    expect(raw.statusCode).toBe(303);
    expect(raw.headers.location).toBe('/');
    for (const payload of payloads) {
      const res = await c.get(`/lang/ja?next=${encodeURIComponent(payload)}`);
      expect(res.headers.location, JSON.stringify(payload)).toBe('/');
    }
    const legit = await c.get(`/lang/ja?next=${encodeURIComponent('/credits?x=1#y')}`);
    expect(legit.headers.location).toBe('/credits?x=1#y');
  });

  it('signs a member in and sends them home, not to the foreign page in the login form\'s next', async () => {
    await createMember(t.db, { member_number: '100141' });
    for (const payload of [...payloads, '/credits?x=1#y']) {
      const c = new TestClient(t.app);
      await c.get('/login');
      const res = await c.post('/login', { memberNumber: '100141', password: TEST_PASSWORD, next: payload });
      expect(res.statusCode).toBe(303);
      expect(local(res.headers.location), JSON.stringify(payload)).toBe(true);
      expect(res.headers.location, JSON.stringify(payload)).toBe(payload === '/credits?x=1#y' ? payload : '/');
    }
  });
});

describe('security headers', () => {
  it('sends a strict CSP, no framing, and no-store on pages', async () => {
    const res = await new TestClient(t.app).get('/login');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('logs', () => {
  it('cuts secrets out of logged URLs', () => {
    expect(redactUrl('/password/reset/abcDEF123?x=1')).toBe('/password/reset/[redacted]?x=1');
    expect(redactUrl('/profile/email/confirm/tok')).toBe('/profile/email/confirm/[redacted]');
    expect(redactUrl('/staff/invite/tok')).toBe('/staff/invite/[redacted]');
  });
});

describe('audit trail', () => {
  it('is append-only: the database refuses updates and deletes', async () => {
    await t.db.insertInto('audit_log').values({ actor_type: 'system', actor_id: null, action: 'test.append', subject_type: null, subject_id: null, member_id: null, ip: null, request_id: null, before: null, after: null, detail: null }).execute();
    await expect(t.db.updateTable('audit_log').set({ action: 'changed' }).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});

describe('mail delivery', () => {
  // The delivery at the job's retry, once the server is back, is outage.test.ts's (with a retry delay shortened to 1 s).
  it('keeps the business change when SMTP refuses; the outbox says failed', async () => {
    const { createMember } = await import('../test/factories');
    const member = await createMember(t.db, { member_number: '100501', email: 'retry@example.jp' });
    t.mail.refusing = true;
    try {
      await t.services.auth.sendResetLink({ type: 'system', id: null }, member.id, 'ja');
      const outbox = () => t.db.selectFrom('mails').select(['status', 'attempts', 'last_error']).where('to_address', '=', 'retry@example.jp').executeTakeFirstOrThrow();
      await expect.poll(async () => (await outbox()).status).toBe('failed');
      const failed = await outbox();
      expect(failed.attempts).toBeGreaterThanOrEqual(1);
      expect(failed.last_error).toMatch(/451/);
      expect(await t.db.selectFrom('password_reset_tokens').select('id').where('member_id', '=', member.id).execute()).toHaveLength(1);
    } finally {
      t.mail.refusing = false;
    }
  });
});
