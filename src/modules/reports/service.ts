import type { AttemptStatus, OnlineMethod, RenewalCycle } from '../../platform/db/schema';
import type { ApplicationListService } from '../applications/staff-list';
import type { OverpaymentsService } from '../billing/overpayments';
import type { InvoiceSearchService } from '../billing/search';
import type { CreditsService } from '../credits/service';
import type { CyclesService } from '../cycles/service';
import type { MembersService } from '../members/service';
import type { PaymentsService } from '../payments/service';

export interface Dashboard {
  cycle: RenewalCycle;
  targets: number;
  notStarted: number;
  draft: number;
  submitted: number;
  completed: number;
  withdrawn: number;
  /** Renewals with a record in the cycle (draft, submitted or completed). */
  started: number;
  /** The cycle's 専門医更新料 invoices. */
  fee: { paid: { count: number; amount: number }; unpaid: { count: number; amount: number } };
  trend: { day: string; submitted: number; completed: number }[];
  selfReports: { total: number; over7: number; over14: number; oldestDays: number | null };
  /** Online payment attempts started since the cycle's window opened. */
  payments: { since: string; rows: { method: OnlineMethod; status: AttemptStatus; count: number; amount: number }[] };
  overpayments: { count: number; amount: number };
}

/**
 * The secretariat's dashboard: every figure is an aggregate one module computes in SQL for the current
 * cycle, read here through that module's service, and each is the total of a list the page links to.
 */
export class ReportsService {
  constructor(private deps: {
    cycles: CyclesService; members: MembersService; applicationList: ApplicationListService; credits: CreditsService;
    invoiceSearch: InvoiceSearchService; payments: PaymentsService; overpayments: OverpaymentsService;
  }) {}

  /** The current cycle's figures, or undefined when no cycle is set up. */
  async dashboard(): Promise<Dashboard | undefined> {
    const d = this.deps;
    const cycle = await d.cycles.current();
    if (!cycle) return undefined;
    const fee = (status: 'paid' | 'unpaid') => d.invoiceSearch.totals({ feeType: cycle.renewal_fee_code, fiscalYear: cycle.fiscal_year, status, sort: 'open' });
    const since = new Date(`${cycle.window_opens_on}T00:00:00+09:00`);
    const [targets, figures, paid, unpaid, trend, selfReports, payments, overpayments] = await Promise.all([
      d.members.countWithPeriodEnd(cycle.period_end), d.applicationList.figures(cycle), fee('paid'), fee('unpaid'), d.applicationList.dailyTrend(cycle, 30),
      d.credits.pendingAges(), d.payments.countsByMethodStatus({ since }), d.overpayments.openTotals(),
    ]);
    const renewal = figures.counts.renewal;
    const draft = renewal.draft ?? 0;
    const submitted = renewal.submitted ?? 0;
    const completed = renewal.completed ?? 0;
    return {
      cycle, targets, notStarted: figures.notStarted, draft, submitted, completed, withdrawn: figures.counts.withdrawal.withdrawn ?? 0,
      started: draft + submitted + completed, fee: { paid, unpaid }, trend, selfReports,
      payments: { since: cycle.window_opens_on, rows: payments }, overpayments,
    };
  }
}
