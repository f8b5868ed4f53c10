import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Reminder mails (decisions/0019): one row per member, kind and event, inserted in the transaction that queues
  // the mail. The key makes a second run, a retried job or a second instance send nothing twice.
  await sql`
    CREATE TABLE reminders_sent (
      member_id  integer NOT NULL REFERENCES members(id),
      kind       text NOT NULL CHECK (kind IN ('not_started_month', 'not_started_week', 'renewal_fee_due', 'numbers_expiring', 'self_report_rejected')),
      event_key  text NOT NULL,
      mail_id    integer,
      sent_at    timestamptz NOT NULL,
      PRIMARY KEY (member_id, kind, event_key)
    )`.execute(db);
  // The optional reminders a member switched off on 会員情報照会 (a row = off; none = every reminder on).
  await sql`
    CREATE TABLE reminder_opt_outs (
      member_id   integer NOT NULL REFERENCES members(id),
      topic       text NOT NULL CHECK (topic IN ('renewal', 'self_report')),
      created_at  timestamptz NOT NULL,
      PRIMARY KEY (member_id, topic)
    )`.execute(db);
  await sql`CREATE INDEX reminder_opt_outs_topic ON reminder_opt_outs (topic, member_id)`.execute(db);
  // The daily run's set-based reads in the owning modules: who has started in a cycle, numbers about to
  // expire, self-reports rejected a week ago.
  await sql`CREATE INDEX applications_cycle_member ON applications (cycle_id, member_id)`.execute(db);
  await sql`CREATE INDEX payment_attempts_awaiting_expiry ON payment_attempts (expires_at) WHERE status = 'awaiting_payment'`.execute(db);
  await sql`CREATE INDEX credits_rejected_decided ON credits (decided_at) WHERE status = 'rejected'`.execute(db);
}
