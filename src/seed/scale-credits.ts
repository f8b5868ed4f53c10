import { sql } from 'kysely';
import type { Db } from '../platform/db/database';

export interface ScaleCreditsResult {
  added: number;
  pendingAdded: number;
  total: number;
  seconds: number;
}

/**
 * About 50 approved credits per scale member (recorded as imported, so attendance's once-per-meeting
 * index does not apply) (1.5 million for 30,000), spread over each member's period
 * across the catalogue, and 5,000 pending self-reports for the review queue. Generated inside PostgreSQL
 * (INSERT … SELECT generate_series) in one statement each: minutes of client round trips become seconds.
 * Idempotent per member. Development only (callers refuse production).
 */
export async function seedScaleCredits(db: Db, opts: { perMember?: number; pending?: number; heavyMember?: string } = {}): Promise<ScaleCreditsResult> {
  const started = Date.now();
  const perMember = opts.perMember ?? 50;
  const pending = opts.pending ?? 5_000;
  const earned = await db.selectFrom('credit_catalogue').select(['id']).orderBy('id').execute();
  const selfReportable = await db.selectFrom('credit_catalogue').select(['id']).where('self_reportable', '=', true).where('retired_at', 'is', null).orderBy('id').execute();
  if (earned.length === 0 || selfReportable.length === 0) throw new Error('Load the demo catalogue first (npm run seed).');
  const earnedIds = earned.map((e) => e.id);
  const selfIds = selfReportable.map((e) => e.id);

  const before = Number((await db.selectFrom('credits').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  // Scale members only (numbers after the demo society), with a period, and no credits yet.
  await sql`
    INSERT INTO credits (member_id, catalogue_id, source, status, credits, activity_date, decided_at, created_at, updated_at)
    SELECT m.id, k.id, 'import', 'approved', k.credits,
           m.cert_period_start + ((g * 37 + m.id) % 1825), now(), now(), now()
    FROM members m
    CROSS JOIN generate_series(1, ${perMember}) AS g
    JOIN credit_catalogue k ON k.id = (${earnedIds}::int[])[1 + ((m.id * 7 + g) % ${earnedIds.length})]
    WHERE m.member_number > '100030' AND m.cert_period_start IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.member_id = m.id)`.execute(db);

  // 5,000 self-reports waiting for the secretariat, submitted over the last 30 days.
  const havePending = Number((await db.selectFrom('credits').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()).n);
  const toAdd = Math.max(0, pending - havePending);
  if (toAdd > 0) {
    await sql`
      INSERT INTO credits (member_id, catalogue_id, source, status, credits, activity_date, detail_title, submitted_at, created_at, updated_at)
      SELECT m.id, k.id, 'self_report', 'pending', k.credits, m.cert_period_start + (m.id % 1500), '第70回日本心臓病学会学術集会',
             now() - ((m.id % 30) || ' days')::interval, now(), now()
      FROM (SELECT id, cert_period_start FROM members WHERE member_number > '100030' AND cert_period_start IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.member_id = members.id AND c.status = 'pending')
            ORDER BY id LIMIT ${toAdd}) m
      JOIN credit_catalogue k ON k.id = (${selfIds}::int[])[1 + (m.id % ${selfIds.length})]`.execute(db);
  }

  // One member with 200 credits, for the transcript benchmark.
  if (opts.heavyMember) {
    await sql`
      INSERT INTO credits (member_id, catalogue_id, source, status, credits, activity_date, decided_at, created_at, updated_at)
      SELECT m.id, (${earnedIds}::int[])[1 + (g % ${earnedIds.length})], 'import', 'approved', 1, m.cert_period_start + (g * 9 % 1825), now(), now(), now()
      FROM members m CROSS JOIN generate_series(1, 200 - (SELECT count(*)::int FROM credits WHERE member_id = (SELECT id FROM members WHERE member_number = ${opts.heavyMember}))) g
      WHERE m.member_number = ${opts.heavyMember} AND m.cert_period_start IS NOT NULL`.execute(db);
  }
  await sql`ANALYZE credits`.execute(db);
  const after = Number((await db.selectFrom('credits').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  return { added: after - before, pendingAdded: toAdd, total: after, seconds: (Date.now() - started) / 1000 };
}
