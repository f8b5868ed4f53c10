import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A renewal cycle holds the rules the credits module reads (issue: renewal extends it).
  await sql`
    CREATE TABLE renewal_cycles (
      id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      fiscal_year         integer NOT NULL UNIQUE,
      name_ja             text NOT NULL,
      name_en             text NOT NULL,
      period_end          date NOT NULL UNIQUE,
      required_credits    integer NOT NULL CHECK (required_credits >= 0),
      self_report_cap     integer NOT NULL CHECK (self_report_cap >= 0),
      category_minimums   jsonb NOT NULL DEFAULT '[]',
      group_limits        jsonb NOT NULL DEFAULT '[]',
      created_at          timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE credit_categories (
      code        text PRIMARY KEY,
      name_ja     text NOT NULL,
      name_en     text NOT NULL,
      sort_order  integer NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE credit_catalogue (
      id                    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code                  text NOT NULL UNIQUE,
      name_ja               text NOT NULL,
      name_en               text NOT NULL DEFAULT '',
      category_code         text NOT NULL REFERENCES credit_categories(code),
      kind                  text NOT NULL CHECK (kind IN ('annual_meeting', 'regional_meeting', 'elearning', 'related_meeting', 'paper', 'other')),
      credits               integer NOT NULL CHECK (credits > 0),
      activity_from         date,
      activity_to           date,
      self_reportable       boolean NOT NULL DEFAULT false,
      detail_kind           text NOT NULL DEFAULT 'none' CHECK (detail_kind IN ('none', 'meeting_name', 'paper')),
      limit_group           text,
      once_per_fiscal_year  boolean NOT NULL DEFAULT false,
      retired_at            timestamptz,
      search_text           text NOT NULL,
      created_at            timestamptz NOT NULL DEFAULT now(),
      updated_at            timestamptz NOT NULL DEFAULT now(),
      CHECK (activity_to IS NULL OR activity_from IS NULL OR activity_to >= activity_from)
    )`.execute(db);
  await sql`CREATE INDEX credit_catalogue_search ON credit_catalogue USING gin (search_text gin_trgm_ops) WHERE retired_at IS NULL`.execute(db);
  await sql`CREATE INDEX credit_catalogue_newest ON credit_catalogue (activity_from DESC NULLS LAST, id DESC)`.execute(db);

  await sql`CREATE SEQUENCE credit_control_no START 100001`.execute(db);
  await sql`
    CREATE TABLE credits (
      id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      control_no        text NOT NULL UNIQUE DEFAULT ('TN-' || nextval('credit_control_no')),
      member_id         integer NOT NULL REFERENCES members(id),
      catalogue_id      integer NOT NULL REFERENCES credit_catalogue(id),
      source            text NOT NULL CHECK (source IN ('attendance', 'elearning', 'self_report', 'import', 'staff')),
      status            text NOT NULL CHECK (status IN ('draft', 'pending', 'approved', 'rejected')),
      credits           integer NOT NULL CHECK (credits > 0),
      activity_date     date NOT NULL,
      detail_title      text NOT NULL DEFAULT '',
      detail_source     text NOT NULL DEFAULT '',
      external_id       text,
      rejection_reason  text,
      submitted_at      timestamptz,
      decided_at        timestamptz,
      decided_by        integer REFERENCES staff_users(id),
      created_at        timestamptz NOT NULL DEFAULT now(),
      updated_at        timestamptz NOT NULL DEFAULT now(),
      CHECK (source = 'self_report' OR status = 'approved')
    )`.execute(db);
  await sql`CREATE INDEX credits_member_date ON credits (member_id, activity_date DESC)`.execute(db);
  await sql`CREATE INDEX credits_review_queue ON credits (submitted_at) WHERE status = 'pending'`.execute(db);
  // Re-importing a file or re-sending an API call adds nothing.
  await sql`CREATE UNIQUE INDEX credits_external ON credits (source, external_id) WHERE external_id IS NOT NULL`.execute(db);
  // A meeting's attendance credits once per member and meeting.
  await sql`CREATE UNIQUE INDEX credits_attendance_once ON credits (member_id, catalogue_id) WHERE source = 'attendance'`.execute(db);

  await sql`
    CREATE TABLE credit_events (
      id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      credit_id    integer NOT NULL REFERENCES credits(id),
      occurred_at  timestamptz NOT NULL,
      actor_type   text NOT NULL,
      actor_id     integer,
      action       text NOT NULL,
      from_status  text,
      to_status    text NOT NULL,
      comment      text NOT NULL DEFAULT ''
    )`.execute(db);
  await sql`CREATE INDEX credit_events_credit ON credit_events (credit_id, id)`.execute(db);

  await sql`
    CREATE TABLE credit_files (
      id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      credit_id      integer NOT NULL REFERENCES credits(id),
      stored_name    text NOT NULL UNIQUE,
      original_name  text NOT NULL,
      content_type   text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
      size_bytes     integer NOT NULL CHECK (size_bytes > 0),
      sha256         text NOT NULL,
      uploaded_at    timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX credit_files_credit ON credit_files (credit_id)`.execute(db);
}
