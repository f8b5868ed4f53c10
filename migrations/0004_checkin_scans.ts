import { type Kysely, sql } from 'kysely';

// Forward-only: a later change is a new numbered file, never an edit of this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Every scan at a meeting's reception desk, whatever its outcome: the desk's log and the proof of who
  // credited whom. The raw QR text is not kept (only its kind); the member number read is.
  await sql`
    CREATE TABLE checkin_scans (
      id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      catalogue_id   integer NOT NULL REFERENCES credit_catalogue(id),
      input_kind     text NOT NULL CHECK (input_kind IN ('qr', 'number')),
      member_number  text,
      member_id      integer REFERENCES members(id),
      result         text NOT NULL CHECK (result IN ('credited', 'duplicate', 'invalid', 'expired', 'unknown_member')),
      credit_id      integer REFERENCES credits(id),
      staff_id       integer NOT NULL REFERENCES staff_users(id),
      scanned_at     timestamptz NOT NULL,
      CHECK (result <> 'credited' OR (member_id IS NOT NULL AND credit_id IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX checkin_scans_meeting ON checkin_scans (catalogue_id, scanned_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX checkin_scans_member ON checkin_scans (member_id) WHERE member_id IS NOT NULL`.execute(db);
}
