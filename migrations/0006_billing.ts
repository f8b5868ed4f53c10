import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 料金区分: amounts, the methods the portal offers, the tax category a receipt prints. Settings, not code.
  await sql`
    CREATE TABLE fee_types (
      code          text PRIMARY KEY,
      name_ja       text NOT NULL,
      name_en       text NOT NULL,
      amount        integer NOT NULL CHECK (amount > 0),
      methods       text[] NOT NULL,
      tax_category  text NOT NULL CHECK (tax_category IN ('non_taxable', 'taxable_10')),
      -- For fees billed per fiscal year (年会費): the due date as MM-DD of that fiscal year.
      due_month_day text CHECK (due_month_day ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
      CHECK (methods <@ ARRAY['card', 'konbini', 'payeasy', 'slip']::text[])
    )`.execute(db);

  // How a member's annual fee is collected: through the portal/slip, or automatically.
  await sql`
    CREATE TABLE billing_accounts (
      member_id          integer PRIMARY KEY REFERENCES members(id),
      annual_fee_method  text NOT NULL DEFAULT 'invoice' CHECK (annual_fee_method IN ('invoice', 'direct_debit', 'recurring_card'))
    )`.execute(db);

  await sql`CREATE SEQUENCE invoice_control_no START 500001`.execute(db);
  await sql`
    CREATE TABLE invoices (
      id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      control_no       text NOT NULL UNIQUE DEFAULT ('SK-' || nextval('invoice_control_no')),
      member_id        integer NOT NULL REFERENCES members(id),
      fee_type         text NOT NULL REFERENCES fee_types(code),
      fiscal_year      integer,
      business_key     text NOT NULL UNIQUE,
      amount           integer NOT NULL CHECK (amount > 0),
      issued_on        date NOT NULL,
      due_on           date NOT NULL,
      status           text NOT NULL DEFAULT 'unpaid' CHECK (status IN ('unpaid', 'processing', 'paid', 'cancelled')),
      auto_debit       boolean NOT NULL DEFAULT false,
      paid_on          date,
      paid_method      text,
      paid_reference   text,
      cancel_reason    text,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'paid') = (paid_on IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX invoices_member ON invoices (member_id, status, due_on)`.execute(db);
  await sql`CREATE INDEX invoices_status_due ON invoices (status, due_on)`.execute(db);

  await sql`
    CREATE TABLE invoice_events (
      id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      invoice_id   integer NOT NULL REFERENCES invoices(id),
      occurred_at  timestamptz NOT NULL,
      actor_type   text NOT NULL,
      actor_id     integer,
      action       text NOT NULL,
      from_status  text,
      to_status    text NOT NULL,
      detail       text NOT NULL DEFAULT ''
    )`.execute(db);
  await sql`CREATE INDEX invoice_events_invoice ON invoice_events (invoice_id, id)`.execute(db);
}
