import type { Application, Member, RenewalCycle } from '../../platform/db/schema';
import type { Transcript } from '../credits/rules';
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
  async cycleFor(memberId: number, member?: Member): Promise<RenewalCycle | undefined> {
    const { cert_period_end } = member ?? await this.deps.members.getById(memberId);
    return this.deps.cycles.renewing(cert_period_end);
  }

  /**
   * What the rules need from other modules (the member's period, unpaid 年会費, the transcript), read in parallel
   * through the pool. A transaction gathers before it opens: it never waits for a second connection while it holds one.
   */
  async gather(memberId: number, cycle: RenewalCycle, member?: Member): Promise<EligibilityInputs> {
    const period = (m: Member) => (m.cert_period_start && m.cert_period_end ? { start: m.cert_period_start, end: m.cert_period_end } : null);
    const [owner, unpaid, { transcript }] = await Promise.all([
      member ?? this.deps.members.getById(memberId),
      this.deps.billing.unpaidAnnualFees(memberId, cycle.last_annual_fee_year),
      this.deps.credits.transcript(memberId, member),
    ]);
    return { cycle, period: period(owner), unpaid, transcript };
  }

  /** The rules over gathered inputs: reads nothing, so a transaction may ask it (see gather). */
  assess(inputs: EligibilityInputs, application?: Application): Eligibility {
    const { cycle, period, unpaid, transcript } = inputs;
    return assessEligibility({
      cycle: { lastAnnualFeeYear: cycle.last_annual_fee_year, newPeriodStart: cycle.new_period_start, studyAbroad: cycle.study_abroad },
      period,
      unpaidFees: unpaid.map((f) => ({ fiscalYear: f.fiscal_year ?? 0, amount: f.amount })),
      transcript,
      application: application ? factsOf(application) : undefined,
    });
  }
}

/** The gathered facts one assessment reads (see gather). */
export interface EligibilityInputs {
  cycle: RenewalCycle;
  period: { start: string; end: string } | null;
  unpaid: { fiscal_year: number | null; amount: number }[];
  transcript: Transcript;
}
