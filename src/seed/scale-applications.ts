import { sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { fiscalYearOf } from '../platform/japanese';

export interface ScaleApplicationsResult {
  added: number;
  /** Applications of this fiscal year's cycle by status afterwards (not started = targets without one). */
  byStatus: Record<string, number>;
  seconds: number;
}

/**
 * The renewal demo's states spread over the scale members who renew this fiscal year (about 6,000 of
 * 30,000), by member id: one in five not started, 15 % drafts, 5 % abroad (draft, still abroad), 20 %
 * submitted with the renewal fee unpaid, 35 % renewed (更新完了, new period granted), 5 % withdrawn
 * (by a hash of the member id).
 * Submissions and completions are spread over the last 60 days, for the dashboard's trend.
 *
 * Generated in SQL with the statuses and fields the applications service writes; the renewal-fee
 * invoices of the submitted and renewed ones come from `seedScaleBilling` (run it after this). Events
 * and audit rows are skipped: no page at scale reads a stranger's history. Idempotent per member.
 */
export async function seedScaleApplications(db: Db, opts: { now?: Date } = {}): Promise<ScaleApplicationsResult> {
  const started = performance.now();
  const fy = fiscalYearOf(opts.now ?? new Date());
  const cycle = await db.selectFrom('renewal_cycles').selectAll().where('fiscal_year', '=', fy).executeTakeFirst();
  if (!cycle) throw new Error(`No renewal cycle for ${fy}年度: load the demo data first (npm run seed).`);

  const inserted = await sql<{ n: number }>`
    WITH targets AS (
      -- A hash of the id, not the id itself: renewal targets are every fifth member, so id % 20 would hit four buckets.
      SELECT m.id, (hashint4(m.id) & 2147483647) % 20 AS bucket, m.cert_period_start
      FROM members m
      WHERE m.member_number > '100030' AND m.cert_period_end = ${cycle.period_end}::date
        AND (hashint4(m.id) & 2147483647) % 20 >= 4
        AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.member_id = m.id AND a.cycle_id = ${cycle.id})
    ), rows AS (
      INSERT INTO applications (member_id, cycle_id, type, status, base_qualification, base_qualification_number, base_qualification_year,
        base_period_start, base_period_end, abroad, abroad_departed_on, abroad_ongoing, withdrawal_reason,
        granted_period_start, granted_period_end, submitted_at, completed_at, withdrawn_at, created_at, updated_at)
      SELECT t.id, ${cycle.id}, CASE WHEN t.bucket = 19 THEN 'withdrawal' ELSE 'renewal' END,
        CASE WHEN t.bucket BETWEEN 4 AND 7 THEN 'draft' WHEN t.bucket BETWEEN 8 AND 11 THEN 'submitted' WHEN t.bucket BETWEEN 12 AND 18 THEN 'completed' ELSE 'withdrawn' END,
        CASE WHEN t.bucket = 19 THEN NULL ELSE (ARRAY['naika_nintei', 'sogo_naika', 'naika_shinseido', 'geka', 'geka_toroku', 'shonika'])[1 + t.id % 6] END,
        CASE WHEN t.bucket = 19 THEN NULL ELSE lpad((t.id * 7919 % 100000000)::text, 8, '0') END,
        CASE WHEN t.bucket = 19 THEN NULL ELSE ${fy - 7}::int END,
        CASE WHEN t.bucket = 19 THEN NULL ELSE make_date(${fy - 7}, 4, 1) END,
        CASE WHEN t.bucket = 19 THEN NULL ELSE make_date(${fy - 2}, 3, 31) END,
        t.bucket = 7, CASE WHEN t.bucket = 7 THEN t.cert_period_start + 400 END, t.bucket = 7,
        CASE WHEN t.bucket = 19 THEN 'retirement' END,
        CASE WHEN t.bucket BETWEEN 12 AND 18 THEN ${cycle.new_period_start}::date END,
        CASE WHEN t.bucket BETWEEN 12 AND 18 THEN ${cycle.new_period_end}::date END,
        CASE WHEN t.bucket BETWEEN 8 AND 18 THEN now() - ((t.id % 60) || ' days')::interval END,
        CASE WHEN t.bucket BETWEEN 12 AND 18 THEN LEAST(now(), now() - ((t.id % 60) || ' days')::interval + interval '2 days') END,
        CASE WHEN t.bucket = 19 THEN now() - ((t.id % 45) || ' days')::interval END,
        now() - ((t.id % 60) || ' days')::interval - interval '3 days', now()
      FROM targets t
      RETURNING 1)
    SELECT count(*)::int AS n FROM rows`.execute(db);

  await sql`ANALYZE applications`.execute(db);

  const counts = await db.selectFrom('applications').select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('cycle_id', '=', cycle.id).groupBy('status').execute();
  const byStatus = Object.fromEntries(counts.map((c) => [c.status, Number(c.n)]));
  return { added: inserted.rows[0]?.n ?? 0, byStatus, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
