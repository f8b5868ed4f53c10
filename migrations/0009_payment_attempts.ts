import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per try to pay an invoice online; the gateway's reference and our idempotency key are unique.
  await sql`
    CREATE TABLE payment_attempts (
      id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      invoice_id       integer NOT NULL REFERENCES invoices(id),
      method           text NOT NULL CHECK (method IN ('card', 'konbini', 'payeasy')),
      status           text NOT NULL DEFAULT 'created'
                       CHECK (status IN ('created', 'at_gateway', 'awaiting_payment', 'paid_provisional', 'settled', 'failed', 'expired', 'cancelled')),
      gateway          text NOT NULL,
      gateway_ref      text UNIQUE,
      idempotency_key  text NOT NULL UNIQUE,
      amount           integer NOT NULL CHECK (amount > 0),
      -- konbini chain and numbers, Pay-easy numbers: what the payer needs at the store or bank.
      instructions     jsonb,
      expires_at       timestamptz,
      -- The invoice stays 処理中 until then unless the gateway says the attempt is dead sooner.
      hold_until       timestamptz NOT NULL,
      -- A settlement for an invoice already paid (or cancelled): money to refund, never lost.
      overpayment      boolean NOT NULL DEFAULT false,
      settled_at       timestamptz,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX payment_attempts_invoice ON payment_attempts (invoice_id, id)`.execute(db);
  // At most one live attempt per invoice.
  await sql`
    CREATE UNIQUE INDEX payment_attempts_one_live ON payment_attempts (invoice_id)
    WHERE status IN ('created', 'at_gateway', 'awaiting_payment', 'paid_provisional')`.execute(db);
  await sql`CREATE INDEX payment_attempts_overpayment ON payment_attempts (id) WHERE overpayment`.execute(db);

  // Every notification received, once per (gateway, event id): a repeat changes nothing.
  await sql`
    CREATE TABLE payment_notifications (
      id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      gateway      text NOT NULL,
      event_id     text NOT NULL,
      attempt_id   integer REFERENCES payment_attempts(id),
      gateway_ref  text,
      payload      jsonb NOT NULL,
      received_at  timestamptz NOT NULL,
      applied_at   timestamptz,
      UNIQUE (gateway, event_id)
    )`.execute(db);
  await sql`CREATE INDEX payment_notifications_attempt ON payment_notifications (attempt_id)`.execute(db);
}
