import type { Invoice, Member } from '../platform/db/schema';
import type { TestApp } from './app';
import type { TestClient } from './client';
import { createMember } from './factories';
import { signInMember } from './sign-in';

const system = { type: 'system' as const, id: null };

/**
 * A new member billed one fee through `BillingService.createInvoice` (the renewal fee, due 31 Jan 2027,
 * unless told otherwise) and signed in: where the billing, receipt and payment tests start.
 */
export async function billedMember(t: TestApp, opts: { memberNumber: string; feeType?: 'renewal_fee' | 'annual_fee'; dueOn?: string }): Promise<{ m: Member; invoice: Invoice; c: TestClient; no: string }> {
  const feeType = opts.feeType ?? 'renewal_fee';
  const m = await createMember(t.db, { member_number: opts.memberNumber });
  const invoice = await t.services.billing.createInvoice(system, {
    memberId: m.id, feeType, businessKey: `${feeType}:test:${m.id}`, dueOn: opts.dueOn ?? '2027-01-31', fiscalYear: feeType === 'annual_fee' ? 2026 : null,
  });
  const c = await signInMember(t, m.member_number);
  return { m, invoice, c, no: invoice.control_no };
}

/**
 * What the billing and payment tests read back from the database. `app` is a getter because the test
 * file's app is created in beforeAll, after this is called.
 */
export function paymentReads(app: () => TestApp) {
  return {
    invoiceRow: (id: number) => app().db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    attemptsOf: (invoiceId: number) => app().db.selectFrom('payment_attempts').selectAll().where('invoice_id', '=', invoiceId).orderBy('id').execute(),
    notificationCount: async () => Number((await app().db.selectFrom('payment_notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
  };
}
