import type { Application, InvoiceStatus, RenewalCycle } from '../../platform/db/schema';
import type { Eligibility } from './eligibility-rules';

/**
 * The renewal task list (STEP① … STEP⑥) from what the member has done and what the eligibility service
 * found: each step's state, its exact shortfall and a link straight to the action. Pure, so the home page,
 * the application page and the tests read the same list.
 */
export type TaskState = 'not_started' | 'draft' | 'action' | 'done';

export interface RenewalInvoice {
  controlNo: string;
  status: InvoiceStatus;
  amount: number;
  dueOn: string;
}

export interface RenewalStatus {
  cycle: RenewalCycle;
  /** The member's renewal record of the cycle that matters most (submitted/completed first, else the latest draft). */
  renewal?: Application;
  withdrawal?: Application;
  eligibility: Eligibility;
  invoice?: RenewalInvoice;
}

export type Task =
  | { step: 1; state: TaskState; href: string; applicationNo?: string }
  | { step: 2; state: TaskState; href: string; unpaid: { fiscalYear: number; amount: number }[]; total: number; upTo: number }
  | { step: 3; state: TaskState; href: string; waived: boolean; counted: number; required: number; missing: number; pendingCount: number; pendingCredits: number; categoriesShort: { code: string; missing: number }[] }
  | { step: 4; state: TaskState; href: string; applicationNo?: string }
  | { step: 5; state: TaskState; href: string; invoice?: RenewalInvoice }
  | { step: 6; state: TaskState; href: string; paidPending: boolean; periodStart?: string; periodEnd?: string };

export function renewalTasks(s: RenewalStatus): Task[] {
  const { renewal, eligibility: e } = s;
  const applied = renewal && (renewal.status === 'submitted' || renewal.status === 'completed');
  const completed = renewal?.status === 'completed';
  // Paid but not yet completed: billing's settlement event is on its way (a job after commit).
  const paid = completed || s.invoice?.status === 'paid';
  const appHref = renewal ? `/applications/${renewal.application_no}` : '/applications/new?type=renewal';
  const conditionsMet = e.fees.ok && e.credits.ok;
  const invoiceHref = s.invoice ? `/billing/${s.invoice.controlNo}` : '/billing';
  return [
    { step: 1, state: renewal ? 'done' : 'not_started', href: appHref, applicationNo: renewal?.application_no },
    { step: 2, state: e.fees.ok || applied ? 'done' : 'action', href: '/billing', unpaid: e.fees.unpaid, total: e.fees.total, upTo: e.fees.upTo },
    {
      step: 3, state: e.credits.ok || applied ? 'done' : 'action', href: '/credits', waived: e.credits.waived, counted: e.credits.counted, required: e.credits.required,
      missing: e.credits.missing, pendingCount: e.credits.pendingCount, pendingCredits: e.credits.pendingCredits, categoriesShort: e.credits.categoriesShort,
    },
    { step: 4, state: applied ? 'done' : !renewal ? 'not_started' : conditionsMet ? 'action' : 'draft', href: appHref, applicationNo: renewal?.application_no },
    { step: 5, state: paid ? 'done' : applied ? 'action' : 'not_started', href: invoiceHref, invoice: s.invoice },
    { step: 6, state: completed ? 'done' : 'not_started', href: appHref, paidPending: paid && !completed, periodStart: renewal?.granted_period_start ?? s.cycle.new_period_start, periodEnd: renewal?.granted_period_end ?? s.cycle.new_period_end },
  ];
}
