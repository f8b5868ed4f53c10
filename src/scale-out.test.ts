/**
 * Scale-out (decisions/0024): two real app processes (src/main.ts, as `npm start` runs it) on one
 * PostgreSQL and one shared DATA_DIR, behind a round-robin proxy with no sticky sessions. What one
 * instance starts, the other must continue; what runs in the background must run once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from './app';
import { systemClock } from './platform/clock';
import { type Config, loadConfig } from './platform/config';
import { createDb, type Db } from './platform/db/database';
import { HEARTBEAT_JOB, type Jobs, startJobs } from './platform/jobs';
import { smtpTransport } from './platform/mail/mailer';
import { freshDatabase } from './test/app';
import { TestClient, textOf } from './test/client';
import { createMember, createStaff, TEST_PASSWORD, TEST_TOTP_SECRET } from './test/factories';
import { freePort } from './platform/ports';
import { AppInstance } from './test/instances';
import { jobsIdle } from './test/jobs-idle';
import { HttpInjector, RoundRobinProxy } from './test/proxy';
import { FEE_TYPES } from './seed/billing';
import { seedCreditRules } from './test/sign-in';
import { MailCatcher } from './test/smtp';

const PDF = Buffer.from('%PDF-1.7\n% proof\n1 0 obj<<>>endobj\n%%EOF\n');
const system = { type: 'system' as const, id: null };

let url: string;
let dataDir: string;
let mail: MailCatcher;
let a: AppInstance;
let b: AppInstance;
let proxy: RoundRobinProxy;
let readyAt: number;
// The test's own view of the same database: factories and setup through the real services.
let db: Db;
let jobs: Jobs;
let config: Config;
let services: Services;

beforeAll(async () => {
  url = await freshDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-scale-'));
  mail = await new MailCatcher().start();
  const [portA, portB] = [await freePort(), await freePort()];
  proxy = await new RoundRobinProxy([{ port: portA }, { port: portB }]).start();
  // The shared configuration of every instance: one database, one secret, one upload volume, one public URL.
  const env = {
    NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, DATA_DIR: dataDir, BASE_URL: proxy.url,
    SESSION_SECRET: 'scale-out-shared-session-secret-0123456789abcdef', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mail.port),
    MAIL_FROM: 'Koushin <no-reply@koushin.test>', AUTH_RATE_LIMIT: '1000', JOBS_HEARTBEAT: 'true',
  };
  // Both at once, as a deployment starts its replicas: each migrates (a no-op here) and registers the same schedules.
  a = new AppInstance('A', portA, env).start();
  b = new AppInstance('B', portB, env).start();
  await Promise.all([a.ready(90_000), b.ready(90_000)]);
  readyAt = Date.now();

  config = loadConfig(env);
  ({ db } = createDb(url, 4));
  jobs = await startJobs(url, { schedule: false });
  services = createServices({ config, db, jobs, clock: systemClock, mailTransport: smtpTransport(config) });
  await seedCreditRules({ services } as never);
  await services.billing.seedFeeTypes(FEE_TYPES);
}, 150_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await proxy?.stop();
  await jobs?.stop();
  await db?.destroy();
  await mail?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A client whose requests go to one instance; `to(x)` moves it to another without losing its cookies. */
function clientOn(instance: AppInstance) {
  const injector = new HttpInjector(instance.url);
  const c = new TestClient(injector);
  return { c, to: (other: AppInstance) => void (injector.base = other.url) };
}

const viaProxy = () => new TestClient(new HttpInjector(proxy.url));

let numberSeq = 170000;
const newMember = (over: Parameters<typeof createMember>[1] = {}) => createMember(db, { member_number: String(++numberSeq), ...over });

async function signIn(c: TestClient, memberNumber: string) {
  await c.get('/login');
  const res = await c.post('/login', { memberNumber, password: TEST_PASSWORD });
  expect(res.statusCode, textOf(res.body).slice(0, 300)).toBe(303);
}

describe('sessions without sticky routing', () => {
  it('a member signs in on A (form from A, POST to B) and every page works on either', async () => {
    const m = await newMember();
    const { c, to } = clientOn(a);
    await c.get('/login');
    to(b);
    // The CSRF token A issued (its secret in a cookie A signed) is accepted by B: the signing secret is shared config.
    const login = await c.post('/login', { memberNumber: m.member_number, password: TEST_PASSWORD });
    expect(login.statusCode).toBe(303);
    for (const instance of [a, b, a, b]) {
      to(instance);
      const home = await c.get('/profile');
      expect(home.statusCode).toBe(200);
      expect(textOf(home.body)).toContain(m.member_number);
    }
    // A form loaded on B, posted to A: logging out on one instance ends the session on both.
    to(b);
    await c.get('/profile');
    to(a);
    expect((await c.post('/logout', {})).statusCode).toBe(303);
    to(b);
    expect((await c.get('/profile')).headers.location).toMatch(/^\/login/);
  });

  it('a clerk enters the password on A and the authenticator code on B', async () => {
    const staff = await createStaff(db, config.sessionSecret, { email: 'scale-clerk@example.jp' });
    const { c, to } = clientOn(a);
    await c.get('/staff/login');
    expect((await c.post('/staff/login', { email: staff.email, password: TEST_PASSWORD })).headers.location).toBe('/staff/login/verify');
    to(b);
    await c.get('/staff/login/verify');
    const code = await generate({ secret: TEST_TOTP_SECRET, epoch: Math.floor(Date.now() / 1000) });
    expect((await c.post('/staff/login/verify', { code })).headers.location).toBe('/staff');
    to(a);
    expect((await c.get('/staff/credits')).statusCode).toBe(200);
  });

  it('a proof uploaded through one instance is served by the other (one shared DATA_DIR)', async () => {
    const m = await newMember();
    const { c, to } = clientOn(a);
    await signIn(c, m.member_number);
    const entry = await db.selectFrom('credit_catalogue').select('id').where('code', '=', 'PAPER-FIRST').executeTakeFirstOrThrow();
    const credit = await services.credits.createSelfReport({ type: 'member', id: m.id }, m.id, { catalogueId: entry.id, activityDate: '2025-06-01', detailTitle: 'A', detailSource: 'B' });
    await c.get(`/credits/${credit.control_no}`);
    expect((await c.postMultipart(`/credits/${credit.control_no}/files`, {}, [{ name: 'file', filename: 'badge.pdf', type: 'application/pdf', data: PDF }])).statusCode).toBe(303);
    const file = await db.selectFrom('credit_files').select('id').where('credit_id', '=', credit.id).executeTakeFirstOrThrow();
    to(b);
    const download = await c.get(`/credits/${credit.control_no}/files/${file.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.body).toContain('%PDF-1.7');
  });
});

describe('background work runs once', () => {
  it('mails queued through either instance arrive exactly once each', async () => {
    const members = await Promise.all(Array.from({ length: 10 }, (_, i) => newMember({ email: `scale-reset-${i}@example.jp` })));
    const c = viaProxy();
    for (const m of members) {
      await c.get('/password/forgot');
      expect((await c.post('/password/forgot', { memberNumber: m.member_number })).statusCode).toBe(200);
    }
    for (const m of members) await mail.waitFor(m.email, '', 30_000);
    // Both instances work the mail queue: once neither has a delivery due or running, a duplicate would be here.
    await jobsIdle(db, { timeoutMs: 30_000 });
    expect(members.map((m) => mail.count(m.email))).toEqual(members.map(() => 1));
    const sent = await db.selectFrom('mails').select(['status']).where('to_address', 'like', 'scale-reset-%').execute();
    expect(sent.map((r) => r.status)).toEqual(members.map(() => 'sent'));
  });
});

describe('the rules hold under concurrent requests split across instances', () => {
  it('self-report cap: of 20 simultaneous 承認申請 worth 5 credits each, exactly 3 pass the 18-credit cap', async () => {
    const m = await newMember();
    const entry = await db.selectFrom('credit_catalogue').select(['id', 'credits']).where('code', '=', 'PAPER-FIRST').executeTakeFirstOrThrow();
    expect(entry.credits).toBe(5);
    const actor = { type: 'member' as const, id: m.id };
    const drafts: string[] = [];
    for (let i = 0; i < 20; i++) {
      const credit = await services.credits.createSelfReport(actor, m.id, { catalogueId: entry.id, activityDate: '2025-06-01', detailTitle: `論文 ${i}`, detailSource: 'Circ J 90(3)' });
      await services.credits.attachProof(actor, m.id, credit.control_no, { data: PDF, name: 'paper.pdf' });
      drafts.push(credit.control_no);
    }
    const c = viaProxy();
    await signIn(c, m.member_number);
    await c.get(`/credits/${drafts[0]}/request`);
    const token = c.csrfToken();
    const before = proxy.hits.slice();
    const answers = await Promise.all(drafts.map((no) => c.post(`/credits/${no}/request`, { comment: '' }, { csrf: token })));
    expect(proxy.hits.map((h, i) => h - before[i]!).every((n) => n >= 10)).toBe(true);
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((s) => s === 303)).toHaveLength(3);
    expect(codes.filter((s) => s === 409)).toHaveLength(17);
    expect(textOf(answers.find((r) => r.statusCode === 409)!.body)).toContain('自己申告の単位は認定期間内で18単位までです');
    const pending = await db.selectFrom('credits').select(sql<number>`coalesce(sum(credits), 0)::int`.as('sum')).where('member_id', '=', m.id).where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(pending.sum).toBe(15);
    const audited = await db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).where('member_id', '=', m.id).where('action', '=', 'credit.submit').executeTakeFirstOrThrow();
    expect(audited.n).toBe(3);
  });

  it('one live payment attempt: 20 simultaneous 決済の申込み of one invoice make one attempt, all sent to it', async () => {
    const m = await newMember();
    const invoice = await services.billing.createInvoice(system, { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:scale:${m.id}`, dueOn: '2027-01-31', fiscalYear: null });
    const c = viaProxy();
    await signIn(c, m.member_number);
    await c.get(`/billing/${invoice.control_no}/pay`);
    const token = c.csrfToken();
    const answers = await Promise.all(Array.from({ length: 20 }, () => c.post(`/billing/${invoice.control_no}/pay`, { method: 'card' }, { csrf: token })));
    // The first starts the attempt; every other one resumes it (a second click is never a second payment).
    expect(answers.map((r) => r.statusCode)).toEqual(answers.map(() => 303));
    const attempts = await db.selectFrom('payment_attempts').selectAll().where('invoice_id', '=', invoice.id).execute();
    expect(attempts).toHaveLength(1);
    expect(new Set(answers.map((r) => r.headers.location))).toEqual(new Set([`/sandbox-gateway/pay/${attempts[0]!.gateway_ref}`]));
    const atGateway = await db.selectFrom('sandbox_payments').select('ref').where('idempotency_key', '=', attempts[0]!.idempotency_key).execute();
    expect(atGateway).toHaveLength(1);
    const started = await db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).where('member_id', '=', m.id).where('action', '=', 'payment.started').executeTakeFirstOrThrow();
    expect(started.n).toBe(1);
    expect((await db.selectFrom('invoices').select('status').where('id', '=', invoice.id).executeTakeFirstOrThrow()).status).toBe('processing');
  });

  it('the per-account login throttle counts failures on every instance (it lives in PostgreSQL)', async () => {
    const m = await newMember();
    const c = viaProxy();
    for (let i = 0; i < 5; i++) {
      await c.get('/login');
      expect((await c.post('/login', { memberNumber: m.member_number, password: 'wrong-password-123' })).statusCode).toBe(400);
    }
    // The sixth try, right password and whichever instance it lands on, must wait.
    for (let i = 0; i < 2; i++) {
      await c.get('/login');
      expect((await c.post('/login', { memberNumber: m.member_number, password: TEST_PASSWORD })).statusCode).toBe(429);
    }
  });
});

describe('rate limits count for the whole deployment', () => {
  it('the per-IP limit of /verify (30 a minute) allows 30 of 40 requests split over both instances, not 30 on each', async () => {
    const before = proxy.hits.slice();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(`${proxy.url}/verify/not-a-certificate-${i}`)));
    expect(proxy.hits.map((h, i) => h - before[i]!)).toEqual([20, 20]);
    const codes = answers.map((r) => r.status);
    expect(codes.filter((s) => s === 429)).toHaveLength(10);
    expect(codes.filter((s) => s === 404)).toHaveLength(30);
  });
});

describe('scheduled jobs', () => {
  it('both instances registered one schedule per job, and the heartbeat makes one job per minute, each run once', async () => {
    const schedules = await sql<{ name: string; n: number }>`SELECT name, count(*)::int AS n FROM pgboss.schedule GROUP BY name ORDER BY name`.execute(db);
    expect(schedules.rows).toEqual(
      ['applications.new-periods', 'billing.annual-fees', 'payments.reconcile', HEARTBEAT_JOB, 'reminders.daily', 'sessions.purge'].sort().map((name) => ({ name, n: 1 })),
    );
    // pg-boss files each occurrence under its minute; with JOBS_HEARTBEAT each instance looks for due schedules
    // every 5 s. Wait for two ticks, or for one and the 20 s after it (about eight more cron passes of the two
    // instances, any of which would have added a second job for that minute). A tick is due within 70 s.
    // The wall clock is the scenario here (pg-boss's cron reads it; no FakeClock reaches it): this polls once a
    // second for the ticks and for the window after one, bounded by the deadline; it is not a wait for a result.
    const minute = (d: Date) => Math.floor(d.getTime() / 60_000);
    type Row = { id: string; state: string; retry_count: number; created_on: Date; age_ms: number };
    let rows: Row[] = [];
    for (;;) {
      rows = (await sql<Row>`SELECT id, state, retry_count, created_on, (extract(epoch FROM now() - created_on) * 1000)::int AS age_ms
        FROM pgboss.job WHERE name = ${HEARTBEAT_JOB} ORDER BY created_on`.execute(db)).rows;
      const settled = rows.length > 0 && rows.every((r) => r.state === 'completed');
      if (settled && (rows.length >= 2 || rows[0]!.age_ms >= 20_000)) break;
      if (Date.now() - readyAt >= 100_000) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(rows.length).toBeGreaterThanOrEqual(1);
    // Never two jobs in one minute, however many instances hold the schedule; each completed on its first run.
    const minutes = rows.map((r) => minute(r.created_on));
    expect(new Set(minutes).size).toBe(rows.length);
    expect(rows.every((r) => r.state === 'completed' && r.retry_count === 0)).toBe(true);
  }, 130_000);
});
