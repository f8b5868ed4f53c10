import type { InvoiceStatus } from '../../platform/db/schema';

/**
 * The invoice workflow. 期限切れ is not a state: an unpaid invoice past its due date is shown as such and
 * can still be paid. Payment attempts (their own table, next) move an invoice to 処理中 and back.
 */
export type InvoiceAction = 'start_payment' | 'abandon_payment' | 'settle' | 'mark_paid' | 'cancel';

export const INVOICE_TRANSITIONS: readonly { action: InvoiceAction; from: InvoiceStatus; to: InvoiceStatus }[] = [
  { action: 'start_payment', from: 'unpaid', to: 'processing' },
  { action: 'abandon_payment', from: 'processing', to: 'unpaid' },
  { action: 'settle', from: 'unpaid', to: 'paid' },
  { action: 'settle', from: 'processing', to: 'paid' },
  { action: 'mark_paid', from: 'unpaid', to: 'paid' },
  { action: 'mark_paid', from: 'processing', to: 'paid' },
  { action: 'cancel', from: 'unpaid', to: 'cancelled' },
];

export function nextInvoiceStatus(from: InvoiceStatus, action: InvoiceAction): InvoiceStatus | null {
  return INVOICE_TRANSITIONS.find((t) => t.from === from && t.action === action)?.to ?? null;
}
