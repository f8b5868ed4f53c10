/**
 * The real program SIGKILLed mid-payment and mid-mail (decisions/0023): the payment is neither lost nor
 * doubled, and the 入金確認 mail goes out exactly once after the restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FEE_TYPES } from '../../seed/billing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../app';
import { systemClock } from '../../platform/clock';
import { loadConfig } from '../../platform/config';
import { createDb, type Db } from '../../platform/db/database';
import type { Jobs } from '../../platform/jobs';
import { freshDatabase } from '../../test/app';
import { TestClient } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { Program } from '../../test/program';
import { jobsIdle } from '../../test/jobs-idle';
import { HttpInjector } from '../../test/proxy';
import { MailCatcher } from '../../test/smtp';
import { FAKE_STRIPE_KEY, FakeStripe, type SignedStripeEvent } from './fakes/fake-stripe';

const WEBHOOK_SECRET = 'whsec_koushin_crash_test';
const PAID_SUBJECT = '入金を確認しました';
let fake: FakeStripe;
let mail: MailCatcher;
let program: Program;
let db: Db;
let services: Services;
let seq = 197000;

/** Test setup creates members and invoices only; nothing it calls queues a job. */
const noJobs: Jobs = {
  send: () => Promise.reject(new Error('test setup queues no job')),
  sendMany: () => Promise.reject(new Error('test setup queues no job')),
  work: () => Promise.reject(new Error('test setup runs no worker')),
  schedule: () => Promise.reject(new Error('test setup schedules nothing')),
  queueStats: () => Promise.resolve([]),
  stop: () => Promise.resolve(),
};

beforeAll(async () => {
  fake = await new FakeStripe({ webhookSecret: WEBHOOK_SECRET, now: () => new Date() }).start();
  mail = await new MailCatcher().start();
  const url = await freshDatabase();
  const env = {
    NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, SESSION_SECRET: 'crash-test-session-secret-0123456789abcdef0123',
    SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mail.port), MAIL_FROM: 'Koushin <no-reply@koushin.test>', AUTH_RATE_LIMIT: '1000',
    PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: FAKE_STRIPE_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: fake.url,
    // Shortened through the documented settings (config.ts, decisions/0023) so a dead worker's job is retried in seconds.
    JOBS_HEARTBEAT_SECONDS: '10', JOBS_SUPERVISE_SECONDS: '2', JOBS_RETRY_DELAY_SECONDS: '1',
  };
  program = new Program(env);
  await program.start();
  ({ db } = createDb(url, 3));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-crash-setup-'));
  services = createServices({ config: loadConfig({ ...env, DATA_DIR: dataDir }), db, jobs: noJobs, clock: systemClock, mailTransport: null });
  // The program seeds demo data in development only; this test's fee types are its own.
  await services.billing.seedFeeTypes(FEE_TYPES);
}, 120_000);

afterAll(async () => {
  await program?.stop();
  await db?.destroy();
  await mail?.stop();
  await fake?.stop();
});

/** A member with an unpaid 専門医更新料, signed in to the running program over HTTP. */
async function billedMember() {
  const m = await createMember(db, { member_number: String(++seq), email: `crash-${seq}@example.jp` });
  const invoice = await services.billing.createInvoice({ type: 'system', id: null }, { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:crash:${m.id}`, dueOn: '2027-01-31' });
  const c = new TestClient(new HttpInjector(program.url));
  expect((await c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD })).statusCode).toBe(303);
  return { m, invoice, c, no: invoice.control_no };
}

const attemptsOf = (invoiceId: number) => db.selectFrom('payment_attempts').selectAll().where('invoice_id', '=', invoiceId).orderBy('id').execute();
const invoiceRow = (id: number) => db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditActions = async (controlNo: string) => (await db.selectFrom('audit_log').select('action').where('subject_id', '=', controlNo).orderBy('id').execute()).map((r) => r.action);
const notifications = async (ref: string) => db.selectFrom('payment_notifications').select('id').where('gateway_ref', '=', ref).execute();
const deliver = (e: SignedStripeEvent) => fetch(`${program.url}/payments/notify/stripe`, { method: 'POST', headers: e.headers, body: e.body });
const mailRows = (to: string) => db.selectFrom('mails').select(['id', 'status', 'attempts', 'subject']).where('to_address', '=', to).where('subject', 'like', `%${PAID_SUBJECT}%`).execute();

/** Waits for a state of the other process's work, up to a deadline; the failure shows the program's last output. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms\n${program.output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the program SIGKILLed between the gateway call and our commit', () => {
  it('the gateway has the payment, our record of it never committed: the retry resumes it with the same key; settled once', async () => {
    const { m, invoice, c, no } = await billedMember();
    expect((await c.get(`/billing/${no}/pay`)).statusCode).toBe(200);
    // Stripe stores the session, then our process dies before reading the answer.
    fake.beforeNextCreateAnswer = () => program.kill();
    const lost = await c.post(`/billing/${no}/pay`, { method: 'card' }).then((r) => `answered ${r.statusCode}: ${r.body.slice(0, 300)}`, (err: Error) => err);
    expect(lost, String(lost)).toBeInstanceOf(Error);
    await program.gone();
    const [created] = await attemptsOf(invoice.id);
    expect(created).toMatchObject({ status: 'created', gateway_ref: null });
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    const atGateway = [...fake.sessions.values()].filter((s) => s.metadata.idempotency_key === created!.idempotency_key);
    expect(atGateway).toHaveLength(1);

    await program.start();
    // The member (still signed in: sessions live in PostgreSQL) clicks お支払いへ again: the live attempt is resumed.
    const again = await c.get(`/billing/${no}/pay`);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/billing/${no}/pay/gateway`);
    expect(fake.createKeys().filter((k) => k === created!.idempotency_key)).toHaveLength(2);
    expect([...fake.sessions.values()].filter((s) => s.metadata.idempotency_key === created!.idempotency_key)).toHaveLength(1);
    const attempts = await attemptsOf(invoice.id);
    expect(attempts.map((a) => [a.status, a.gateway_ref])).toEqual([['at_gateway', atGateway[0]!.id]]);
    const page = await c.get(`/billing/${no}/pay/gateway`);
    expect(page.body).toContain(`${fake.url}/pay/${atGateway[0]!.id}`);

    // The member pays; Stripe's webhook comes, and comes again (its retries): 入金済 once.
    const paid = fake.payByCard(atGateway[0]!.id);
    expect((await deliver(paid)).status).toBe(200);
    expect((await deliver(paid)).status).toBe(200);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid_method: 'card', paid_reference: atGateway[0]!.id });
    expect((await attemptsOf(invoice.id)).map((a) => [a.status, a.overpayment])).toEqual([['settled', false]]);
    expect(await notifications(atGateway[0]!.id)).toHaveLength(1);
    expect((await auditActions(no)).filter((a) => a === 'invoice.settle')).toHaveLength(1);
    await mail.waitFor(m.email, PAID_SUBJECT, 20_000);
    await jobsIdle(db, { timeoutMs: 45_000 });
    expect(mail.count(m.email, PAID_SUBJECT)).toBe(1);
  }, 120_000);
});

describe('the program SIGKILLed between our commit and the mail', () => {
  it('the settlement committed, the SMTP server saw the recipient but no DATA: after the restart the mail goes out once', async () => {
    const { m, invoice, c, no } = await billedMember();
    await c.get(`/billing/${no}/pay`);
    const started = await c.post(`/billing/${no}/pay`, { method: 'card' });
    expect(started.headers.location).toBe(`/billing/${no}/pay/gateway`);
    const [attempt] = await attemptsOf(invoice.id);
    // The mail job connects, names the member as recipient, and our process dies before the message is sent.
    mail.onRecipient = (address) => {
      if (address !== m.email) return;
      mail.onRecipient = undefined;
      void program.kill();
    };
    const paid = fake.payByCard(attempt!.gateway_ref!);
    expect((await deliver(paid)).status).toBe(200);
    await program.gone();
    // Committed: 入金済, its audit row and the outbox row; the mail is not sent.
    expect((await invoiceRow(invoice.id)).status).toBe('paid');
    expect((await auditActions(no)).filter((a) => a === 'invoice.settle')).toHaveLength(1);
    const [row] = await mailRows(m.email);
    expect(row).toMatchObject({ status: 'queued' });
    expect(mail.count(m.email, PAID_SUBJECT)).toBe(0);

    await program.start();
    // The dead worker's job: its heartbeat stops, pg-boss fails it, the retry delivers.
    await until('the 入金確認 mail sent', () => mailRows(m.email), (rows) => rows[0]?.status === 'sent');
    await mail.waitFor(m.email, PAID_SUBJECT, 5_000);
    // The webhook's retry after the restart changes nothing and mails nothing.
    expect((await deliver(paid)).status).toBe(200);
    await jobsIdle(db, { timeoutMs: 45_000 });
    expect(mail.count(m.email, PAID_SUBJECT)).toBe(1);
    expect(await mailRows(m.email)).toHaveLength(1);
    expect((await auditActions(no)).filter((a) => a === 'invoice.settle')).toHaveLength(1);
    expect(mail.received.find((r) => r.to.includes(m.email) && r.subject.includes(PAID_SUBJECT))!.messageId).toMatch(new RegExp(`^<mail-${row!.id}\\.[0-9a-z]+@koushin\\.test>$`));
  }, 120_000);
});

describe('the program SIGKILLed after the SMTP server kept the mail, before we marked it sent', () => {
  it('the mail is not lost: it is sent again after the restart, with the same Message-ID for the receiver to drop', async () => {
    const { m, invoice, c, no } = await billedMember();
    await c.get(`/billing/${no}/pay`);
    await c.post(`/billing/${no}/pay`, { method: 'card' });
    const [attempt] = await attemptsOf(invoice.id);
    // The relay has the message; its 250 never reaches us.
    mail.onMessage = async (received) => {
      if (!received.to.includes(m.email)) return;
      mail.onMessage = undefined;
      await program.kill();
    };
    expect((await deliver(fake.payByCard(attempt!.gateway_ref!))).status).toBe(200);
    await program.gone();
    const [row] = await mailRows(m.email);
    expect(row).toMatchObject({ status: 'queued' });
    expect(mail.count(m.email, PAID_SUBJECT)).toBe(1);

    await program.start();
    await until('the 入金確認 mail marked sent', () => mailRows(m.email), (rows) => rows[0]?.status === 'sent');
    await jobsIdle(db, { timeoutMs: 45_000 });
    // The one duplicate this window allows, recognisable as one message.
    const copies = mail.received.filter((r) => r.to.includes(m.email) && r.subject.includes(PAID_SUBJECT));
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((r) => r.messageId))).toEqual(new Set([expect.stringMatching(new RegExp(`^<mail-${row!.id}\\.`))]));
    expect(await mailRows(m.email)).toHaveLength(1);
  }, 120_000);
});
