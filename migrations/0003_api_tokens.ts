import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Bearer tokens of e-learning providers (owned by the api module). Only the SHA-256 is stored; the
  // prefix ('kst_' and four characters) lets an administrator tell tokens apart without the secret.
  await sql`
    CREATE TABLE api_tokens (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      token_hash    text NOT NULL UNIQUE,
      token_prefix  text NOT NULL,
      created_by    integer NOT NULL REFERENCES staff_users(id),
      created_at    timestamptz NOT NULL DEFAULT now(),
      last_used_at  timestamptz,
      revoked_at    timestamptz
    )`.execute(db);

  // Idempotency: one row per token and Idempotency-Key. A row without a response is a request still
  // being processed (its key is taken); a completed row is replayed for a retry with the same body.
  await sql`
    CREATE TABLE api_requests (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      token_id         integer NOT NULL REFERENCES api_tokens(id),
      idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
      request_hash     text NOT NULL,
      response_status  integer,
      response_body    jsonb,
      created_at       timestamptz NOT NULL DEFAULT now(),
      completed_at     timestamptz,
      UNIQUE (token_id, idempotency_key),
      CHECK ((response_status IS NULL) = (completed_at IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX api_requests_created ON api_requests (created_at)`.execute(db);
}
