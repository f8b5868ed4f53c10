import { type Kysely, sql } from 'kysely';

// Forward-only: a later change is a new numbered file, never an edit of this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE members (
      id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      member_number      text NOT NULL UNIQUE CHECK (member_number ~ '^1[0-9]{5}$'),
      family_name        text NOT NULL,
      given_name         text NOT NULL,
      family_name_kana   text NOT NULL,
      given_name_kana    text NOT NULL,
      birth_date         date NOT NULL,
      email              text NOT NULL,
      phone              text NOT NULL,
      postal_code        text NOT NULL CHECK (postal_code ~ '^[0-9]{3}-[0-9]{4}$'),
      prefecture         text NOT NULL,
      address_line1      text NOT NULL,
      address_line2      text NOT NULL DEFAULT '',
      organisation       text NOT NULL DEFAULT '',
      specialist_number  text,
      cert_period_start  date,
      cert_period_end    date,
      search_text        text NOT NULL,
      created_at         timestamptz NOT NULL DEFAULT now(),
      updated_at         timestamptz NOT NULL DEFAULT now(),
      CHECK (cert_period_end IS NULL OR cert_period_end > cert_period_start)
    )`.execute(db);
  await sql`CREATE INDEX members_search_trgm ON members USING gin (search_text gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX members_cert_period_end ON members (cert_period_end)`.execute(db);

  // Owned by the auth module: the password never sits beside the profile.
  await sql`
    CREATE TABLE member_credentials (
      member_id      integer PRIMARY KEY REFERENCES members(id),
      password_hash  text NOT NULL,
      updated_at     timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE password_reset_tokens (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      member_id   integer NOT NULL REFERENCES members(id),
      token_hash  text NOT NULL UNIQUE,
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX password_reset_tokens_member ON password_reset_tokens (member_id)`.execute(db);

  // Owned by the members module.
  await sql`
    CREATE TABLE email_change_tokens (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      member_id   integer NOT NULL REFERENCES members(id),
      new_email   text NOT NULL,
      token_hash  text NOT NULL UNIQUE,
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX email_change_tokens_member ON email_change_tokens (member_id)`.execute(db);

  await sql`
    CREATE TABLE staff_users (
      id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email             text NOT NULL UNIQUE,
      display_name      text NOT NULL,
      role              text NOT NULL CHECK (role IN ('staff', 'admin')),
      password_hash     text,
      totp_secret_enc   text,
      totp_enrolled_at  timestamptz,
      totp_last_step    bigint,
      disabled_at       timestamptz,
      last_login_at     timestamptz,
      created_at        timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE staff_recovery_codes (
      id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      staff_id   integer NOT NULL REFERENCES staff_users(id),
      code_hash  text NOT NULL,
      used_at    timestamptz
    )`.execute(db);
  await sql`CREATE INDEX staff_recovery_codes_staff ON staff_recovery_codes (staff_id)`.execute(db);

  await sql`
    CREATE TABLE staff_tokens (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      staff_id    integer NOT NULL REFERENCES staff_users(id),
      purpose     text NOT NULL CHECK (purpose IN ('invite')),
      token_hash  text NOT NULL UNIQUE,
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // The cookie carries a random token; only its SHA-256 is stored, so a database read leaks no session.
  await sql`
    CREATE TABLE sessions (
      id_hash       text PRIMARY KEY,
      realm         text NOT NULL CHECK (realm IN ('member', 'staff')),
      subject_id    integer NOT NULL,
      stage         text NOT NULL DEFAULT 'active' CHECK (stage IN ('active', 'second_factor', 'enrol')),
      data          jsonb NOT NULL DEFAULT '{}',
      created_at    timestamptz NOT NULL,
      last_seen_at  timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX sessions_subject ON sessions (realm, subject_id)`.execute(db);
  await sql`CREATE INDEX sessions_last_seen ON sessions (last_seen_at)`.execute(db);

  await sql`
    CREATE TABLE login_attempts (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      realm        text NOT NULL,
      account_key  text NOT NULL,
      ip           text NOT NULL,
      succeeded    boolean NOT NULL,
      created_at   timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX login_attempts_account ON login_attempts (realm, account_key, created_at DESC)`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at   timestamptz NOT NULL DEFAULT now(),
      actor_type    text NOT NULL CHECK (actor_type IN ('member', 'staff', 'system', 'anonymous')),
      actor_id      integer,
      action        text NOT NULL,
      subject_type  text,
      subject_id    text,
      member_id     integer REFERENCES members(id),
      ip            text,
      request_id    text,
      before        jsonb,
      after         jsonb,
      detail        jsonb
    )`.execute(db);
  await sql`CREATE INDEX audit_log_member ON audit_log (member_id, occurred_at DESC)`.execute(db);
  await sql`CREATE INDEX audit_log_action ON audit_log (action, occurred_at DESC)`.execute(db);
  // Append-only: no code path may rewrite history.
  await sql`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);

  await sql`
    CREATE TABLE notices (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      title_ja      text NOT NULL,
      body_ja       text NOT NULL,
      title_en      text NOT NULL DEFAULT '',
      body_en       text NOT NULL DEFAULT '',
      publish_from  timestamptz NOT NULL,
      publish_until timestamptz,
      created_by    integer REFERENCES staff_users(id),
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now(),
      CHECK (publish_until IS NULL OR publish_until > publish_from)
    )`.execute(db);
  await sql`CREATE INDEX notices_publish ON notices (publish_from DESC)`.execute(db);

  // Every mail is written here in the transaction that causes it; a job delivers it after commit.
  await sql`
    CREATE TABLE mails (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      to_address  text NOT NULL,
      template    text NOT NULL,
      locale      text NOT NULL,
      subject     text NOT NULL,
      text_body   text NOT NULL,
      html_body   text NOT NULL,
      member_id   integer REFERENCES members(id),
      status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
      attempts    integer NOT NULL DEFAULT 0,
      last_error  text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      sent_at     timestamptz
    )`.execute(db);
  await sql`CREATE INDEX mails_member ON mails (member_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX mails_queued ON mails (created_at) WHERE status = 'queued'`.execute(db);

  await sql`
    CREATE TABLE settings (
      key         text PRIMARY KEY,
      value       jsonb NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}
