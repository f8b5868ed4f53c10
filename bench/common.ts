import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../src/platform/config';
import type { Db } from '../src/platform/db/database';
import { generate } from 'otplib';
import { DEMO_PASSWORDS } from '../src/platform/security/passwords';
import { DEMO_STAFF, seedDemo } from '../src/seed/demo';
import { seedScale } from '../src/seed/scale';
import type { Services } from '../src/app';
import { boot } from '../src/boot';
import type { Actor } from '../src/platform/audit';

/** What the page benchmarks share: settings from the environment, sign-in, load, the printed table. See bench/README.md. */

/** The environment's config, quiet; a benchmark seeds data, so production is refused. */
export function benchConfig(): Config {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  if (config.isProduction) {
    console.error('The benchmark seeds data and is refused in production.');
    process.exit(1);
  }
  return config;
}

/**
 * The import benchmarks' setting: the program's wiring on DATA_DIR with the demo and the 30,000-member society
 * (idempotent seeds), the demo administrator acting, the app not yet listening; closed whatever `run` does.
 */
export async function withScaleSociety(run: (ctx: { db: Db; services: Services; actor: Actor; app: FastifyInstance }) => Promise<void>): Promise<void> {
  const booted = await boot(benchConfig());
  try {
    const { database: { db }, services, app } = booted;
    await seedDemo(services, db);
    const scale = await seedScale(db, { target: 30_000 });
    if (scale.added > 0) console.log(`Seeded ${scale.added} members in ${scale.seconds} s.`);
    const admin = await db.selectFrom('staff_users').select('id').where('email', '=', 'admin@example.jp').executeTakeFirstOrThrow();
    await run({ db, services, actor: { type: 'staff', id: admin.id }, app });
  } finally {
    await booted.close();
  }
}

/** The value below which `p` % of the sorted sample lies (the benchmarks' p50 / p90 / p99). */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export const TARGET = { ratio: 0.6, p99Ms: 50, gzipKb: 30 };

export function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be a whole number ≥ ${min} (got "${raw}").`);
    process.exit(2);
  }
  return value;
}

export const DURATION = intEnv('BENCH_DURATION', 20, 1);
export const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
/** Seconds of unmeasured load before each run (JIT, connection pool, caches). */
export const WARMUP = intEnv('BENCH_WARMUP', 3, 0);
/** The load generator runs in its own worker thread so it does not share the servers' event loop; 0 = same thread. */
export const WORKERS = intEnv('BENCH_WORKERS', 1, 0);


export const baseUrl = (server: FastifyInstance) => {
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening on a port');
  return `http://127.0.0.1:${address.port}`;
};

/** `name=value` of one Set-Cookie of a response. */
export function cookieFrom(res: Response, name: string): string {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie in the response (status ${res.status})`);
  return line.split(';')[0]!;
}

export async function login(url: string, memberNumber: string): Promise<string> {
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
export async function loginStaff(url: string): Promise<string> {
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

export interface Row {
  name: string;
  result: autocannon.Result;
  /** Latency with one connection: the server time of one request, without queueing. */
  serialP50?: number;
  gzipKb?: number;
  rawKb?: number;
}

export async function load(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  const common = { url, headers, connections: CONNECTIONS, ...(WORKERS > 0 ? { workers: WORKERS } : {}) };
  if (WARMUP > 0) await autocannon({ ...common, duration: WARMUP });
  return autocannon({ ...common, duration: DURATION });
}

export function printTable(rows: Row[]) {
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

export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** Set for a page: its size is measured. */
  page?: boolean;
}

/** Loads each target in turn (under CONNECTIONS, then alone) and returns the table's rows. The first is the baseline. */
export async function runTargets(targets: Target[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const target of targets) {
    let size: { gzipKb: number; rawKb: number } | undefined;
    if (target.page) {
      const res = await fetch(target.url, { headers: target.headers, redirect: 'manual' });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`${target.url} answered ${res.status}, not 200 (is the login valid?)`);
      size = { gzipKb: gzipSync(body).length / 1024, rawKb: body.length / 1024 };
    }
    process.stdout.write(`  loading ${target.name}…`);
    const result = await load(target.url, target.headers);
    const serial = await autocannon({ url: target.url, headers: target.headers, connections: 1, duration: Math.min(5, DURATION) });
    console.log(` ${result.requests.average.toFixed(0)} req/s, ${serial.latency.p50} ms alone`);
    rows.push({ name: target.name, result, serialP50: serial.latency.p50, ...size });
  }
  return rows;
}

/** The ceiling of "HTTP + one query" on this machine: bare Fastify, one indexed SELECT on the same database. */
export async function startBaseline(db: Db, memberNumber: string): Promise<{ url: string; close(): Promise<void> }> {
  const bare = Fastify({ logger: false });
  bare.get('/member', async () => db.selectFrom('members').selectAll().where('member_number', '=', memberNumber).executeTakeFirstOrThrow());
  await bare.listen({ host: '127.0.0.1', port: 0 });
  return { url: `${baseUrl(bare)}/member`, close: () => bare.close() };
}
