import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Money received that no invoice could take (already paid or cancelled, a second settlement, an
  // unmatched transfer): kept here until the secretariat refunds or otherwise resolves it. Never lost.
  await sql`
    CREATE TABLE overpayments (
      id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      invoice_id       integer REFERENCES invoices(id),
      member_id        integer REFERENCES members(id),
      -- where the money was seen: a gateway settlement or a result-file row
      source           text NOT NULL CHECK (source IN ('gateway', 'import')),
      -- unique per source: the same settlement or file row recorded twice is one overpayment
      source_ref       text NOT NULL,
      amount           integer NOT NULL CHECK (amount > 0),
      received_on      date NOT NULL,
      method           text NOT NULL,
      reference        text NOT NULL DEFAULT '',
      status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'refunded', 'resolved')),
      resolved_on      date,
      resolution_reference text NOT NULL DEFAULT '',
      resolution_note  text NOT NULL DEFAULT '',
      resolved_by      integer REFERENCES staff_users(id),
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now(),
      UNIQUE (source, source_ref)
    )`.execute(db);
  await sql`CREATE INDEX overpayments_open ON overpayments (created_at) WHERE status = 'open'`.execute(db);
  await sql`CREATE INDEX overpayments_invoice ON overpayments (invoice_id)`.execute(db);
  await sql`CREATE INDEX overpayments_member ON overpayments (member_id)`.execute(db);
}
