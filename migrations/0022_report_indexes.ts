import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // ダッシュボード and the staff list of a cycle's applications: counts per cycle, type and status, and the
  // 未着手 anti-join (members of a period end without a live record in the cycle) read this index only.
  await sql`CREATE INDEX applications_cycle_status ON applications (cycle_id, type, status, member_id)`.execute(db);
  // The daily trend of a cycle's renewals (submitted and completed in the last 30 days).
  await sql`CREATE INDEX applications_cycle_submitted ON applications (cycle_id, submitted_at) WHERE submitted_at IS NOT NULL`.execute(db);
  await sql`CREATE INDEX applications_cycle_completed ON applications (cycle_id, completed_at) WHERE completed_at IS NOT NULL`.execute(db);
  // Payments on the dashboard and in the staff list / export: attempts started since the cycle's window opened.
  await sql`CREATE INDEX payment_attempts_created ON payment_attempts (created_at)`.execute(db);
}
