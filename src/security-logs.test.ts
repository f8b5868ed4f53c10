import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApp } from './app';
import { createLogger, redactUrl } from './platform/logger';
import { FEE_TYPES } from './seed/billing';
import { createTestApp, type TestApp } from './test/app';
import { TestClient } from './test/client';
import { createMember, createStaff, nextTotp, TEST_PASSWORD } from './test/factories';
import { seedCreditRules } from './test/sign-in';
import { linkIn } from './test/smtp';

/**
 * Every pino line the app writes while a member signs in, changes the profile, resets the password and
 * pays, while a clerk signs in with the second factor and searches for the member, and while a provider
 * posts a credit with its API token: none of them carries an email, a password, a token, a name, a phone
 * number, an address, a card number or a TOTP code. The app is the real composition root, logging at
 * trace (more than production's info) into a stream this test reads.
 */
let t: TestApp;
let app: FastifyInstance;
const lines: string[] = [];
const secrets = new Map<string, string>();
const keep = (what: string, value: string) => secrets.set(what, value);

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await t.services.billing.seedFeeTypes(FEE_TYPES);
  await seedCreditRules(t);
  const config = { ...t.config, logLevel: 'trace' };
  app = await createApp({ config, db: t.db, jobs: t.jobs, clock: t.clock, mailTransport: null, logger: createLogger(config, { write: (line: string) => void lines.push(line) }) }, t.services);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('no personal data or secret in any log line', () => {
  it('sign-in, profile change, password reset, payment, staff sign-in and search, API', async () => {
    const m = await createMember(t.db, {
      member_number: '164201', family_name: '秘密川', given_name: '漏子', family_name_kana: 'ヒミツカワ', given_name_kana: 'モレコ',
      email: 'himitsu.moreko@example.jp', phone: '03-9876-5432', address_line1: '港区秘密町9-9-9',
    });
    for (const [what, value] of Object.entries({ email: m.email, family: m.family_name, given: m.given_name, kana: m.family_name_kana, phone: m.phone, address: m.address_line1, password: TEST_PASSWORD })) keep(what, value);

    // Sign in: a wrong password first, then the right one.
    const c = new TestClient(app);
    await c.get('/login');
    keep('wrong password', 'wrong-password-guess-42');
    expect((await c.post('/login', { memberNumber: m.member_number, password: 'wrong-password-guess-42' })).statusCode).toBe(400);
    expect((await c.post('/login', { memberNumber: m.member_number, password: TEST_PASSWORD })).statusCode).toBe(303);
    keep('session cookie', c.cookie('ksid')!);
    keep('csrf token', c.csrfToken((await c.get('/profile/address')).body));

    // Profile: a new address, a new email confirmed by its link.
    keep('new address', '渋谷区漏洩坂2-2-2');
    expect((await c.post('/profile/address', { postal_code: '150-0001', prefecture: '東京都', address_line1: '渋谷区漏洩坂2-2-2', address_line2: '', organisation: '秘密病院' })).statusCode).toBe(303);
    keep('organisation', '秘密病院');
    keep('new email', 'new.secret.address@example.jp');
    await c.get('/profile/email');
    expect((await c.post('/profile/email', { email: 'new.secret.address@example.jp' })).statusCode).toBeLessThan(400);
    const confirm = linkIn(await t.mail.waitFor('new.secret.address@example.jp'), 'http://koushin.test/profile/email/confirm/');
    keep('email token', confirm.split('/').at(-1)!);
    expect((await c.get(confirm.replace('http://koushin.test', ''))).statusCode).toBeLessThan(400);

    // Password reset through the mailed link.
    const anon = new TestClient(app);
    await anon.get('/password/forgot');
    await anon.post('/password/forgot', { memberNumber: m.member_number });
    const reset = linkIn(await t.mail.waitFor('new.secret.address@example.jp', 'パスワード設定のご案内'), 'http://koushin.test/password/reset/');
    keep('reset token', reset.split('/').at(-1)!);
    keep('new password', 'brand-new-Secret-pw-77');
    await anon.get(reset.replace('http://koushin.test', ''));
    expect((await anon.post(reset.replace('http://koushin.test', ''), { password: 'brand-new-Secret-pw-77', confirm: 'brand-new-Secret-pw-77' })).statusCode).toBe(303);

    // Payment of the renewal fee by card in the sandbox gateway.
    const invoice = await t.services.billing.createInvoice({ type: 'system', id: null }, { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:logs:${m.id}`, dueOn: '2027-01-31', fiscalYear: null });
    const payer = new TestClient(app);
    await payer.submit('/login', '/login', { memberNumber: m.member_number, password: 'brand-new-Secret-pw-77' });
    await payer.get(`/billing/${invoice.control_no}/pay`);
    const gateway = (await payer.post(`/billing/${invoice.control_no}/pay`, { method: 'card' })).headers.location as string;
    await payer.get(gateway);
    keep('card number', '4242424242424242');
    expect((await payer.post(gateway, { cardNumber: '4242 4242 4242 4242' })).statusCode).toBe(303);
    expect((await t.db.selectFrom('invoices').select('status').where('id', '=', invoice.id).executeTakeFirstOrThrow()).status).toBe('paid');

    // A clerk: password, TOTP, then the member search by name, kana, email and phone.
    const clerk = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.private@example.jp' });
    keep('staff email', clerk.email);
    const s = new TestClient(app);
    await s.submit('/staff/login', '/staff/login', { email: clerk.email, password: TEST_PASSWORD });
    await s.get('/staff/login/verify');
    const code = await nextTotp(t.clock);
    expect((await s.post('/staff/login/verify', { code })).headers.location).toBe('/staff');
    for (const q of ['秘密川', 'ヒミツカワ', 'new.secret.address@example.jp', '03-9876-5432']) expect((await s.get(`/staff?q=${encodeURIComponent(q)}`)).statusCode).toBe(200);
    expect((await s.get(`/staff/billing?member=${encodeURIComponent('秘密川')}`)).statusCode).toBe(200);

    // A provider posts a credit with its bearer token.
    const admin = new TestClient(app);
    const adminUser = await createStaff(t.db, t.config.sessionSecret, { role: 'admin' });
    await admin.submit('/staff/login', '/staff/login', { email: adminUser.email, password: TEST_PASSWORD });
    await admin.get('/staff/login/verify');
    await admin.post('/staff/login/verify', { code: await nextTotp(t.clock) });
    const issued = await admin.submit('/staff/api-tokens', '/staff/api-tokens', { name: 'Log test provider' });
    const token = issued.body.match(/data-testid="api-token">(kst_[A-Za-z0-9_-]+)</)![1]!;
    keep('api token', token);
    const api = await app.inject({ method: 'POST', url: '/api/v1/credits', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'log-test-1' },
      payload: JSON.stringify({ memberNumber: m.member_number, creditCode: 'EL2025-1', activityDate: '2026-10-01', externalId: 'ext-log-1' }) });
    expect(api.statusCode, api.body).toBe(201);
    await app.inject({ method: 'POST', url: '/api/v1/credits', headers: { authorization: 'Bearer kst_not-a-real-token-but-secret-anyway', 'content-type': 'application/json' }, payload: '{}' });
    keep('unknown api token', 'kst_not-a-real-token-but-secret-anyway');

    // The lines are there (a test that read nothing would pass), each one JSON with its request id.
    expect(lines.length).toBeGreaterThan(50);
    const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { url: string } });
    expect(entries.filter((e) => e.req).every((e) => e.reqId)).toBe(true);
    expect(entries.some((e) => e.req?.url === '/password/reset/[redacted]')).toBe(true);
    expect(entries.some((e) => e.req?.url === '/staff?q=[redacted]')).toBe(true);

    const all = lines.join('\n');
    const variants = (v: string) => [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1)];
    for (const [what, value] of secrets) {
      for (const form of variants(value)) expect.soft(all.includes(form), `${what} (${form}) appears in the log`).toBe(false);
    }
    // The TOTP code: six digits that are not part of a longer number (timestamps, durations).
    expect(all).not.toMatch(new RegExp(`(^|[^0-9])${code}([^0-9]|$)`));
  });
});

describe('redactUrl', () => {
  it('cuts the values of the personal search parameters, keeping the rest', () => {
    expect(redactUrl('/staff?q=%E5%B1%B1%E7%94%B0&page=2')).toBe('/staff?q=[redacted]&page=2');
    expect(redactUrl('/staff/billing?status=unpaid&member=yamada%40example.jp')).toBe('/staff/billing?status=unpaid&member=[redacted]');
    expect(redactUrl('/staff/audit?actor=clerk%40example.jp&member=100001&action=credit')).toBe('/staff/audit?actor=[redacted]&member=[redacted]&action=credit');
    expect(redactUrl('/credits/catalogue?kind=paper')).toBe('/credits/catalogue?kind=paper');
    expect(redactUrl('/staff?sq=1')).toBe('/staff?sq=1');
  });
});
