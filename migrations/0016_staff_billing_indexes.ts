import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 請求の検索 (/staff/billing): each sort order of the list is an index, so a page of 60,000 invoices reads
  // 50 rows instead of sorting them all. The expression is the one the query orders by (unpaid first).
  await sql`CREATE INDEX invoices_search_open ON invoices ((status NOT IN ('unpaid', 'processing')), due_on, id)`.execute(db);
  await sql`CREATE INDEX invoices_search_due ON invoices (due_on, id)`.execute(db);
  await sql`CREATE INDEX invoices_fee_year ON invoices (fee_type, fiscal_year)`.execute(db);
  await sql`CREATE INDEX invoices_fiscal_year ON invoices (fiscal_year)`.execute(db);
  // The staff invoice page finds notifications by the gateway's reference too (one may arrive before the
  // reference was saved, and is then stored without its attempt).
  await sql`CREATE INDEX payment_notifications_ref ON payment_notifications (gateway, gateway_ref)`.execute(db);
}
