import type { StudyAbroadRule } from '../../platform/db/schema';
import type { Period, Transcript } from '../credits/rules';

/**
 * Whether a member may submit a renewal, condition by condition, each with its exact shortfall. Pure:
 * the cycle's numbers, the member's unpaid 年会費, the credit transcript and the application's fields go
 * in. Nothing here is a constant: the last required fiscal year, the new period's first day and the
 * study-abroad rule come from the cycle; the credit counting (the self-report cap included) from the transcript.
 */

export interface ApplicationFacts {
  baseQualification: string | null;
  baseQualificationNumber: string | null;
  baseQualificationYear: number | null;
  basePeriodStart: string | null;
  basePeriodEnd: string | null;
  abroad: boolean;
  abroadDepartedOn: string | null;
  abroadReturnedOn: string | null;
  abroadOngoing: boolean;
}

export interface EligibilityInput {
  cycle: { lastAnnualFeeYear: number; newPeriodStart: string; studyAbroad: StudyAbroadRule };
  /** The member's current certification period (the one being renewed). */
  period: Period | null;
  unpaidFees: { fiscalYear: number; amount: number }[];
  transcript: Pick<Transcript, 'total' | 'required' | 'missing' | 'pending' | 'selfReport' | 'byCategory' | 'byKind'>;
  application?: ApplicationFacts;
}

export type AbroadOutcome = 'not_claimed' | 'waives' | 'returned_before_new_period' | 'departed_outside_period' | 'dates_missing' | 'rule_off';

export interface Eligibility {
  ok: boolean;
  fees: { ok: boolean; upTo: number; unpaid: { fiscalYear: number; amount: number }[]; total: number };
  credits: {
    ok: boolean; waived: boolean; counted: number; required: number; missing: number;
    pendingCount: number; pendingCredits: number; selfReportPending: number; selfReportCap: number;
    categoriesShort: { code: string; missing: number }[]; kindsShort: { kind: string; missing: number }[];
  };
  abroad: { claimed: boolean; outcome: AbroadOutcome };
  completeness: { ok: boolean; missing: (keyof ApplicationFacts)[] };
}

/** 留学: left during the current period and back on or after the new period's first day (or still abroad) waives the credit condition, only that one. */
export function abroadOutcome(app: ApplicationFacts | undefined, period: Period | null, newPeriodStart: string, rule: StudyAbroadRule): AbroadOutcome {
  if (!app?.abroad) return 'not_claimed';
  if (!rule.waivesCredits) return 'rule_off';
  if (!app.abroadDepartedOn || (!app.abroadOngoing && !app.abroadReturnedOn)) return 'dates_missing';
  if (!period || app.abroadDepartedOn < period.start || app.abroadDepartedOn > period.end) return 'departed_outside_period';
  if (app.abroadOngoing) return 'waives';
  return app.abroadReturnedOn! >= newPeriodStart ? 'waives' : 'returned_before_new_period';
}

/**
 * A stay that ended inside the current period (so no waiver) of at least the rule's minimum of whole months
 * earns credits when the certificate is verified: one activity date per whole month, from the departure.
 */
export function abroadCreditDates(app: ApplicationFacts, period: Period | null, newPeriodStart: string, rule: StudyAbroadRule): string[] {
  if (abroadOutcome(app, period, newPeriodStart, rule) !== 'returned_before_new_period') return [];
  const [dy, dm, dd] = app.abroadDepartedOn!.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = app.abroadReturnedOn!.split('-').map(Number) as [number, number, number];
  const months = (ry - dy) * 12 + (rm - dm) - (rd < dd ? 1 : 0);
  if (months < rule.minConsecutiveMonths) return [];
  return Array.from({ length: months }, (_, i) => {
    const m = dm - 1 + i;
    return `${dy + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-${String(Math.min(dd, 28)).padStart(2, '0')}`;
  });
}

const REQUIRED_FIELDS: (keyof ApplicationFacts)[] = ['baseQualification', 'baseQualificationNumber', 'baseQualificationYear', 'basePeriodStart', 'basePeriodEnd'];

export function missingFields(app: ApplicationFacts | undefined): (keyof ApplicationFacts)[] {
  if (!app) return [...REQUIRED_FIELDS];
  const missing = REQUIRED_FIELDS.filter((f) => app[f] === null || app[f] === '');
  if (app.abroad) {
    if (!app.abroadDepartedOn) missing.push('abroadDepartedOn');
    if (!app.abroadOngoing && !app.abroadReturnedOn) missing.push('abroadReturnedOn');
  }
  return missing;
}

export function assessEligibility(input: EligibilityInput): Eligibility {
  const unpaid = input.unpaidFees.filter((f) => f.fiscalYear <= input.cycle.lastAnnualFeeYear);
  const fees = { ok: unpaid.length === 0, upTo: input.cycle.lastAnnualFeeYear, unpaid, total: unpaid.reduce((s, f) => s + f.amount, 0) };

  const outcome = abroadOutcome(input.application, input.period, input.cycle.newPeriodStart, input.cycle.studyAbroad);
  const t = input.transcript;
  const categoriesShort = t.byCategory.filter((c) => c.missing > 0).map((c) => ({ code: c.code, missing: c.missing }));
  const kindsShort = t.byKind.filter((k) => k.missing > 0).map((k) => ({ kind: k.kind, missing: k.missing }));
  const waived = outcome === 'waives';
  const credits = {
    ok: waived || (t.missing === 0 && categoriesShort.length === 0 && kindsShort.length === 0),
    waived, counted: t.total, required: t.required, missing: t.missing,
    pendingCount: t.pending.count, pendingCredits: t.pending.credits, selfReportPending: t.selfReport.pending, selfReportCap: t.selfReport.cap,
    categoriesShort, kindsShort,
  };

  const missing = missingFields(input.application);
  const completeness = { ok: missing.length === 0, missing };
  return { ok: fees.ok && credits.ok && completeness.ok, fees, credits, abroad: { claimed: !!input.application?.abroad, outcome }, completeness };
}
