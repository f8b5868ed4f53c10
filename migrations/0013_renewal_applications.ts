import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Renewal cycles as data, the rest of what a renewal reads: the new period, the last fiscal year whose
  // 年会費 must be paid, the fee billed on submission, the application window, the due date, study abroad.
  await sql`
    ALTER TABLE renewal_cycles
      ADD COLUMN new_period_start      date,
      ADD COLUMN new_period_end        date,
      ADD COLUMN last_annual_fee_year  integer,
      ADD COLUMN renewal_fee_code      text NOT NULL DEFAULT 'renewal_fee',
      ADD COLUMN window_opens_on       date,
      ADD COLUMN window_closes_on      date,
      ADD COLUMN payment_due_on        date,
      ADD COLUMN study_abroad          jsonb NOT NULL DEFAULT '{"waivesCredits": true, "minConsecutiveMonths": 10, "creditsPerMonth": 1, "category": "V", "catalogueCode": "ABROAD"}'`.execute(db);
  // Cycles that existed before: the defaults the society has always used (5 years from 1 April; window September–January).
  await sql`
    UPDATE renewal_cycles SET
      new_period_start = period_end + 1,
      new_period_end = (period_end + interval '5 years')::date,
      last_annual_fee_year = fiscal_year,
      window_opens_on = make_date(fiscal_year, 9, 1),
      window_closes_on = make_date(fiscal_year + 1, 1, 31),
      payment_due_on = make_date(fiscal_year + 1, 2, 28)`.execute(db);
  await sql`
    ALTER TABLE renewal_cycles
      ALTER COLUMN new_period_start SET NOT NULL,
      ALTER COLUMN new_period_end SET NOT NULL,
      ALTER COLUMN last_annual_fee_year SET NOT NULL,
      ALTER COLUMN window_opens_on SET NOT NULL,
      ALTER COLUMN window_closes_on SET NOT NULL,
      ALTER COLUMN payment_due_on SET NOT NULL,
      ADD CHECK (new_period_end > new_period_start),
      ADD CHECK (window_closes_on >= window_opens_on)`.execute(db);

  // 専門医資格申請情報: one record per application, numbered for people (申請番号).
  await sql`CREATE SEQUENCE application_no START 300001`.execute(db);
  await sql`
    CREATE TABLE applications (
      id                        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      application_no            text NOT NULL UNIQUE DEFAULT ('SN-' || nextval('application_no')),
      member_id                 integer NOT NULL REFERENCES members(id),
      cycle_id                  integer REFERENCES renewal_cycles(id),
      type                      text NOT NULL CHECK (type IN ('initial', 'renewal', 'withdrawal')),
      status                    text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'completed', 'withdrawn', 'submitted_for_review', 'cancelled')),
      base_qualification        text,
      base_qualification_number text,
      base_qualification_year   integer,
      base_period_start         date,
      base_period_end           date,
      abroad                    boolean NOT NULL DEFAULT false,
      abroad_departed_on        date,
      abroad_returned_on        date,
      abroad_ongoing            boolean NOT NULL DEFAULT false,
      withdrawal_reason         text,
      withdrawal_reason_other   text NOT NULL DEFAULT '',
      licence_date              date,
      acls_valid_until          date,
      -- The 専門医更新料 invoice billing created on submission (billing owns the row; no foreign key across modules).
      invoice_id                integer,
      -- 留学: the 在籍証明書 (copy) is uploaded, possibly after return, and verified by the secretariat.
      abroad_verified_at        timestamptz,
      abroad_verified_by        integer,
      granted_period_start      date,
      granted_period_end        date,
      submitted_at              timestamptz,
      completed_at              timestamptz,
      withdrawn_at              timestamptz,
      created_at                timestamptz NOT NULL DEFAULT now(),
      updated_at                timestamptz NOT NULL DEFAULT now(),
      CHECK (type = 'initial' OR cycle_id IS NOT NULL),
      CHECK (base_period_end IS NULL OR base_period_start IS NULL OR base_period_end > base_period_start)
    )`.execute(db);
  await sql`CREATE INDEX applications_member ON applications (member_id, created_at DESC)`.execute(db);
  // A member applies once per cycle: a submitted or completed renewal and a withdrawal exclude each other.
  await sql`CREATE UNIQUE INDEX applications_one_per_cycle ON applications (member_id, cycle_id) WHERE status IN ('submitted', 'completed', 'withdrawn')`.execute(db);

  await sql`
    CREATE TABLE application_events (
      id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      application_id  integer NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
      occurred_at     timestamptz NOT NULL,
      actor_type      text NOT NULL,
      actor_id        integer,
      action          text NOT NULL,
      from_status     text,
      to_status       text NOT NULL,
      detail          text NOT NULL DEFAULT ''
    )`.execute(db);
  await sql`CREATE INDEX application_events_application ON application_events (application_id, id)`.execute(db);

  await sql`
    CREATE TABLE application_files (
      id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      application_id  integer NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
      kind            text NOT NULL CHECK (kind IN ('enrollment_certificate')),
      stored_name     text NOT NULL UNIQUE,
      original_name   text NOT NULL,
      content_type    text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
      size_bytes      integer NOT NULL CHECK (size_bytes > 0),
      sha256          text NOT NULL,
      uploaded_at     timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX application_files_application ON application_files (application_id)`.execute(db);
}
