import { type Kysely, sql } from 'kysely';

// Forward-only: a later change is a new numbered file, never an edit of this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A staff CSV import between 「確認」 (preview) and 「登録」 (commit): the parsed rows are kept here, so
  // the commit never trusts anything the browser sends back. `statuses` is the row report at commit time.
  await sql`
    CREATE TABLE credit_imports (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      staff_id      integer NOT NULL REFERENCES staff_users(id),
      file_name     text NOT NULL,
      sha256        text NOT NULL,
      encoding      text NOT NULL CHECK (encoding IN ('utf-8', 'shift_jis')),
      had_header    boolean NOT NULL,
      row_count     integer NOT NULL CHECK (row_count >= 0),
      rows          jsonb NOT NULL,
      created_at    timestamptz NOT NULL,
      committed_at  timestamptz,
      imported      integer,
      statuses      jsonb,
      CHECK ((committed_at IS NULL) = (imported IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX credit_imports_recent ON credit_imports (created_at DESC)`.execute(db);
  await sql`CREATE INDEX credit_imports_sha256 ON credit_imports (sha256) WHERE committed_at IS NOT NULL`.execute(db);
}
