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
