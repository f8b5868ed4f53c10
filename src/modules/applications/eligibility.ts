import type { Executor } from '../../platform/db/database';
import type { Application, RenewalCycle } from '../../platform/db/schema';
import type { BillingService } from '../billing/service';
import type { CreditsService } from '../credits/service';
import type { CyclesService } from '../cycles/service';
import type { MembersService } from '../members/service';
import { type ApplicationFacts, assessEligibility, type Eligibility } from './eligibility-rules';

export type { Eligibility };

export const factsOf = (a: Application): ApplicationFacts => ({
  baseQualification: a.base_qualification, baseQualificationNumber: a.base_qualification_number, baseQualificationYear: a.base_qualification_year,
  basePeriodStart: a.base_period_start, basePeriodEnd: a.base_period_end,
  abroad: a.abroad, abroadDepartedOn: a.abroad_departed_on, abroadReturnedOn: a.abroad_returned_on, abroadOngoing: a.abroad_ongoing,
});

/**
 * The one place that says whether a member may renew: it gathers the member's unpaid 年会費 (billing),
 * the transcript (credits) and the application, and hands them to the pure rules. The task list, the
 * application page and the submission all ask here, so what the member is told is what the submit checks.
 */
export class EligibilityService {
  constructor(private deps: { members: MembersService; cycles: CyclesService; credits: CreditsService; billing: BillingService }) {}

  /** The cycle that renews the member's current period, or undefined when the member is not a renewal target. */
  async cycleFor(memberId: number): Promise<RenewalCycle | undefined> {
    const member = await this.deps.members.getById(memberId);
    return this.deps.cycles.renewing(member.cert_period_end);
  }

  /** `db`: the submission's transaction, so the check reads what it locked, on the connection it holds. */
  async assess(memberId: number, cycle: RenewalCycle, application?: Application, db?: Executor): Promise<Eligibility> {
    const [member, unpaid, { transcript }] = await Promise.all([
      this.deps.members.getById(memberId, db),
      this.deps.billing.unpaidAnnualFees(memberId, cycle.last_annual_fee_year, db),
      this.deps.credits.transcript(memberId, db),
    ]);
    const period = member.cert_period_start && member.cert_period_end ? { start: member.cert_period_start, end: member.cert_period_end } : null;
    return assessEligibility({
      cycle: { lastAnnualFeeYear: cycle.last_annual_fee_year, newPeriodStart: cycle.new_period_start, studyAbroad: cycle.study_abroad },
      period,
      unpaidFees: unpaid.map((f) => ({ fiscalYear: f.fiscal_year ?? 0, amount: f.amount })),
      transcript,
      application: application ? factsOf(application) : undefined,
    });
  }
}
