import { describe, expect, it } from 'vitest';
import { computeTranscript, type LedgerLine } from '../credits/rules';
import { abroadCreditDates, type ApplicationFacts, assessEligibility, type EligibilityInput } from './eligibility-rules';

const period = { start: '2016-04-01', end: '2021-03-31' };
const cycle = { lastAnnualFeeYear: 2020, newPeriodStart: '2021-04-01', studyAbroad: { waivesCredits: true, minConsecutiveMonths: 10, creditsPerMonth: 1, category: 'V', catalogueCode: 'ABROAD' } };
const rules = { requiredCredits: 50, selfReportCap: 18, categoryMinimums: [], groupLimits: [] };
let id = 0;
const line = (credits: number, over: Partial<LedgerLine> = {}): LedgerLine => ({
  id: ++id, controlNo: `TN-${id}`, catalogueId: id, code: `C${id}`, name: 'x', categoryCode: 'I', kind: 'annual_meeting', source: 'attendance',
  status: 'approved', credits, activityDate: '2019-03-14', limitGroup: null, oncePerFiscalYear: false, ...over,
});
const complete: ApplicationFacts = {
  baseQualification: 'naika_nintei', baseQualificationNumber: '12345678', baseQualificationYear: 2016, basePeriodStart: '2016-04-01', basePeriodEnd: '2021-03-31',
  abroad: false, abroadDepartedOn: null, abroadReturnedOn: null, abroadOngoing: false,
};
const input = (over: Partial<EligibilityInput> & { ledger?: LedgerLine[] } = {}): EligibilityInput => ({
  cycle, period, unpaidFees: [], application: complete, transcript: computeTranscript(over.ledger ?? [line(50)], rules, period), ...over,
});

describe('annual fees', () => {
  it('refuses when the last required fiscal year is unpaid, naming the years and the amount', () => {
    const e = assessEligibility(input({ unpaidFees: [{ fiscalYear: 2019, amount: 15000 }, { fiscalYear: 2020, amount: 15000 }] }));
    expect(e.ok).toBe(false);
    expect(e.fees).toEqual({ ok: false, upTo: 2020, unpaid: [{ fiscalYear: 2019, amount: 15000 }, { fiscalYear: 2020, amount: 15000 }], total: 30000 });
  });

  it('ignores a year after the last required one (next year’s fee is not a condition)', () => {
    expect(assessEligibility(input({ unpaidFees: [{ fiscalYear: 2021, amount: 15000 }] })).fees.ok).toBe(true);
  });
});

describe('credits', () => {
  it('passes at exactly the requirement and says how many are missing one below', () => {
    expect(assessEligibility(input({ ledger: [line(30), line(20)] })).credits).toMatchObject({ ok: true, counted: 50, missing: 0 });
    expect(assessEligibility(input({ ledger: [line(30), line(19)] })).credits).toMatchObject({ ok: false, counted: 49, missing: 1 });
  });

  it('counts self-reports only up to the cap: the credits over it do not make up the shortfall', () => {
    const selfReports = [line(10, { source: 'self_report' }), line(10, { source: 'self_report' })];
    const e = assessEligibility(input({ ledger: [line(30), ...selfReports] }));
    expect(e.credits).toMatchObject({ ok: false, counted: 48, missing: 2, selfReportCap: 18 });
  });

  it('reports pending self-reports with their credits (not counted yet)', () => {
    const e = assessEligibility(input({ ledger: [line(45), line(5, { source: 'self_report', status: 'pending' })] }));
    expect(e.credits).toMatchObject({ ok: false, missing: 5, pendingCount: 1, pendingCredits: 5, selfReportPending: 5 });
  });

  it('names a category below its minimum', () => {
    const transcript = computeTranscript([line(50, { categoryCode: 'III' })], { ...rules, categoryMinimums: [{ category: 'I', min: 10 }] }, period);
    expect(assessEligibility(input({ transcript })).credits).toMatchObject({ ok: false, missing: 0, categoriesShort: [{ code: 'I', missing: 10 }] });
  });
});

describe('study abroad (the FAQ’s 2021 example)', () => {
  const abroad = (over: Partial<ApplicationFacts>) => input({ ledger: [], application: { ...complete, abroad: true, abroadDepartedOn: '2019-09-01', ...over } });

  it('returning on 31 March 2021 means the normal conditions', () => {
    const e = assessEligibility(abroad({ abroadReturnedOn: '2021-03-31' }));
    expect(e.abroad.outcome).toBe('returned_before_new_period');
    expect(e.credits).toMatchObject({ ok: false, waived: false, missing: 50 });
  });

  it('returning on 1 April 2021, or still abroad, waives the credit condition', () => {
    expect(assessEligibility(abroad({ abroadReturnedOn: '2021-04-01' })).credits).toMatchObject({ ok: true, waived: true });
    expect(assessEligibility(abroad({ abroadOngoing: true })).credits).toMatchObject({ ok: true, waived: true });
  });

  it('waives only the credits: an unpaid annual fee still refuses', () => {
    const e = assessEligibility({ ...abroad({ abroadOngoing: true }), unpaidFees: [{ fiscalYear: 2020, amount: 15000 }] });
    expect(e.credits.ok).toBe(true);
    expect(e.ok).toBe(false);
  });

  it('does not waive for a stay that began before the current period, or when the cycle’s rule is off', () => {
    expect(assessEligibility(abroad({ abroadDepartedOn: '2015-09-01', abroadOngoing: true })).abroad.outcome).toBe('departed_outside_period');
    const off = { ...abroad({ abroadOngoing: true }), cycle: { ...cycle, studyAbroad: { ...cycle.studyAbroad, waivesCredits: false } } };
    expect(assessEligibility(off).credits.waived).toBe(false);
  });

  it('needs the return date or 留学中', () => {
    expect(assessEligibility(abroad({})).completeness).toEqual({ ok: false, missing: ['abroadReturnedOn'] });
  });
});

describe('study-abroad credits (a stay that ended inside the period)', () => {
  const stay = (departed: string, returned: string | null) => ({ ...complete, abroad: true, abroadDepartedOn: departed, abroadReturnedOn: returned, abroadOngoing: returned === null });

  it('gives one date per whole month for 10 or more months, from the departure', () => {
    const dates = abroadCreditDates(stay('2018-09-15', '2019-07-15'), period, cycle.newPeriodStart, cycle.studyAbroad);
    expect(dates).toHaveLength(10);
    expect(dates[0]).toBe('2018-09-15');
    expect(dates[9]).toBe('2019-06-15');
  });

  it('gives nothing for 9 months and a day short of 10, for a stay across the new period (waived instead) or one still going', () => {
    expect(abroadCreditDates(stay('2018-09-15', '2019-07-14'), period, cycle.newPeriodStart, cycle.studyAbroad)).toEqual([]);
    expect(abroadCreditDates(stay('2019-09-01', '2021-04-01'), period, cycle.newPeriodStart, cycle.studyAbroad)).toEqual([]);
    expect(abroadCreditDates(stay('2019-09-01', null), period, cycle.newPeriodStart, cycle.studyAbroad)).toEqual([]);
  });
});

describe('completeness', () => {
  it('lists every missing field of the form', () => {
    const e = assessEligibility(input({ application: { ...complete, baseQualificationNumber: null, basePeriodEnd: null } }));
    expect(e.completeness).toEqual({ ok: false, missing: ['baseQualificationNumber', 'basePeriodEnd'] });
    expect(e.ok).toBe(false);
  });
});
