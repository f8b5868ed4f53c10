import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The built-in sandbox gateway's own records (development and tests only; empty in production): kept in
  // the database so a restart keeps open sandbox payments and `npm run sandbox:pay` can act on them.
  await sql`
    CREATE TABLE sandbox_payments (
      ref              text PRIMARY KEY,
      idempotency_key  text NOT NULL UNIQUE,
      method           text NOT NULL CHECK (method IN ('card', 'konbini', 'payeasy')),
      amount           integer NOT NULL CHECK (amount > 0),
      description      text NOT NULL,
      return_url       text NOT NULL,
      expires_at       timestamptz NOT NULL,
      state            text NOT NULL DEFAULT 'open'
                       CHECK (state IN ('open', 'awaiting_payment', 'paid_provisional', 'settled', 'failed', 'expired', 'cancelled')),
      instructions     jsonb,
      created_at       timestamptz NOT NULL,
      updated_at       timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX sandbox_payments_open ON sandbox_payments (created_at) WHERE state IN ('awaiting_payment', 'paid_provisional')`.execute(db);

  // A konbini 速報 the store withdrew: the attempt waits for payment again, and the invoice page says why.
  await sql`ALTER TABLE payment_attempts ADD COLUMN provisional_cancelled_at timestamptz`.execute(db);
}
