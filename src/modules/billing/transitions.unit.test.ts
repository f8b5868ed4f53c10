import { describe, expect, it } from 'vitest';
import type { InvoiceStatus } from '../../platform/db/schema';
import { INVOICE_TRANSITIONS, type InvoiceAction, nextInvoiceStatus } from './transitions';

const statuses: InvoiceStatus[] = ['unpaid', 'processing', 'paid', 'cancelled'];
const actions: InvoiceAction[] = ['start_payment', 'abandon_payment', 'settle', 'mark_paid', 'cancel'];

describe('invoice transition table', () => {
  it.each(INVOICE_TRANSITIONS.map((t) => [t.from, t.action, t.to] as const))('%s —%s→ %s', (from, action, to) => {
    expect(nextInvoiceStatus(from, action)).toBe(to);
  });
  it('allows nothing else: a paid or cancelled invoice never changes', () => {
    const listed = new Set(INVOICE_TRANSITIONS.map((t) => `${t.from}:${t.action}`));
    for (const from of statuses) for (const action of actions) {
      if (!listed.has(`${from}:${action}`)) expect(nextInvoiceStatus(from, action), `${from} ${action}`).toBeNull();
    }
    for (const action of actions) {
      expect(nextInvoiceStatus('paid', action)).toBeNull();
      expect(nextInvoiceStatus('cancelled', action)).toBeNull();
    }
  });
});
