import os from 'node:os';
import { registerJobs } from '../src/app';
import { boot } from '../src/boot';
import { fiscalYearOf } from '../src/platform/japanese';
import { seedDemo } from '../src/seed/demo';
import { seedScale } from '../src/seed/scale';
import { seedScaleApplications } from '../src/seed/scale-applications';
import { seedScaleBilling } from '../src/seed/scale-billing';
import { baseUrl, benchConfig, CONNECTIONS, DURATION, intEnv, login, loginStaff, percentile, printTable, runTargets, startBaseline, type Target, WARMUP, WORKERS } from './common';

/**
 * `npm run bench:billing`: billing at society scale (30,000 members, ~65,000 invoices, ~17,000 payment
 * attempts): the member's 会費請求/入金状況 tab and 請求収納の照会 pages and the staff invoice page under
 * load, then the throughput of signed gateway notifications (each settles an invoice: attempt, invoice,
 * event, audit, mail and the settled job in one transaction), and of the same notifications repeated.
 */

const HEAVY = '115000';
const NOTIFICATIONS = intEnv('BENCH_NOTIFICATIONS', 1_000, 1);
const NOTIFY_CONCURRENCY = intEnv('BENCH_NOTIFY_CONCURRENCY', 20, 1);

const config = benchConfig();
const booted = await boot(config);
const { database, deps, services, app } = booted;
let bare: Awaited<ReturnType<typeof startBaseline>> | undefined;

/** Posts every notification with `concurrency` in flight; returns req/s and latency percentiles. */
async function postAll(url: string, bodies: { body: string; headers: Record<string, string> }[], concurrency: number) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: bodies[i]!.headers, body: bodies[i]!.body });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: bodies.length / seconds, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), statuses: Object.fromEntries(statuses) };
}

try {
  await seedDemo(services, database.db);
  const scale = await seedScale(database.db, { target: 30_000 });
  if (scale.added > 0) console.log(`Seeded ${scale.added} members in ${scale.seconds} s.`);
  await seedScaleApplications(database.db);
  const billing = await seedScaleBilling(database.db, { heavyMember: HEAVY });
  if (billing.invoices > 0) console.log(`Seeded ${billing.invoices} invoices and ${billing.attempts} attempts in ${billing.seconds} s.`);
  await registerJobs(deps, services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const appUrl = baseUrl(app);
  const sandbox = services.sandbox;
  if (!sandbox) throw new Error('the sandbox gateway is off (NODE_ENV=production?)');

  const heavy = await database.db.selectFrom('members').select('id').where('member_number', '=', HEAVY).executeTakeFirstOrThrow();
  const views = await services.billing.listForMember(heavy.id);
  const processing = views.find((v) => v.invoice.status === 'processing') ?? views[0]!;
  const paid = views.find((v) => v.invoice.status === 'paid') ?? views[0]!;
  bare = await startBaseline(database.db, HEAVY);
  const cookie = await login(appUrl, HEAVY);
  const staffCookie = await loginStaff(appUrl);

  const memGb = (os.totalmem() / 1024 ** 3).toFixed(1);
  console.log(`Koushin billing benchmark — ${os.availableParallelism()} CPUs, ${memGb} GB RAM, Node ${process.version}`);
  console.log(`  ${billing.totalInvoices} invoices, ${billing.totalAttempts} payment attempts; member ${HEAVY} has ${views.length} invoices`);
  console.log(`  ${CONNECTIONS} connections, ${DURATION} s per target after ${WARMUP} s warm-up, load generator in ${WORKERS > 0 ? `${WORKERS} worker thread(s)` : 'the main thread'}\n`);

  const targets: Target[] = [
    { name: 'bare SELECT (baseline)', url: bare.url, headers: {} },
    { name: `GET /billing (${views.length} invoices)`, url: `${appUrl}/billing`, headers: { cookie }, page: true },
    { name: 'GET /billing/:no (処理中, live attempt)', url: `${appUrl}/billing/${processing.invoice.control_no}`, headers: { cookie }, page: true },
    { name: 'GET /billing/:no (入金済)', url: `${appUrl}/billing/${paid.invoice.control_no}`, headers: { cookie }, page: true },
    { name: 'GET /staff/invoices/:id', url: `${appUrl}/staff/invoices/${processing.invoice.id}`, headers: { cookie: staffCookie }, page: true },
  ];
  // The staff invoice search, where this build has it.
  const search = `${appUrl}/staff/billing?status=unpaid`;
  if ((await fetch(search, { headers: { cookie: staffCookie }, redirect: 'manual' })).status === 200) {
    targets.push({ name: 'GET /staff/billing?status=unpaid', url: search, headers: { cookie: staffCookie }, page: true });
  }
  const rows = await runTargets(targets);
  console.log('');
  printTable(rows);

  // ── Notifications: one settles one invoice ─────────────────────────────────────────────────────
  const fy = fiscalYearOf(new Date());
  const unpaid = await database.db.selectFrom('invoices').innerJoin('members', 'members.id', 'invoices.member_id')
    .select(['invoices.member_id', 'invoices.control_no']).where('invoices.status', '=', 'unpaid').where('invoices.auto_debit', '=', false)
    .where('invoices.fee_type', '=', 'annual_fee').where('invoices.fiscal_year', '=', fy).where('invoices.slip_requested_at', 'is', null)
    .where('members.member_number', '>', '100030').orderBy('invoices.id').limit(NOTIFICATIONS).execute();
  console.log(`\nStarting ${unpaid.length} Pay-easy payments through PaymentsService.start…`);
  const t0 = performance.now();
  const refs: string[] = [];
  for (const row of unpaid) {
    const attempt = await services.payments.start({ type: 'member', id: row.member_id }, row.member_id, row.control_no, 'payeasy');
    refs.push(attempt.gateway_ref!);
  }
  const startSeconds = (performance.now() - t0) / 1000;
  console.log(`  ${(refs.length / startSeconds).toFixed(0)} payments started per second (one at a time, ${startSeconds.toFixed(1)} s)`);

  const run = Date.now().toString(36);
  const signed = (body: string) => {
    const n = sandbox.sign(body);
    return { body: n.body, headers: { ...n.headers } as Record<string, string> };
  };
  const notices = refs.map((ref, i) => signed(JSON.stringify({ eventId: `bench-${run}-${i}`, ref, type: 'settled' })));
  const notifyUrl = `${appUrl}/payments/notify/sandbox`;
  const applied = await postAll(notifyUrl, notices, NOTIFY_CONCURRENCY);
  const repeated = await postAll(notifyUrl, notices.map((n) => signed(n.body)), NOTIFY_CONCURRENCY);
  const settled = await database.db.selectFrom('payment_attempts').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('gateway_ref', 'in', refs).where('status', '=', 'settled').executeTakeFirstOrThrow();
  console.log(`Signed notifications over HTTP, ${NOTIFY_CONCURRENCY} in flight:`);
  console.log(`  settling   ${applied.perSecond.toFixed(0)}/s  p50 ${applied.p50.toFixed(1)} ms  p99 ${applied.p99.toFixed(1)} ms  statuses ${JSON.stringify(applied.statuses)}`);
  console.log(`  repeated   ${repeated.perSecond.toFixed(0)}/s  p50 ${repeated.p50.toFixed(1)} ms  p99 ${repeated.p99.toFixed(1)} ms  statuses ${JSON.stringify(repeated.statuses)}`);
  console.log(`  ${settled.n} of ${refs.length} attempts settled (each once: the repeats changed nothing)`);
} finally {
  await bare?.close().catch(() => {});
  await booted.close();
}
