import os from 'node:os';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { registerJobs } from '../src/app';
import { boot } from '../src/boot';
import { loadConfig } from '../src/platform/config';
import { fiscalYearOf, fiscalYearRange } from '../src/platform/japanese';
import { DEMO_PASSWORDS } from '../src/platform/security/passwords';
import { seedDemo } from '../src/seed/demo';
import { generate } from 'otplib';
import { seedScale } from '../src/seed/scale';
import { seedScaleCredits } from '../src/seed/scale-credits';
import { DEMO_STAFF } from '../src/seed/demo';

/**
 * `npm run bench`: the member pages under load, against a bare Fastify route doing one indexed SELECT on
 * the same database, so the figures say what the portal costs on top of "HTTP + one query" on this machine.
 * See bench/README.md.
 */

const MEMBERS = 30_000;
const TARGET = { ratio: 0.6, p99Ms: 50, gzipKb: 30 };

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be a whole number ≥ ${min} (got "${raw}").`);
    process.exit(2);
  }
  return value;
}

const DURATION = intEnv('BENCH_DURATION', 20, 1);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
/** Seconds of unmeasured load before each run (JIT, connection pool, caches). */
const WARMUP = intEnv('BENCH_WARMUP', 3, 0);
/** The load generator runs in its own worker thread so it does not share the servers' event loop; 0 = same thread. */
const WORKERS = intEnv('BENCH_WORKERS', 1, 0);

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
if (config.isProduction) {
  console.error('The benchmark seeds data and is refused in production.');
  process.exit(1);
}

// ── The real app, composed exactly as src/main.ts does ────────────────────────────────────────────
const booted = await boot(config);
const { database, deps, services, app } = booted;
let bare: FastifyInstance | undefined;

const baseUrl = (server: FastifyInstance) => {
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening on a port');
  return `http://127.0.0.1:${address.port}`;
};

/** `name=value` of one Set-Cookie of a response. */
function cookieFrom(res: Response, name: string): string {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie in the response (status ${res.status})`);
  return line.split(';')[0]!;
}

async function login(url: string, memberNumber: string): Promise<string> {
  const page = await fetch(`${url}/login`);
  const csrfSecret = cookieFrom(page, '_csrf_secret');
  const token = /name="_csrf"[^>]*value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error('no _csrf field on the login page');
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfSecret },
    body: new URLSearchParams({ memberNumber, password: DEMO_PASSWORDS.member, _csrf: token }).toString(),
  });
  if (res.status !== 303) throw new Error(`login of ${memberNumber} failed: status ${res.status}`);
  return `${cookieFrom(res, 'ksid')}; ${csrfSecret}`;
}

/** The demo admin through password and TOTP; returns the staff cookies. */
async function loginStaff(url: string): Promise<string> {
  const admin = DEMO_STAFF.find((s) => s.role === 'admin')!;
  const page = await fetch(`${url}/staff/login`);
  const csrfSecret = cookieFrom(page, '_csrf_secret');
  const token = /name="_csrf"[^>]*value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const first = await fetch(`${url}/staff/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfSecret },
    body: new URLSearchParams({ _csrf: token, email: admin.email, password: DEMO_PASSWORDS.staff }).toString(),
  });
  const staff = cookieFrom(first, 'kstaff');
  const second = await fetch(`${url}/staff/login/verify`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${staff}; ${csrfSecret}` },
    body: new URLSearchParams({ _csrf: token, code: await generate({ secret: admin.totpSecret }) }).toString(),
  });
  if (second.headers.get('location') !== '/staff') throw new Error(`staff login failed: ${second.status}`);
  return `${staff}; ${csrfSecret}`;
}

interface Row {
  name: string;
  result: autocannon.Result;
  /** Latency with one connection: the server time of one request, without queueing. */
  serialP50?: number;
  gzipKb?: number;
  rawKb?: number;
}

async function load(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  const common = { url, headers, connections: CONNECTIONS, ...(WORKERS > 0 ? { workers: WORKERS } : {}) };
  if (WARMUP > 0) await autocannon({ ...common, duration: WARMUP });
  return autocannon({ ...common, duration: DURATION });
}

function printTable(rows: Row[]) {
  const baseline = rows[0]!.result.requests.average;
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  const header = ['', '1-conn ms', 'req/s', 'p50 ms', 'p99 ms', `p99 ≤ ${TARGET.p99Ms}`, 'non-2xx', 'errors', 'ratio', `ratio ≥ ${TARGET.ratio}`, 'gzip KB', `≤ ${TARGET.gzipKb} KB`, 'raw KB'];
  const lines = rows.map((row, i) => {
    const r = row.result;
    const ratio = r.requests.average / baseline;
    const page = i > 0;
    return [
      row.name,
      row.serialP50 !== undefined ? row.serialP50.toFixed(1) : '',
      r.requests.average.toFixed(0),
      r.latency.p50.toFixed(1),
      r.latency.p99.toFixed(1),
      mark(r.latency.p99 <= TARGET.p99Ms),
      String(r.non2xx),
      String(r.errors + r.timeouts),
      ratio.toFixed(2),
      page ? mark(ratio >= TARGET.ratio) : '',
      row.gzipKb !== undefined ? row.gzipKb.toFixed(1) : '',
      row.gzipKb !== undefined ? mark(row.gzipKb <= TARGET.gzipKb) : '',
      row.rawKb !== undefined ? row.rawKb.toFixed(1) : '',
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const format = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
  console.log(`\nTargets: ratio to the bare route ≥ ${TARGET.ratio}, p99 ≤ ${TARGET.p99Ms} ms, page ≤ ${TARGET.gzipKb} KB gzip-compressed;`);
  console.log('staff queue ≤ 100 ms server time (the 1-conn column: one request at a time, no queueing).');
}

try {
  // ── Data: the demo society plus scale members up to 30,000 ─────────────────────────────────────
  await seedDemo(services, database.db);
  const scale = await seedScale(database.db, { target: MEMBERS });
  if (scale.added > 0) console.log(`Seeded ${scale.added} members in ${scale.seconds} s (${scale.total} in total).`);
  await registerJobs(deps, services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const appUrl = baseUrl(app);

  // A member of the scale set who renews this fiscal year: the home page then shows the renewal panel.
  const { start, end } = fiscalYearRange(fiscalYearOf(new Date()));
  const member = await database.db
    .selectFrom('members')
    .select(['id', 'member_number'])
    .where('member_number', '>', '100030')
    .where('cert_period_end', '>=', start)
    .where('cert_period_end', '<=', end)
    .orderBy(sql`abs(member_number::int - 115000)`)
    .limit(1)
    .executeTakeFirstOrThrow();
  const total = await database.db.selectFrom('members').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const credits = await seedScaleCredits(database.db, { heavyMember: member.member_number });
  if (credits.added > 0) console.log(`Seeded ${credits.added} credits in ${credits.seconds} s (${credits.total} in total).`);
  const memberCredits = await database.db.selectFrom('credits').select((eb) => eb.fn.countAll<string>().as('n')).where('member_id', '=', member.id).executeTakeFirstOrThrow();
  const pendingTotal = await database.db.selectFrom('credits').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();

  // ── The baseline: bare Fastify, one indexed SELECT on the same database ─────────────────────────
  bare = Fastify({ logger: false });
  bare.get('/member', async () =>
    database.db.selectFrom('members').selectAll().where('member_number', '=', member.member_number).executeTakeFirstOrThrow());
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareUrl = baseUrl(bare);

  const cookie = await login(appUrl, member.member_number);
  const staffCookie = await loginStaff(appUrl);
  const pages = [
    { name: 'GET / (home)', path: '/', cookie },
    { name: 'GET /profile/detail', path: '/profile/detail', cookie },
    { name: `GET /credits (${memberCredits.n} credits)`, path: '/credits', cookie },
    { name: 'GET suggestions (関連)', path: `/credits/catalogue/suggest?q=${encodeURIComponent('関連')}`, cookie },
    { name: `GET /staff/credits (${pendingTotal.n} pending)`, path: '/staff/credits', cookie: staffCookie },
  ];
  const sizes = new Map<string, { gzipKb: number; rawKb: number }>();
  for (const page of pages) {
    const res = await fetch(`${appUrl}${page.path}`, { headers: { cookie: page.cookie }, redirect: 'manual' });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${page.path} answered ${res.status}, not 200 (is the login valid?)`);
    sizes.set(page.path, { gzipKb: gzipSync(body).length / 1024, rawKb: body.length / 1024 });
  }

  const memGb = (os.totalmem() / 1024 ** 3).toFixed(1);
  console.log(`Koushin page benchmark — ${os.availableParallelism()} CPUs, ${memGb} GB RAM, Node ${process.version}`);
  console.log(`  database: ${database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}, ${total.n} members`);
  console.log(`  member ${member.member_number} (renewal target), ${CONNECTIONS} connections, ${DURATION} s per target after ${WARMUP} s warm-up, load generator in ${WORKERS > 0 ? `${WORKERS} worker thread(s)` : 'the main thread'}\n`);

  const rows: Row[] = [];
  const targets = [
    { name: 'bare SELECT (baseline)', url: `${bareUrl}/member`, headers: {} },
    ...pages.map((p) => ({ name: p.name, url: `${appUrl}${p.path}`, headers: { cookie: p.cookie }, path: p.path })),
  ];
  for (const target of targets) {
    process.stdout.write(`  loading ${target.name}…`);
    const result = await load(target.url, target.headers);
    const serial = await autocannon({ url: target.url, headers: target.headers, connections: 1, duration: Math.min(5, DURATION) });
    console.log(` ${result.requests.average.toFixed(0)} req/s, ${serial.latency.p50} ms alone`);
    const size = 'path' in target ? sizes.get(target.path) : undefined;
    rows.push({ name: target.name, result, serialP50: serial.latency.p50, ...size });
  }
  console.log('');
  printTable(rows);
} finally {
  await bare?.close().catch(() => {});
  await booted.close();
}
