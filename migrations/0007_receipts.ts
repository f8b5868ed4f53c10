import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 領収書: one receipt per paid invoice. The number is given on the first download and never changes;
  // every later download is a 再発行 of the same receipt (counted, and marked on the document).
  await sql`CREATE SEQUENCE receipt_no START 1`.execute(db);
  await sql`
    CREATE TABLE receipts (
      id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      receipt_no          text NOT NULL UNIQUE DEFAULT ('R-' || lpad(nextval('receipt_no')::text, 6, '0')),
      invoice_id          integer NOT NULL UNIQUE REFERENCES invoices(id),
      issued_at           timestamptz NOT NULL,
      download_count      integer NOT NULL DEFAULT 0 CHECK (download_count >= 0),
      last_downloaded_at  timestamptz
    )`.execute(db);
}
