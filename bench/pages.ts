import os from 'node:os';
import { sql } from 'kysely';
import { registerJobs } from '../src/app';
import { boot } from '../src/boot';
import { fiscalYearOf, fiscalYearRange } from '../src/platform/japanese';
import { seedDemo } from '../src/seed/demo';
import { seedScale } from '../src/seed/scale';
import { seedScaleCredits } from '../src/seed/scale-credits';
import { baseUrl, benchConfig, CONNECTIONS, DURATION, login, loginStaff, printTable, runTargets, startBaseline, WARMUP, WORKERS } from './common';

/**
 * `npm run bench`: the member pages under load, against a bare Fastify route doing one indexed SELECT on
 * the same database, so the figures say what the portal costs on top of "HTTP + one query" on this machine.
 * See bench/README.md.
 */

const MEMBERS = 30_000;

const config = benchConfig();

// ── The real app, composed exactly as src/main.ts does ────────────────────────────────────────────
const booted = await boot(config);
const { database, deps, services, app } = booted;
let bare: Awaited<ReturnType<typeof startBaseline>> | undefined;

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
  bare = await startBaseline(database.db, member.member_number);

  const cookie = await login(appUrl, member.member_number);
  const staffCookie = await loginStaff(appUrl);
  const pages = [
    { name: 'GET / (home)', path: '/', cookie },
    { name: 'GET /profile/detail', path: '/profile/detail', cookie },
    { name: `GET /credits (${memberCredits.n} credits)`, path: '/credits', cookie },
    { name: 'GET suggestions (関連)', path: `/credits/catalogue/suggest?q=${encodeURIComponent('関連')}`, cookie },
    { name: `GET /staff/credits (${pendingTotal.n} pending)`, path: '/staff/credits', cookie: staffCookie },
    // 会員360° (target ≤ 150 ms server time) and member search by part of a phone number (≤ 100 ms).
    { name: `GET /staff/members/${member.member_number} (360°)`, path: `/staff/members/${member.member_number}`, cookie: staffCookie },
    { name: 'GET /staff?q=03-12 (phone search)', path: `/staff?q=${encodeURIComponent('03-12')}`, cookie: staffCookie },
  ];
  const memGb = (os.totalmem() / 1024 ** 3).toFixed(1);
  console.log(`Koushin page benchmark — ${os.availableParallelism()} CPUs, ${memGb} GB RAM, Node ${process.version}`);
  console.log(`  database: ${database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}, ${total.n} members`);
  console.log(`  member ${member.member_number} (renewal target), ${CONNECTIONS} connections, ${DURATION} s per target after ${WARMUP} s warm-up, load generator in ${WORKERS > 0 ? `${WORKERS} worker thread(s)` : 'the main thread'}\n`);

  const rows = await runTargets([
    { name: 'bare SELECT (baseline)', url: bare.url, headers: {} },
    ...pages.map((p) => ({ name: p.name, url: `${appUrl}${p.path}`, headers: { cookie: p.cookie }, page: true })),
  ]);
  console.log('');
  printTable(rows);
} finally {
  await bare?.close().catch(() => {});
  await booted.close();
}
