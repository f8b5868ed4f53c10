import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { type TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { makeRenewalReady, seedCreditRules, signInMember } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { Member } from './schema';
import { pgPool } from './database';
import { type EmbeddedServer, startEmbeddedPostgres } from './embedded';
import { migrateToLatest } from './migrate';

/*
 * PostgreSQL stopped and started again under load, on a server of this file's own (never the shared test
 * server): members create, submit and pay their renewals and self-report credits through HTTP while the
 * database goes away for a few seconds. Requests that meet the outage get the 503 page; the pool and pg-boss
 * reconnect by themselves; nothing is half-written.
 */

const MEMBERS = 8;
const OUTAGE_MS = 3_000;
const NOW = new Date('2026-11-23T10:00:00+09:00');
const PDF = Buffer.from('%PDF-1.7\n% proof\n1 0 obj<<>>endobj\n%%EOF\n');
const renewalForm = {
  baseQualification: 'sogo_naika', baseQualificationNumber: '12345678', baseQualificationYear: '2019', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31', abroad: 'no',
};

let dir: string;
let server: EmbeddedServer;
let t: TestApp;
const warnings: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-restart-pg-'));
  // As root, PostgreSQL runs as a separate system user that must be able to reach its directory.
  fs.chmodSync(dir, 0o755);
  // Durable, as in production: the throwaway flags (synchronous_commit=off) lose the last commits on a crash.
  server = await startEmbeddedPostgres(path.join(dir, 'pg'), { quiet: true });
  const migrator = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: pgPool({ connectionString: server.connectionString(), max: 2 }) }) });
  await migrateToLatest(migrator);
  await migrator.destroy();
  t = await createTestApp({}, { databaseUrl: server.connectionString() });
  t.clock.set(NOW);
  await seedCreditRules(t, 2026);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});

afterAll(async () => {
  await t?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A 2026年度 renewal target with every annual fee paid and the credits it needs, signed in. */
async function renewalTarget(memberNumber: string): Promise<{ m: Member; c: TestClient }> {
  const m = await createMember(t.db, { member_number: memberNumber });
  await makeRenewalReady(t, m.id);
  return { m, c: await signInMember(t, m.member_number) };
}

interface Seen { at: number; ms: number; method: string; url: string; status: number }

/** The load's record: every response, the outage's window, and the changes the responses reported. */
class Load {
  seen: Seen[] = [];
  problems: string[] = [];
  /** When each member's submission was answered: mails queued after recovery must go out now, not later. */
  submittedAt = new Map<string, number>();
  reported = { submitted: new Set<string>(), paid: new Set<string>(), selfReports: new Set<string>(), uploads: 0, requested: new Set<string>(),
    /** Members (by application) who read all their pages in a round begun after the database came back. */
    readAfterRecovery: new Set<string>() };
  downAt = Infinity;
  upAt = Infinity;
  stopping = false;
}

class Outage extends Error {}

/**
 * One request through the member's client: a 503 must be the Japanese 503 page (no stack trace) and throws
 * Outage so the step is tried again; any status not in `ok` is a problem.
 */
async function call(load: Load, send: () => Promise<LightMyRequestResponse>, method: string, url: string, ok: number[]): Promise<LightMyRequestResponse> {
  const at = Date.now();
  const res = await send();
  load.seen.push({ at, ms: Date.now() - at, method, url, status: res.statusCode });
  if (res.statusCode === 503) {
    const text = textOf(res.body);
    if (!text.includes('ただいま混み合っています') || !text.includes('一時的にご利用いただけません')) load.problems.push(`${method} ${url}: 503 without the 503 page`);
    if (/\bat \S+ \(|node_modules|Error:/.test(res.body)) load.problems.push(`${method} ${url}: 503 page with a stack trace`);
    throw new Outage();
  }
  if (!ok.includes(res.statusCode)) load.problems.push(`${method} ${url}: ${res.statusCode} ${textOf(res.body).slice(0, 200)}`);
  return res;
}

/** A member's step, tried again (from its page, with a fresh CSRF token) while the database is away. */
async function step<T>(load: Load, run: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof Outage)) throw err;
      // The member's pause before trying again, as a person would after the 503 page: pacing the load, not a wait for a result.
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** A member's whole renewal through the pages, then reading pages until the load stops. */
async function journey(load: Load, c: TestClient, catalogueId: number): Promise<void> {
  const get = (url: string, ok = [200]) => call(load, () => c.get(url), 'GET', url, ok);
  const post = (url: string, fields: Record<string, string>, ok = [303]) => call(load, () => c.post(url, fields), 'POST', url, ok);

  await step(load, () => get('/'));
  // ① 専門医資格申請情報: 保存 (a draft), found again on 会員情報照会 by its 申請番号.
  const applicationNo = await step(load, async () => {
    await get('/applications/new/renewal');
    await post('/applications/new/renewal', renewalForm);
    const profile = await get('/profile/detail');
    return profile.body.match(/href="\/applications\/(SN-\d+)"/)![1]!;
  });
  // ④ 専門医資格更新申請: a retry after a lost answer finds it submitted and says so again (303).
  await step(load, async () => {
    await get(`/applications/${applicationNo}`);
    await post(`/applications/${applicationNo}/submit`, {});
    load.reported.submitted.add(applicationNo);
    load.submittedAt.set(applicationNo, Date.now());
  });
  const invoiceNo = await step(load, async () => (await get(`/applications/${applicationNo}/submitted`)).body.match(/href="\/billing\/([^"/]+)"/)![1]!);
  // ⑤ 更新料 by card: a live attempt is resumed (the pay page sends the member to it), never doubled.
  await step(load, async () => {
    const confirm = await get(`/billing/${invoiceNo}/pay`, [200, 303, 409]);
    if (confirm.statusCode === 409) return;
    let gateway = String(confirm.headers.location ?? '');
    if (confirm.statusCode === 200) gateway = String((await post(`/billing/${invoiceNo}/pay`, { method: 'card' })).headers.location);
    if (!gateway.startsWith('/sandbox-gateway/pay/')) return;
    await get(gateway);
    await post(gateway, { cardNumber: '4242 4242 4242 4242' });
    load.reported.paid.add(invoiceNo);
  });
  // ③ 自己申告: 保存, proof, 承認申請.
  const creditNo = await step(load, async () => {
    await get(`/credits/new?catalogue=${catalogueId}`);
    const saved = await post('/credits/new', { catalogueId: String(catalogueId), activityDate: '2025-06-01', detailTitle: '第122回日本内科学会総会・講演会', detailSource: 'Circ J 90(3)' });
    const no = String(saved.headers.location).replace('/credits/', '');
    load.reported.selfReports.add(no);
    return no;
  });
  await step(load, async () => {
    await get(`/credits/${creditNo}`);
    await call(load, () => c.postMultipart(`/credits/${creditNo}/files`, {}, [{ name: 'file', filename: 'badge.pdf', type: 'application/pdf', data: PDF }]), 'POST', `/credits/${creditNo}/files`, [303]);
    load.reported.uploads += 1;
  });
  await step(load, async () => {
    await get(`/credits/${creditNo}/request`);
    await post(`/credits/${creditNo}/request`, { comment: '' });
    load.reported.requested.add(creditNo);
  });
  while (!load.stopping) {
    const recovered = Date.now() >= load.upAt;
    for (const url of ['/', '/billing', '/credits', `/applications/${applicationNo}`]) await step(load, () => get(url)).catch(() => {});
    if (recovered) load.reported.readAfterRecovery.add(applicationNo);
  }
}

/** Polls (every 100 ms) until `check` holds; fails naming `what` after the deadline. */
const waitUntil = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('PostgreSQL restarted under load', () => {
  it.each([
    { mode: 'fast', first: 181000 },
    { mode: 'immediate', first: 181100 },
  ] as const)('stopped ($mode): the 503 page during the outage, recovery by itself, nothing half-written', { timeout: 90_000 }, async ({ mode, first }) => {
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
    const members = [];
    for (let i = 0; i < MEMBERS; i++) members.push(await renewalTarget(String(first + i)));
    const catalogueId = (await t.db.selectFrom('credit_catalogue').select('id').where('code', '=', 'REL-ANNUAL').executeTakeFirstOrThrow()).id;
    const load = new Load();
    const readyz = () => t.app.inject({ method: 'GET', url: '/readyz' });

    const journeys = members.map(({ c }) => journey(load, c, catalogueId));
    // The outage comes once the load is under way: some members have submitted, none has finished.
    await waitUntil('the load to get under way', () => load.reported.submitted.size >= 2);
    load.downAt = Date.now();
    await (mode === 'fast' ? server.stop() : server.crash());
    const down = await readyz();
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable' });
    // The outage lasts until requests have met it and pg-boss has said so (asserted below), and at least OUTAGE_MS:
    // its length is the scenario (seconds away, for the pool and pg-boss to meet and outlast, not a blip), not a wait
    // for a result.
    await waitUntil('requests and pg-boss to meet the outage', () => load.seen.some((s) => s.status === 503) && warnings.some((w) => w.includes('[jobs] database unavailable')));
    const left = load.downAt + OUTAGE_MS - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    server = await startEmbeddedPostgres(path.join(dir, 'pg'), { quiet: true, port: server.port });
    await waitUntil('/readyz to answer 200', async () => (await readyz()).statusCode === 200);
    load.upAt = Date.now();

    await waitUntil('every journey to reach its reading loop', () => load.reported.requested.size === MEMBERS, 45_000);
    await waitUntil('every member to read its pages on the recovered database', () => load.reported.readAfterRecovery.size === MEMBERS);
    load.stopping = true;
    await Promise.all(journeys);

    // The responses: the outage met requests, each got the 503 page, nothing else failed, nothing after recovery.
    expect(load.problems).toEqual([]);
    const outage = load.seen.filter((s) => s.status === 503);
    expect(outage.length).toBeGreaterThan(0);
    expect(load.seen.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
    const afterRecovery = load.seen.filter((s) => s.at >= load.upAt);
    expect(afterRecovery.length).toBeGreaterThanOrEqual(MEMBERS * 4);
    expect(afterRecovery.filter((s) => s.status >= 400)).toEqual([]);
    // pg-boss said that the database was away, as a warning (an error would fail this test); at most once a
    // minute, so the second outage of this file may add nothing.
    expect(warnings.some((w) => w.includes('[jobs] database unavailable'))).toBe(true);

    // No transaction took a second connection (the pool's deadlock under load: every slot waiting for another).
    expect(t.nestedConnections).toEqual([]);

    // The reconciliation the 10-minute job does: a card the gateway took while our database was away is not lost.
    await t.services.payments.reconcile();

    const ids = members.map(({ m }) => m.id);
    const applications = await t.db.selectFrom('applications').selectAll().where('member_id', 'in', ids).execute();
    const invoices = await t.db.selectFrom('invoices').selectAll().where('member_id', 'in', ids).where('fee_type', '=', 'renewal_fee').execute();
    const attempts = await t.db.selectFrom('payment_attempts').selectAll().where('invoice_id', 'in', invoices.length ? invoices.map((i) => i.id) : [0]).execute();
    const credits = await t.db.selectFrom('credits').selectAll().where('member_id', 'in', ids).where('source', '=', 'self_report').execute();
    const files = await t.db.selectFrom('credit_files').selectAll().where('credit_id', 'in', credits.length ? credits.map((c) => c.id) : [0]).execute();
    const auditRows = await t.db.selectFrom('audit_log').select(['action', 'subject_id']).where('member_id', 'in', ids).execute();
    const audited = (action: string, subject: string | number) => auditRows.filter((a) => a.action === action && a.subject_id === String(subject)).length;

    // Every reported change is in the database; every member got as far as the answers said.
    const submitted = applications.filter((a) => a.status === 'submitted' || a.status === 'completed');
    expect(submitted.map((a) => a.application_no).sort()).toEqual(expect.arrayContaining([...load.reported.submitted]));
    expect(submitted).toHaveLength(MEMBERS);
    for (const no of load.reported.paid) expect(invoices.find((i) => i.control_no === no)?.status).toBe('paid');
    expect(credits.filter((c) => c.status === 'pending').map((c) => c.control_no).sort()).toEqual([...load.reported.requested].sort());

    // Every submitted application has exactly one renewal-fee invoice, and it is the one the application names.
    for (const a of submitted) {
      const own = invoices.filter((i) => i.business_key === `renewal_fee:application:${a.id}`);
      expect(own, a.application_no).toHaveLength(1);
      expect(a.invoice_id).toBe(own[0]!.id);
      expect(audited('application.submitted', a.application_no), a.application_no).toBe(1);
      expect(audited('invoice.created', own[0]!.control_no)).toBe(1);
    }
    expect(invoices).toHaveLength(submitted.length);
    // Every settled attempt has its invoice 入金済, once; one attempt at most per invoice went through.
    for (const attempt of attempts) {
      const invoice = invoices.find((i) => i.id === attempt.invoice_id)!;
      if (attempt.status === 'settled') expect(invoice.status, invoice.control_no).toBe('paid');
      expect(audited('payment.started', attempt.id)).toBe(1);
    }
    for (const invoice of invoices) {
      expect(attempts.filter((a) => a.invoice_id === invoice.id && a.status === 'settled').length).toBe(invoice.status === 'paid' ? 1 : 0);
      expect(audited('invoice.settle', invoice.control_no)).toBe(invoice.status === 'paid' ? 1 : 0);
    }
    // The audit rows match the changes: one per self-report saved, file attached, request sent.
    for (const credit of credits) {
      expect(audited('credit.create', credit.control_no)).toBe(1);
      expect(audited('credit.file_attached', credit.control_no)).toBe(files.filter((f) => f.credit_id === credit.id).length);
      expect(audited('credit.submit', credit.control_no)).toBe(credit.status === 'pending' ? 1 : 0);
    }
    expect(files.length).toBeGreaterThanOrEqual(load.reported.uploads);
    // Never a file without its row, nor a row without its file.
    const allFiles = await t.db.selectFrom('credit_files').select('stored_name').execute();
    expect(fs.readdirSync(path.join(t.config.dataDir, 'uploads')).sort()).toEqual(allFiles.map((f) => f.stored_name).sort());

    // The mails: one in the outbox per submission, none delivered twice. Those queued after recovery go out now
    // (pg-boss works again); one whose job met the outage goes out at the job's retry, later than this test waits.
    const mailRows = await t.db.selectFrom('mails').select(['member_id', 'status']).where('member_id', 'in', ids).where('subject', 'like', '%専門医資格更新申請を受け付けました%').execute();
    for (const { m } of members) expect(mailRows.filter((r) => r.member_id === m.id), m.member_number).toHaveLength(1);
    const afterUp = submitted.filter((a) => (load.submittedAt.get(a.application_no) ?? 0) > load.upAt);
    // And one queued now, whatever the load's timing was: the mail job runs on the restarted database.
    const { m: last } = members[MEMBERS - 1]!;
    await t.services.mailer.queue(t.db, { to: last.email, locale: 'ja', memberId: last.id, template: { subject: 'applications.mailSubmittedSubject', body: 'applications.mailSubmittedBody' },
      params: { name: 'x', no: 'SN-0', controlNo: 'SK-0', amount: '¥0', due: '-', link: '-' } });
    await t.mail.waitFor(last.email, '専門医資格更新申請を受け付けました', 20_000);
    for (const a of afterUp.filter((x) => x.member_id !== last.id)) {
      const { m } = members.find((x) => x.m.id === a.member_id)!;
      await t.mail.waitFor(m.email, '専門医資格更新申請を受け付けました', 20_000);
    }
    for (const { m } of members) expect(t.mail.count(m.email, '専門医資格更新申請を受け付けました')).toBeLessThanOrEqual(m.id === last.id ? 2 : 1);
    const slow = [...load.seen].sort((a, b) => b.ms - a.ms)[0];
    // The figures of docs/reliability.md: FAULTS_FIGURES=1 npx vitest run src/platform/db/restart.test.ts
    if (process.env.FAULTS_FIGURES) process.stdout.write(`[restart ${mode}] ${load.seen.length} requests, ${outage.length} answered 503 during a ${OUTAGE_MS / 1000}s outage, ${afterRecovery.length} after recovery (all ok); slowest ${slow?.ms}ms ${slow?.method} ${slow?.url}\n`);
  });
});
