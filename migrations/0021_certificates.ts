import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 専門医証の発送: one batch per mailing (the mid-March dispatch and any later one), marked mailed once.
  await sql`
    CREATE TABLE certificate_batches (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      cycle_id    integer NOT NULL REFERENCES renewal_cycles(id),
      created_at  timestamptz NOT NULL DEFAULT now(),
      created_by  integer,
      mailed_at   timestamptz,
      mailed_by   integer
    )`.execute(db);

  // 専門医証番号: a sequence hands each number out once, even when the transaction that took it rolls back
  // (a gap is possible, a repeat never), and the column is unique besides.
  await sql`CREATE SEQUENCE certificate_serial AS integer START 1 NO CYCLE`.execute(db);
  await sql`
    CREATE TABLE certificates (
      id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      serial             integer NOT NULL UNIQUE DEFAULT nextval('certificate_serial'),
      member_id          integer NOT NULL REFERENCES members(id),
      -- The completed renewal it certifies (the applications module owns that row; no foreign key across modules).
      application_id     integer NOT NULL,
      cycle_id           integer NOT NULL REFERENCES renewal_cycles(id),
      -- As printed: the name on the day of issue and the granted period.
      holder_name        text NOT NULL,
      period_start       date NOT NULL,
      period_end         date NOT NULL,
      issued_at          timestamptz NOT NULL,
      issued_by          integer,
      status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked', 'superseded', 'withdrawn')),
      status_reason      text NOT NULL DEFAULT '',
      status_changed_at  timestamptz,
      replaces_id        integer REFERENCES certificates(id),
      -- The verification code (/verify/<code>): 128 random bits, looked up by its SHA-256, kept sealed
      -- (AES-GCM under the session secret) only so the same PDF can be printed again.
      code_hash          text NOT NULL UNIQUE,
      code_sealed        text NOT NULL,
      batch_id           integer REFERENCES certificate_batches(id),
      CHECK (period_end > period_start)
    )`.execute(db);
  // One valid certificate per renewal: two clicks on 「専門医証を発行」 at once issue it once.
  await sql`CREATE UNIQUE INDEX certificates_one_active ON certificates (application_id) WHERE status = 'active'`.execute(db);
  await sql`CREATE INDEX certificates_member ON certificates (member_id)`.execute(db);
  await sql`CREATE INDEX certificates_cycle ON certificates (cycle_id, serial)`.execute(db);
  await sql`CREATE INDEX certificates_batch ON certificates (batch_id)`.execute(db);
}
