import os from 'node:os';
import { sql } from 'kysely';
import { fiscalYearOf, fiscalYearRange } from '../src/platform/japanese';
import { seedScaleCredits } from '../src/seed/scale-credits';
import { baseUrl, intEnv, login, percentile, withScaleSociety } from './common';

/**
 * `npm run bench:pdf`: the member's 単位取得情報 as PDF (`GET /credits.pdf`) for the member with 200 credits (the
 * page benchmark's renewal target nearest 115000), one request after another: the first (it reads the font
 * files) apart, then p50 / p90 / max of BENCH_REQUESTS. Target: well under 2 s a document.
 */

const REQUESTS = intEnv('BENCH_REQUESTS', 20, 1);
const TARGET_MS = 2_000;

await withScaleSociety(async ({ db, app }) => {
  const { start, end } = fiscalYearRange(fiscalYearOf(new Date()));
  const member = await db.selectFrom('members').select(['id', 'member_number'])
    .where('member_number', '>', '100030').where('cert_period_end', '>=', start).where('cert_period_end', '<=', end)
    .orderBy(sql`abs(member_number::int - 115000)`).limit(1).executeTakeFirstOrThrow();
  const credits = await seedScaleCredits(db, { heavyMember: member.member_number });
  if (credits.added > 0) console.log(`Seeded ${credits.added} credits in ${credits.seconds} s.`);
  const count = await db.selectFrom('credits').select((eb) => eb.fn.countAll<string>().as('n')).where('member_id', '=', member.id).executeTakeFirstOrThrow();

  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `${baseUrl(app)}/credits.pdf`;
  const cookie = await login(baseUrl(app), member.member_number);
  const get = async () => {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200 || res.headers.get('content-type') !== 'application/pdf') throw new Error(`${url} answered ${res.status} ${res.headers.get('content-type')}`);
    return { ms: performance.now() - t0, bytes: body.length };
  };

  console.log(`Koushin transcript PDF benchmark — ${os.availableParallelism()} CPUs, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Node ${process.version}`);
  console.log(`  member ${member.member_number}, ${count.n} credits\n`);
  const first = await get();
  console.log(`GET /credits.pdf, first of the process (reads the font files): ${first.ms.toFixed(0)} ms, ${(first.bytes / 1024).toFixed(0)} KB`);
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i += 1) times.push((await get()).ms);
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  console.log(`GET /credits.pdf, ${REQUESTS} requests one after another:`);
  console.log(`  p50 ${p50.toFixed(0)} ms  p90 ${percentile(times, 90).toFixed(0)} ms  max ${times[times.length - 1]!.toFixed(0)} ms  (target < ${TARGET_MS} ms: ${p50 < TARGET_MS ? '✓' : '✗'})`);
  console.log('\nEverything runs on one machine (app, PostgreSQL, client); figures compare only between runs on the same, otherwise idle, machine.');
});
