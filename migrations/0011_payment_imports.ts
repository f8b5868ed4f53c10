import { type Kysely, sql } from 'kysely';

// Forward-only: a later change is a new numbered file, never an edit of this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A result file (郵便振替 / 銀行振込 / 口座振替・クレジット継続払い) between 「確認」 and 「反映」: the parsed
  // rows are kept here, so applying never trusts the browser. `outcomes` is the row report at apply time.
  await sql`
    CREATE TABLE payment_imports (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind          text NOT NULL CHECK (kind IN ('postal', 'bank', 'debit')),
      staff_id      integer NOT NULL REFERENCES staff_users(id),
      file_name     text NOT NULL,
      sha256        text NOT NULL,
      encoding      text NOT NULL CHECK (encoding IN ('utf-8', 'shift_jis')),
      row_count     integer NOT NULL CHECK (row_count >= 0),
      rows          jsonb NOT NULL,
      created_at    timestamptz NOT NULL,
      applied_at    timestamptz,
      applied_by    integer REFERENCES staff_users(id),
      outcomes      jsonb,
      CHECK ((applied_at IS NULL) = (outcomes IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX payment_imports_recent ON payment_imports (created_at DESC)`.execute(db);
  await sql`CREATE INDEX payment_imports_sha256 ON payment_imports (sha256) WHERE applied_at IS NOT NULL`.execute(db);

  // Every bank/post-office transaction taken from an applied file, once per (kind, 取引番号): a second file,
  // a second apply or a second clerk finds the key taken and changes nothing.
  await sql`
    CREATE TABLE payment_import_transactions (
      kind            text NOT NULL CHECK (kind IN ('postal', 'bank', 'debit')),
      transaction_no  text NOT NULL,
      import_id       integer NOT NULL REFERENCES payment_imports(id),
      line            integer NOT NULL,
      outcome         text NOT NULL,
      invoice_id      integer REFERENCES invoices(id),
      amount          integer NOT NULL,
      created_at      timestamptz NOT NULL,
      PRIMARY KEY (kind, transaction_no)
    )`.execute(db);
  await sql`CREATE INDEX payment_import_transactions_import ON payment_import_transactions (import_id)`.execute(db);
}
