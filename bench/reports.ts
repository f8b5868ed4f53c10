import os from 'node:os';
import { sql } from 'kysely';
import { boot } from '../src/boot';
import { seedDemo } from '../src/seed/demo';
import { seedScale } from '../src/seed/scale';
import { seedScaleBilling } from '../src/seed/scale-billing';
import { baseUrl, benchConfig, intEnv, loginStaff, percentile } from './common';

/**
 * `npm run bench:reports`: the secretariat's dashboard and the members export at society scale (30,000
 * members, the billing seed's ~65,000 invoices and ~17,000 attempts, and renewal applications for this
 * year's targets). Prints the dashboard's latency alone (p50 of BENCH_REQUESTS sequential requests) and
 * the full members export's rows per second with the process RSS before, during and after.
 */

const REQUESTS = intEnv('BENCH_REQUESTS', 50, 1);
const EXPORTS = intEnv('BENCH_EXPORTS', 3, 1);
const TARGET = { dashboardMs: 300, rowsPerSecond: 20_000 };

const config = benchConfig();
const booted = await boot(config);
const { database, services, app } = booted;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

try {
  await seedDemo(services, database.db);
  const scale = await seedScale(database.db, { target: 30_000 });
  if (scale.added > 0) console.log(`Seeded ${scale.added} members in ${scale.seconds} s.`);
  const billing = await seedScaleBilling(database.db, { heavyMember: '115000' });
  if (billing.invoices > 0) console.log(`Seeded ${billing.invoices} invoices and ${billing.attempts} attempts in ${billing.seconds} s.`);

  // Renewal records for the current cycle's targets (once): 1 in 3 a draft, 1 in 3 submitted, 1 in 6 completed.
  const cycle = await services.cycles.current();
  if (!cycle) throw new Error('no renewal cycle (the demo seed makes one)');
  await sql`INSERT INTO applications (member_id, cycle_id, type, status, base_qualification, base_qualification_number, base_qualification_year, base_period_start, base_period_end,
      submitted_at, completed_at, created_at, updated_at)
    SELECT m.id, ${cycle.id}, 'renewal', CASE WHEN m.id % 6 IN (0, 1) THEN 'draft' WHEN m.id % 6 IN (2, 3) THEN 'submitted' ELSE 'completed' END,
      'sogo_naika', '12345678', 2019, '2019-04-01', '2024-03-31',
      CASE WHEN m.id % 6 >= 2 THEN now() - ((m.id % 40) || ' days')::interval END, CASE WHEN m.id % 6 >= 4 THEN now() - ((m.id % 25) || ' days')::interval END, now(), now()
    FROM members m
    WHERE m.cert_period_end = ${cycle.period_end} AND m.member_number > '100030' AND m.id % 4 <> 0
      AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.member_id = m.id AND a.cycle_id = ${cycle.id})`.execute(database.db);
  await sql`ANALYZE`.execute(database.db);

  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = baseUrl(app);
  const cookie = await loginStaff(url);
  const count = async (table: 'members' | 'applications' | 'invoices' | 'payment_attempts') =>
    Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const [members, applications, invoices, attempts] = await Promise.all([count('members'), count('applications'), count('invoices'), count('payment_attempts')]);

  console.log(`Koushin reports benchmark — ${os.availableParallelism()} CPUs, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Node ${process.version}`);
  console.log(`  ${members} members, ${applications} applications, ${invoices} invoices, ${attempts} payment attempts; cycle ${cycle.name_ja}\n`);

  // ── Dashboard: one request at a time (server time without queueing) ──────────────────────────────
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return body;
  };
  for (let i = 0; i < 5; i += 1) await get('/staff/dashboard');
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i += 1) {
    const t0 = performance.now();
    await get('/staff/dashboard');
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  console.log(`GET /staff/dashboard, ${REQUESTS} requests one after another:`);
  console.log(`  p50 ${p50.toFixed(1)} ms  p90 ${percentile(times, 90).toFixed(1)} ms  max ${times[times.length - 1]!.toFixed(1)} ms  (target ≤ ${TARGET.dashboardMs} ms: ${p50 <= TARGET.dashboardMs ? '✓' : '✗'})\n`);

  // ── Members export: the whole file, streamed; the RSS of this process (app and client) sampled meanwhile ──
  console.log(`GET /staff/exports/members.csv (all ${members} members), ${EXPORTS} runs:`);
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  for (let run = 1; run <= EXPORTS; run += 1) {
    const t0 = performance.now();
    const res = await fetch(`${url}/staff/exports/members.csv`, { headers: { cookie } });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body!) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines += 1;
    }
    const seconds = (performance.now() - t0) / 1000;
    const rows = lines - 1;
    const rate = rows / seconds;
    console.log(`  run ${run}: ${rows} rows, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} rows/s (target ≥ ${TARGET.rowsPerSecond}: ${rate >= TARGET.rowsPerSecond ? '✓' : '✗'}), chunked: ${res.headers.get('transfer-encoding') === 'chunked'}`);
  }
  clearInterval(sampler);
  const rssAfter = process.memoryUsage().rss;
  console.log(`  process RSS: before ${mb(rssBefore)}, peak during ${mb(peak)}, after ${mb(rssAfter)} (the file is never held whole: batches of 2,000 rows)`);
  console.log('\nEverything runs on one machine (app, PostgreSQL, client); figures compare only between runs on the same, otherwise idle, machine.');
} finally {
  await booted.close();
}
