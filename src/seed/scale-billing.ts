import { sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { fiscalYearOf } from '../platform/japanese';

export interface ScaleBillingResult {
  invoices: number;
  attempts: number;
  /** Invoices and attempts in the database afterwards. */
  totalInvoices: number;
  totalAttempts: number;
  seconds: number;
}

/**
 * Billing at society scale for the benchmarks: for every scale member (numbers after the demo society)
 * the annual fee (年会費) of last and this fiscal year — about 60,000 invoices for 30,000 members — and
 * the 専門医更新料 of the applications `seedScaleApplications` submitted (run it first); a realistic mix
 * of 入金済 (slip, Pay-easy, direct debit), 未納, 期限切れ and 処理中 with payment attempts (settled card and Pay-easy, expired konbini numbers, live
 * Pay-easy numbers). `heavyMember` gets ten years of annual fees and live Pay-easy numbers, for the page
 * benchmarks.
 *
 * Generated inside PostgreSQL (INSERT … SELECT) with the same business keys and statuses the billing
 * service writes, so the rows are what the portal would have made; this skips the per-invoice events and
 * audit rows, which no page at scale reads. Idempotent by business key. Development only.
 */
export async function seedScaleBilling(db: Db, opts: { now?: Date; heavyMember?: string } = {}): Promise<ScaleBillingResult> {
  const started = performance.now();
  const fy = fiscalYearOf(opts.now ?? new Date());
  const count = async (table: 'invoices' | 'payment_attempts') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const invoicesBefore = await count('invoices');
  const attemptsBefore = await count('payment_attempts');

  await db.transaction().execute(async (tx) => {
    // One member in seven pays the annual fee by 口座振替, one in twenty by クレジット継続払い (not the heavy one: it pays online).
    await sql`
      INSERT INTO billing_accounts (member_id, annual_fee_method)
      SELECT id, CASE WHEN id % 7 = 0 THEN 'direct_debit' ELSE 'recurring_card' END
      FROM members WHERE member_number > '100030' AND member_number <> ${opts.heavyMember ?? ''} AND (id % 7 = 0 OR id % 20 = 0)
      ON CONFLICT (member_id) DO NOTHING`.execute(tx);

    // 年会費, last and this fiscal year (or ten years for the heavy member). Last year's are almost all
    // paid; this year's: paid by most, 処理中 for one in forty (a live attempt below), unpaid for the rest.
    await sql`
      INSERT INTO invoices (member_id, fee_type, fiscal_year, business_key, amount, issued_on, due_on, status, auto_debit, paid_on, paid_method, paid_reference)
      SELECT m.id, 'annual_fee', y, 'annual_fee:' || y || ':' || m.id, f.amount,
             make_date(y, 4, 1), make_date(y, 5, 31),
             s.status, s.auto, CASE WHEN s.status = 'paid' THEN make_date(y, 5, 20) END,
             CASE WHEN s.status = 'paid' THEN (CASE WHEN s.auto THEN 'direct_debit' WHEN m.id % 3 = 0 THEN 'payeasy' ELSE 'slip' END) END,
             CASE WHEN s.status = 'paid' THEN 'SCALE-' || y || '-' || m.id END
      FROM members m
      CROSS JOIN fee_types f
      CROSS JOIN LATERAL generate_series(CASE WHEN m.member_number = ${opts.heavyMember ?? ''} THEN ${fy - 9}::int ELSE ${fy - 1}::int END, ${fy}::int) AS y
      LEFT JOIN billing_accounts b ON b.member_id = m.id
      CROSS JOIN LATERAL (SELECT COALESCE(b.annual_fee_method, 'invoice') <> 'invoice' AS auto) a
      CROSS JOIN LATERAL (SELECT a.auto,
        CASE WHEN y < ${fy} THEN (CASE WHEN m.id % 20 = 3 THEN 'unpaid' ELSE 'paid' END)
             WHEN m.id % 40 = 1 AND NOT a.auto THEN 'processing'
             WHEN a.auto OR m.id % 10 < 6 THEN 'paid'
             ELSE 'unpaid' END AS status) s
      WHERE m.member_number > '100030' AND f.code = 'annual_fee'
      ON CONFLICT (business_key) DO NOTHING`.execute(tx);

    // 専門医更新料 of the submitted and renewed applications (seedScaleApplications): paid for the renewed
    // (card, konbini or Pay-easy), unpaid for the submitted; the business key and link the submit writes.
    await sql`
      INSERT INTO invoices (member_id, fee_type, fiscal_year, business_key, amount, issued_on, due_on, status, paid_on, paid_method, paid_reference)
      SELECT a.member_id, f.code, NULL, 'renewal_fee:application:' || a.id, f.amount, a.submitted_at::date, c.payment_due_on,
             CASE WHEN a.status = 'completed' THEN 'paid' ELSE 'unpaid' END,
             CASE WHEN a.status = 'completed' THEN a.completed_at::date END,
             CASE WHEN a.status = 'completed' THEN (ARRAY['card', 'konbini', 'payeasy'])[1 + a.id % 3] END,
             CASE WHEN a.status = 'completed' THEN 'sbx_scale_a' || a.id END
      FROM applications a
      JOIN renewal_cycles c ON c.id = a.cycle_id
      JOIN fee_types f ON f.code = c.renewal_fee_code
      JOIN members m ON m.id = a.member_id
      WHERE m.member_number > '100030' AND a.type = 'renewal' AND a.status IN ('submitted', 'completed')
      ON CONFLICT (business_key) DO NOTHING`.execute(tx);
    await sql`
      UPDATE applications a SET invoice_id = i.id
      FROM invoices i
      WHERE i.business_key = 'renewal_fee:application:' || a.id AND a.invoice_id IS NULL`.execute(tx);

    // Attempts: the settled one behind every renewal fee paid online, and behind Pay-easy annual fees.
    await sql`
      INSERT INTO payment_attempts (invoice_id, method, status, gateway, gateway_ref, idempotency_key, amount, instructions, expires_at, hold_until, settled_at, created_at, updated_at)
      SELECT i.id, i.paid_method, 'settled', 'sandbox', 'sbx_scale_' || i.id, 'sandbox:invoice-' || i.id || ':attempt-1', i.amount,
             CASE WHEN i.paid_method = 'payeasy' THEN jsonb_build_object('institutionNumber', '58091', 'customerNumber', lpad(i.id::text, 12, '0'), 'confirmationNumber', lpad((i.id % 1000000)::text, 6, '0')) END,
             i.paid_on + 7, i.paid_on + 7, i.paid_on::timestamptz + interval '10 hours', i.paid_on::timestamptz, i.paid_on::timestamptz + interval '10 hours'
      FROM invoices i
      WHERE i.status = 'paid' AND i.paid_method IN ('card', 'konbini', 'payeasy')
        AND i.member_id IN (SELECT id FROM members WHERE member_number > '100030')
        AND NOT EXISTS (SELECT 1 FROM payment_attempts p WHERE p.invoice_id = i.id)`.execute(tx);

    // An earlier konbini attempt that expired unpaid, on one unpaid renewal fee in two.
    await sql`
      INSERT INTO payment_attempts (invoice_id, method, status, gateway, gateway_ref, idempotency_key, amount, instructions, expires_at, hold_until, created_at, updated_at)
      SELECT i.id, 'konbini', 'expired', 'sandbox', 'sbx_scale_x' || i.id, 'sandbox:invoice-' || i.id || ':attempt-1', i.amount,
             jsonb_build_object('chain', 'lawson', 'receiptNumber', lpad((i.id % 1000000)::text, 6, '0'), 'phone', '0312345678'),
             now() - interval '20 days', now() - interval '20 days', now() - interval '27 days', now() - interval '20 days'
      FROM invoices i
      WHERE i.fee_type = 'renewal_fee' AND i.status = 'unpaid' AND i.id % 2 = 0
        AND i.member_id IN (SELECT id FROM members WHERE member_number > '100030')
        AND NOT EXISTS (SELECT 1 FROM payment_attempts p WHERE p.invoice_id = i.id)`.execute(tx);

    // 処理中: live Pay-easy numbers issued yesterday, valid for a week.
    await sql`
      INSERT INTO payment_attempts (invoice_id, method, status, gateway, gateway_ref, idempotency_key, amount, instructions, expires_at, hold_until, created_at, updated_at)
      SELECT i.id, 'payeasy', 'awaiting_payment', 'sandbox', 'sbx_scale_' || i.id, 'sandbox:invoice-' || i.id || ':attempt-1', i.amount,
             jsonb_build_object('institutionNumber', '58091', 'customerNumber', lpad(i.id::text, 12, '0'), 'confirmationNumber', lpad((i.id % 1000000)::text, 6, '0')),
             now() + interval '6 days', now() + interval '6 days', now() - interval '1 day', now() - interval '1 day'
      FROM invoices i
      WHERE i.status = 'processing'
        AND i.member_id IN (SELECT id FROM members WHERE member_number > '100030')
        AND NOT EXISTS (SELECT 1 FROM payment_attempts p WHERE p.invoice_id = i.id)`.execute(tx);

    // The heavy member: this year's annual fee is 処理中 with live Pay-easy numbers.
    if (opts.heavyMember) {
      await sql`
        WITH target AS (
          UPDATE invoices SET status = 'processing', paid_on = NULL, paid_method = NULL, paid_reference = NULL, updated_at = now()
          WHERE fiscal_year = ${fy} AND fee_type = 'annual_fee' AND status IN ('unpaid', 'paid') AND auto_debit = false
            AND member_id = (SELECT id FROM members WHERE member_number = ${opts.heavyMember})
            AND NOT EXISTS (SELECT 1 FROM payment_attempts p WHERE p.invoice_id = invoices.id)
          RETURNING id, amount)
        INSERT INTO payment_attempts (invoice_id, method, status, gateway, gateway_ref, idempotency_key, amount, instructions, expires_at, hold_until, created_at, updated_at)
        SELECT id, 'payeasy', 'awaiting_payment', 'sandbox', 'sbx_scale_' || id, 'sandbox:invoice-' || id || ':attempt-1', amount,
               jsonb_build_object('institutionNumber', '58091', 'customerNumber', lpad(id::text, 12, '0'), 'confirmationNumber', '123456'),
               now() + interval '6 days', now() + interval '6 days', now(), now()
        FROM target`.execute(tx);
    }
  });

  await sql`ANALYZE invoices`.execute(db);
  await sql`ANALYZE payment_attempts`.execute(db);
  const totalInvoices = await count('invoices');
  const totalAttempts = await count('payment_attempts');
  return {
    invoices: totalInvoices - invoicesBefore, attempts: totalAttempts - attemptsBefore, totalInvoices, totalAttempts,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
