import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { generate } from 'otplib';
import { createServices } from '../src/app';
import { systemClock } from '../src/platform/clock';
import { loadConfig } from '../src/platform/config';
import { startJobs } from '../src/platform/jobs';
import { fiscalYearOf, fiscalYearRange, tokyoDate } from '../src/platform/japanese';
import { openDatabase } from '../src/platform/runtime';
import { DEMO_PASSWORDS, hashPassword } from '../src/platform/security/passwords';
import { seedDemo } from '../src/seed/demo';
import { seedScale } from '../src/seed/scale';
import { seedScaleApplications } from '../src/seed/scale-applications';
import { seedScaleBilling } from '../src/seed/scale-billing';
import { seedScaleCredits } from '../src/seed/scale-credits';
import { MailCatcher } from '../src/test/smtp';
import { intEnv } from './common';

/**
 * `npm run bench:load`: the renewal season on the 30,000-member society. The real program (`src/main.ts`)
 * runs as its own process on the embedded PostgreSQL in DATA_DIR (or DATABASE_URL); LOAD_MEMBERS members
 * and LOAD_STAFF clerks use it through HTTP as a browser does (GET the form, read its CSRF token, POST with
 * the cookies, follow the 303) for LOAD_SECONDS, with think time between steps. Printed: per page count,
 * p50/p95/p99/max, errors, requests over 1 s, req/s, and the app's RSS after warm-up against the end.
 * Exits 1 when any request failed or took over 1 s. See bench/README.md and docs/reliability.md (Load).
 */

const MEMBERS = intEnv('LOAD_MEMBERS', 200, 1);
const STAFF = intEnv('LOAD_STAFF', 5, 0);
const SECONDS = intEnv('LOAD_SECONDS', 60, 5);
/** Members start their first step spread over the first LOAD_RAMP seconds. */
const RAMP = intEnv('LOAD_RAMP', 5, 0);
/**
 * Before the clock starts every member logs in, LOAD_LOGIN_CONCURRENCY at a time: people arrive over minutes,
 * and each login costs an argon2id verification (~80 ms of one core) by design. Timed and counted like the rest.
 */
const LOGIN_CONCURRENCY = intEnv('LOAD_LOGIN_CONCURRENCY', 2, 1);
/** RSS is compared from this second on (JIT, pools and caches settled). */
const WARMUP = intEnv('LOAD_WARMUP', 15, 0);
const THINK_MIN = intEnv('LOAD_THINK_MIN_MS', 500, 0);
const THINK_MAX = intEnv('LOAD_THINK_MAX_MS', 2_000, THINK_MIN);
/** Per cent of a member's steps that log out and in again (a new browser, an expired session). */
const RELOGIN_PERCENT = intEnv('LOAD_RELOGIN_PERCENT', 3, 0);
const PORT = intEnv('LOAD_PORT', 3301, 1);
const SLOW_MS = 1_000;
const RSS_FLAT = 1.15;

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
if (config.isProduction) {
  console.error('The load run seeds data and is refused in production.');
  process.exit(1);
}
const base = `http://127.0.0.1:${PORT}`;

// ── 1. Data: the society (idempotent seeds), 5 clerks of our own, and who does what ───────────────
const CLERK_SECRETS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'].map((c) => `KOUSHINLOADCLRK${c}JBSWY3DPEHPK3PXP`);
const clerkEmail = (i: number) => `load-clerk${i + 1}@example.jp`;

interface SimMember { number: string; invoices: string[]; target: boolean }

async function prepare(): Promise<{ members: SimMember[]; catalogue: number[]; activityDate: string; total: number; credits: number; pending: number }> {
  const database = await openDatabase(config);
  const jobs = await startJobs(database.connectionString, { schedule: false });
  try {
    const db = database.db;
    const services = createServices({ config, db, jobs, clock: systemClock, mailTransport: null });
    console.log('Preparing the data (idempotent: the scale seeds add only what is missing)…');
    await seedDemo(services, db);
    await seedScale(db, { target: 30_000 });
    await seedScaleCredits(db, { heavyMember: '115000' });
    await seedScaleApplications(db);
    await seedScaleBilling(db, { heavyMember: '115000' });
    const staffHash = await hashPassword(DEMO_PASSWORDS.staff);
    for (let i = 0; i < Math.min(STAFF, CLERK_SECRETS.length); i++) {
      await services.staff.createEnrolledForSeed({ email: clerkEmail(i), displayName: `負荷試験 事務${i + 1}`, role: 'staff', passwordHash: staffHash, totpSecret: CLERK_SECRETS[i]! });
    }

    // Half the members renew this fiscal year (the busy weeks are theirs; their home page carries the task
    // list), half do not. Scale members with a period and without a pending self-report (room under the cap),
    // a different sample each run.
    const { start, end } = fiscalYearRange(fiscalYearOf(new Date()));
    const pick = (target: boolean, n: number) => db.selectFrom('members as m')
      .select(['m.id', 'm.member_number'])
      .where('m.member_number', '>', '100030').where('m.cert_period_start', 'is not', null)
      .where((eb) => target ? eb.and([eb('m.cert_period_end', '>=', start), eb('m.cert_period_end', '<=', end)]) : eb('m.cert_period_end', '>', end))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('credits as c').select('c.id').whereRef('c.member_id', '=', 'm.id').where('c.source', '=', 'self_report'))))
      .orderBy(sql`random()`).limit(n).execute();
    const chosen = [...await pick(true, Math.ceil(MEMBERS / 2)), ...await pick(false, Math.floor(MEMBERS / 2))];
    if (chosen.length < MEMBERS) throw new Error(`only ${chosen.length} members without a self-report are left for LOAD_MEMBERS=${MEMBERS} (each run uses fresh ones): seed a fresh DATA_DIR with npm run seed:scale`);
    const invoices = await db.selectFrom('invoices').select(['member_id', 'control_no']).where('member_id', 'in', chosen.map((m) => m.id)).execute();
    const members = chosen.map((m, i) => ({
      number: m.member_number, target: i < Math.ceil(MEMBERS / 2),
      invoices: invoices.filter((v) => v.member_id === m.id).map((v) => v.control_no),
    }));

    // Self-reportable, active entries valid a week ago, not limited to once a year.
    const activityDate = tokyoDate(new Date(Date.now() - 7 * 86_400_000));
    const catalogue = await db.selectFrom('credit_catalogue').select('id')
      .where('self_reportable', '=', true).where('retired_at', 'is', null).where('once_per_fiscal_year', '=', false)
      .where((eb) => eb.or([eb('activity_from', 'is', null), eb('activity_from', '<=', activityDate)]))
      .where((eb) => eb.or([eb('activity_to', 'is', null), eb('activity_to', '>=', activityDate)]))
      .execute();
    if (catalogue.length === 0) throw new Error('no self-reportable catalogue entry is valid for a week ago');
    const count = async (table: 'members' | 'credits', pending = false) => {
      let q = db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n'));
      if (pending) q = q.where('status' as never, '=', 'pending' as never);
      return Number((await q.executeTakeFirstOrThrow()).n);
    };
    return { members, catalogue: catalogue.map((c) => c.id), activityDate, total: await count('members'), credits: await count('credits'), pending: await count('credits', true) };
  } finally {
    await jobs.stop();
    await database.close();
  }
}

// ── 2. The app as its own process, mail to a catcher in this one ─────────────────────────────────
async function startApp(smtpPort: number): Promise<{ child: ChildProcess; logFile: string }> {
  const logFile = path.join(os.tmpdir(), `koushin-load-app-${process.pid}.log`);
  const out = fs.openSync(logFile, 'w');
  // LOAD_APP_NODE_ARGS: extra flags for the app's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const nodeArgs = (process.env.LOAD_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(PORT), BASE_URL: base, DATA_DIR: config.dataDir,
      LOG_LEVEL: 'warn', AUTH_RATE_LIMIT: '1000000', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort),
    },
    stdio: ['ignore', out, out],
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} before it was ready; see ${logFile}`);
    const ready = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) return { child, logFile };
    if (Date.now() > deadline) throw new Error(`the app was not ready after 180 s; see ${logFile}`);
    await sleep(500);
  }
}

function rssMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** The PostgreSQL processes: the embedded postmaster (DATA_DIR/postgres/postmaster.pid) and its children. */
function postgresPids(): number[] {
  const master = Number(fs.readFileSync(path.join(config.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]) === master;
    } catch {
      return false;
    }
  });
  return [master, ...children];
}

// ── 3. The browser: cookies, CSRF tokens of the last page, 303s followed, every request timed ─────
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const think = () => sleep(THINK_MIN + Math.random() * (THINK_MAX - THINK_MIN));
const any = <T,>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

interface Sample { page: string; ms: number; status: number; at: number }
const samples: Sample[] = [];
const failures: string[] = [];
let t0 = 0;
let stopAt = Infinity;

/** `/credits/TN-123/request` → `/credits/:no/request`: a page is its route, not one record. */
const pageOf = (method: string, url: string) => `${method} ${new URL(url, base).pathname.split('/').map((s) => (/\d/.test(s) ? ':no' : s)).join('/')}`;

class ExpectedStatus extends Error {}

class Browser {
  private cookies = new Map<string, string>();
  html = '';

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  csrf(): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.html)?.[1];
    if (!token) throw new Error('no CSRF token on the last page');
    return token;
  }

  /** GET, following redirects like a browser (each hop is a timed request of its own page). */
  async get(url: string, expected?: number[]): Promise<void> {
    await this.go('GET', url, { expected });
  }

  async post(url: string, fields: Record<string, string>, expected?: number[]): Promise<void> {
    const body = new URLSearchParams({ ...fields, _csrf: this.csrf() }).toString();
    await this.go('POST', url, { body, type: 'application/x-www-form-urlencoded', expected });
  }

  async upload(url: string, file: { name: string; type: string; data: Buffer }): Promise<void> {
    const boundary = `----koushinload${Math.random().toString(16).slice(2)}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${this.csrf()}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
      file.data, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    await this.go('POST', url, { body, type: `multipart/form-data; boundary=${boundary}` });
  }

  /** The location of the last redirect, so a flow can read the 管理No it was sent to. */
  location = '';

  private async go(method: 'GET' | 'POST', url: string, opts: { body?: BodyInit; type?: string; expected?: number[] }): Promise<void> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'accept-language': 'ja' };
    if (opts.type) headers['content-type'] = opts.type;
    const page = pageOf(method, url);
    const started = performance.now();
    let res: Response | undefined;
    try {
      res = await fetch(`${base}${url}`, { method, headers, body: opts.body, redirect: 'manual' });
      const text = await res.text();
      this.remember(res);
      if (res.headers.get('content-type')?.startsWith('text/html')) this.html = text;
    } catch (err) {
      failures.push(`${page}: ${(err as Error).message}`);
    } finally {
      samples.push({ page, ms: performance.now() - started, status: res?.status ?? 0, at: performance.now() - t0 });
    }
    if (!res) throw new Error(`${page} failed`);
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location') ?? '/';
      this.location = location;
      return this.go('GET', location, {});
    }
    if (res.status >= 400) {
      if (opts.expected?.includes(res.status)) throw new ExpectedStatus(`${page} ${res.status}`);
      failures.push(`${page}: status ${res.status}${/<h1[^>]*>([^<]*)/.exec(this.html)?.[1] ? ` (${/<h1[^>]*>([^<]*)/.exec(this.html)![1]})` : ''}`);
      throw new Error(`${page} answered ${res.status}`);
    }
  }
}

// A small real PDF and PNG (sniffed by content on upload).
const PDF = Buffer.from('%PDF-1.7\n% 参加証明書\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const counters = { logins: 0, relogins: 0, reports: 0, capReached: 0, decisions: 0, decidedByOther: 0 };

async function memberLogin(b: Browser, number: string) {
  await b.get('/login');
  await b.post('/login', { memberNumber: number, password: DEMO_PASSWORDS.member });
  if (b.location !== '/' && !b.location.startsWith('/?')) throw new Error(`login of ${number} landed on ${b.location}`);
  counters.logins++;
}

/** 単位の自己申告: the form, 保存 (a draft), the record, proof upload, 承認申請 → 送信. */
async function selfReport(b: Browser, catalogue: number[], activityDate: string) {
  const id = any(catalogue);
  try {
    await b.get(`/credits/new?catalogue=${id}`, [409]);
  } catch (err) {
    if (err instanceof ExpectedStatus) { counters.capReached++; return; }
    throw err;
  }
  await think();
  try {
    await b.post('/credits/new', { catalogueId: String(id), activityDate, detailTitle: '第90回日本循環器学会学術集会', detailSource: 'Circulation Journal' }, [409]);
  } catch (err) {
    if (err instanceof ExpectedStatus) { counters.capReached++; return; }
    throw err;
  }
  const no = /^\/credits\/(TN-\d+)/.exec(b.location)?.[1];
  if (!no) throw new Error(`the self-report was not saved (sent to ${b.location})`);
  await think();
  const png = Math.random() < 0.5;
  await b.upload(`/credits/${no}/files`, png ? { name: 'certificate.png', type: 'image/png', data: PNG } : { name: '参加証.pdf', type: 'application/pdf', data: PDF });
  await think();
  await b.get(`/credits/${no}/request`);
  await think();
  try {
    await b.post(`/credits/${no}/request`, { comment: '' }, [409]);
    counters.reports++;
  } catch (err) {
    if (err instanceof ExpectedStatus) { counters.capReached++; return; }
    throw err;
  }
}

async function member(m: SimMember, b: Browser, data: { catalogue: number[]; activityDate: string }) {
  // Spread over the first seconds: 200 people do not all click at the same instant.
  await sleep(Math.random() * RAMP * 1000);
  try {
    while (performance.now() - t0 < stopAt) {
      await think();
      if (performance.now() - t0 >= stopAt) break;
      const r = Math.random() * 100;
      if (r < RELOGIN_PERCENT) {
        await b.post('/logout', {});
        await memberLogin(b, m.number);
        counters.relogins++;
      } else if (r < 30) await b.get('/');
      else if (r < 50) await b.get('/credits');
      else if (r < 68) await b.get('/billing');
      else if (r < 85) {
        if (m.invoices.length > 0) await b.get(`/billing/${any(m.invoices)}`);
        else await b.get('/billing');
      } else await selfReport(b, data.catalogue, data.activityDate);
    }
  } catch (err) {
    if (!(err instanceof ExpectedStatus)) failures.push(`member ${m.number} stopped: ${(err as Error).message}`);
  }
}

/** A clerk: password and TOTP, then the review queue: open it, open a report, approve (4 in 5) or reject. */
async function clerk(i: number) {
  const b = new Browser();
  try {
    await b.get('/staff/login');
    await b.post('/staff/login', { email: clerkEmail(i), password: DEMO_PASSWORDS.staff });
    await b.post('/staff/login/verify', { code: await generate({ secret: CLERK_SECRETS[i]! }) });
    if (b.location !== '/staff') throw new Error(`clerk ${i + 1} login landed on ${b.location}`);
    await b.get('/staff/credits');
    while (performance.now() - t0 < stopAt) {
      const ids = [...b.html.matchAll(/href="\/staff\/credits\/(\d+)"/g)].map((m) => m[1]!);
      if (ids.length === 0) { await think(); await b.get('/staff/credits'); continue; }
      await think();
      try {
        await b.get(`/staff/credits/${any(ids)}`);
        // Decided by another clerk since this clerk's queue page was drawn: the page shows the decision, no form.
        if (!/action="\/staff\/credits\/\d+\/approve"/.test(b.html)) {
          counters.decidedByOther++;
          await b.get('/staff/credits');
          continue;
        }
        await think();
        // Another clerk may have decided it meanwhile: 409 with the current state (exactly one wins).
        if (Math.random() < 0.8) await b.post(`${currentReview(b)}/approve`, {}, [409]);
        else await b.post(`${currentReview(b)}/reject`, { reason: '証明書類の日付が活動日と一致しません。' }, [409]);
        counters.decisions++;
      } catch (err) {
        if (!(err instanceof ExpectedStatus)) throw err;
        counters.decidedByOther++;
        await b.get('/staff/credits');
      }
    }
  } catch (err) {
    failures.push(`clerk ${i + 1} stopped: ${(err as Error).message}`);
  }
}

/** The review page's form action (`/staff/credits/123/approve`) without the verb. */
function currentReview(b: Browser): string {
  const action = /action="(\/staff\/credits\/\d+)\/approve"/.exec(b.html)?.[1];
  if (!action) throw new Error('no approve form on the review page');
  return action;
}

// ── 4. The run and the report ─────────────────────────────────────────────────────────────────────
const percentile = (sorted: number[], p: number) => sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const data = await prepare();
const catcher = await new MailCatcher().start();
console.log(`Starting the app (node src/main.ts, port ${PORT})…`);
const { child, logFile } = await startApp(catcher.port);
const pid = child.pid!;
const rss: { at: number; mb: number }[] = [];
let exitCode = 0;
try {
  t0 = performance.now();
  const loginStarted = performance.now();
  console.log(`Arrival: ${MEMBERS} members log in, ${LOGIN_CONCURRENCY} at a time…`);
  const browsers = data.members.map(() => new Browser());
  let nextLogin = 0;
  await Promise.all(Array.from({ length: LOGIN_CONCURRENCY }, async () => {
    for (let i = nextLogin++; i < data.members.length; i = nextLogin++) {
      await memberLogin(browsers[i]!, data.members[i]!.number).catch((err: Error) => failures.push(`login of ${data.members[i]!.number}: ${err.message}`));
    }
  }));
  const arrivalSeconds = (performance.now() - loginStarted) / 1000;
  const arrivalRequests = samples.length;
  // CPU used by the app and by PostgreSQL during the run: per request, it does not depend on what else shares the machine.
  const pgPids = config.databaseUrl ? [] : postgresPids();
  const cpuAt = () => ({ app: cpuSeconds(pid), pg: pgPids.reduce((sum, p) => sum + cpuSeconds(p), 0) });
  const cpuStart = cpuAt();
  t0 = performance.now();
  stopAt = SECONDS * 1000;
  const sampler = setInterval(() => {
    const mb = rssMb(pid);
    if (mb !== undefined) rss.push({ at: (performance.now() - t0) / 1000, mb });
  }, 1000);
  console.log(`Running: ${MEMBERS} members (first step spread over ${RAMP} s) and ${STAFF} clerks for ${SECONDS} s, think time ${THINK_MIN}–${THINK_MAX} ms…`);
  await Promise.all([...data.members.map((m, i) => member(m, browsers[i]!, data)), ...Array.from({ length: Math.min(STAFF, CLERK_SECRETS.length) }, (_, i) => clerk(i))]);
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const cpuEnd = cpuAt();

  // ── Figures ──
  const byPage = new Map<string, Sample[]>();
  for (const s of samples) byPage.set(s.page, [...(byPage.get(s.page) ?? []), s]);
  const isError = (s: Sample) => s.status === 0 || (s.status >= 400 && !(s.status === 409));
  const rows = [...byPage].sort((a, b) => b[1].length - a[1].length).map(([page, list]) => {
    const ms = list.map((s) => s.ms).sort((a, b) => a - b);
    return {
      page, count: list.length, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms[ms.length - 1]!,
      slow: list.filter((s) => s.ms > SLOW_MS).length, expected4xx: list.filter((s) => s.status === 409).length, errors: list.filter(isError).length,
    };
  });
  const all = samples.map((s) => s.ms).sort((a, b) => a - b);
  const slow = samples.filter((s) => s.ms > SLOW_MS).length;
  const errors = failures.length;
  const warm = rss.filter((r) => r.at >= WARMUP);
  const rssWarm = warm[0]?.mb ?? rss[0]?.mb ?? 0;
  const rssEnd = rss[rss.length - 1]?.mb ?? 0;
  const rssMax = Math.max(...rss.map((r) => r.mb));
  const flat = rssEnd <= rssWarm * RSS_FLAT;

  const fmt = (n: number) => n.toFixed(0);
  const table = [
    '| page | count | p50 ms | p95 ms | p99 ms | max ms | > 1 s | 409 (expected) | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.page} | ${r.count} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.slow} | ${r.expected4xx} | ${r.errors} |`),
    `| **all** | ${samples.length} | ${fmt(percentile(all, 50))} | ${fmt(percentile(all, 95))} | ${fmt(percentile(all, 99))} | ${fmt(all[all.length - 1] ?? 0)} | ${slow} | ${rows.reduce((n, r) => n + r.expected4xx, 0)} | ${errors} |`,
  ];
  const cpus = os.cpus();
  console.log(`\n## Load run — ${new Date().toISOString()}\n`);
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Node ${process.version}, load average before ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`Data: ${data.total} members, ${data.credits} credits (${data.pending} pending at the start); app, PostgreSQL and load generator on this machine.`);
  console.log(`Simulated: ${MEMBERS} members (half renewal targets) + ${STAFF} clerks, ${SECONDS} s, think ${THINK_MIN}–${THINK_MAX} ms, ${RELOGIN_PERCENT}% re-logins.\n`);
  console.log(table.join('\n'));
  console.log(`\nArrival: ${arrivalRequests} requests (the logins) in ${arrivalSeconds.toFixed(1)} s before the clock started; they are in the table.`);
  const runRequests = samples.length - arrivalRequests;
  console.log(`Throughput: ${(runRequests / elapsed).toFixed(1)} req/s over the ${elapsed.toFixed(1)} s run.`);
  const perRequest = (seconds: number) => ((seconds * 1000) / Math.max(1, runRequests)).toFixed(1);
  console.log(`CPU during the run: app ${(cpuEnd.app - cpuStart.app).toFixed(1)} s (${perRequest(cpuEnd.app - cpuStart.app)} ms per request)` +
    (pgPids.length > 0 ? `, PostgreSQL ${(cpuEnd.pg - cpuStart.pg).toFixed(1)} s (${perRequest(cpuEnd.pg - cpuStart.pg)} ms per request; backends started later not counted)` : '') +
    ` — ${(elapsed * os.availableParallelism()).toFixed(0)} CPU-seconds were there.`);
  console.log(`Done: ${counters.logins} logins (${counters.relogins} re-logins), ${counters.reports} self-reports sent for approval (${counters.capReached} stopped at the cap), ${counters.decisions} clerk decisions (${counters.decidedByOther} already decided by another clerk), ${catcher.received.length} mails received.`);
  console.log(`App RSS: ${rssWarm.toFixed(0)} MB at ${WARMUP} s (after warm-up), ${rssEnd.toFixed(0)} MB at the end, ${rssMax.toFixed(0)} MB at most — ${flat ? 'flat' : 'GROWING'} (end ≤ ${Math.round((RSS_FLAT - 1) * 100)}% above warm-up).`);
  if (failures.length > 0) {
    console.log(`\nErrors (${failures.length}; first 20):`);
    for (const f of failures.slice(0, 20)) console.log(`  ${f}`);
  }
  console.log(`\nApp log (warnings and errors): ${logFile}`);
  if (slow > 0) {
    // When the slow requests ended, by second of the run: a cluster is a stall (GC, a checkpoint, a job), a spread is saturation.
    const bySecond = new Map<number, number>();
    for (const x of samples.filter((q) => q.ms > SLOW_MS)) bySecond.set(Math.floor(x.at / 1000), (bySecond.get(Math.floor(x.at / 1000)) ?? 0) + 1);
    console.log(`Requests over 1 s by second of the run (second: count): ${[...bySecond].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  }
  const ok = errors === 0 && slow === 0;
  console.log(ok ? '\nPASS: 0 errors, 0 requests over 1 s.' : `\nFAIL: ${errors} errors, ${slow} requests over 1 s.`);
  exitCode = ok ? 0 : 1;
} finally {
  child.kill('SIGTERM');
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 20_000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
  });
  await catcher.stop();
}
process.exit(exitCode);
