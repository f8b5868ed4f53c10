import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 払込票: the member's choice, the dispatch it goes out with, and when the secretariat sent it.
  await sql`
    ALTER TABLE invoices
      ADD COLUMN slip_requested_at timestamptz,
      ADD COLUMN slip_dispatch_on date,
      ADD COLUMN slip_sent_at timestamptz`.execute(db);
  await sql`CREATE INDEX invoices_slip_dispatch ON invoices (slip_dispatch_on) WHERE slip_requested_at IS NOT NULL AND slip_sent_at IS NULL`.execute(db);
}
