import { describe, expect, it } from 'vitest';
import { computeTranscript, fiscalYearOfDate, type LedgerLine, selfReportRoom } from './rules';

const rules = { requiredCredits: 50, selfReportCap: 18, categoryMinimums: [{ category: 'I', min: 10 }], groupLimits: [{ group: 'regional', maxPerPeriod: 10 }] };
const period = { start: '2022-04-01', end: '2027-03-31' };
let id = 0;
const line = (over: Partial<LedgerLine>): LedgerLine => ({
  id: ++id, controlNo: `TN-${id}`, catalogueId: 1, code: 'X', name: 'x', categoryCode: 'II', kind: 'other', source: 'attendance',
  status: 'approved', credits: 5, activityDate: '2024-06-01', limitGroup: null, oncePerFiscalYear: false, ...over,
});

describe('counting credits', () => {
  it('counts only approved credits dated inside the period, boundary days included', () => {
    const t = computeTranscript([
      line({ activityDate: '2022-04-01', credits: 3 }),
      line({ activityDate: '2027-03-31', credits: 4 }),
      line({ activityDate: '2022-03-31', credits: 7 }),
      line({ activityDate: '2027-04-01', credits: 8 }),
      line({ status: 'pending', source: 'self_report', credits: 2 }),
    ], rules, period);
    expect(t.total).toBe(7);
    expect(t.missing).toBe(43);
    expect(t.trims).toContainEqual({ reason: 'outside_period', credits: 15, count: 2 });
    expect(t.lines.filter((l) => !l.inPeriod).map((l) => l.activityDate).sort()).toEqual(['2022-03-31', '2027-04-01']);
    expect(t.pending).toEqual({ count: 1, credits: 2 });
  });

  it('counts self-reports up to the cap and shows what the cap did not count', () => {
    const t = computeTranscript([
      line({ source: 'self_report', credits: 10, activityDate: '2023-01-01' }),
      line({ source: 'self_report', credits: 10, activityDate: '2024-01-01' }),
    ], rules, period);
    expect(t.selfReport.counted).toBe(18);
    expect(t.total).toBe(18);
    const trimmed = t.lines.find((l) => l.activityDate === '2024-01-01')!;
    expect(trimmed).toMatchObject({ counted: 8, notCounted: 2, trimmedBy: 'self_report_cap' });
  });

  it('applies group limits per period and once-per-fiscal-year entries', () => {
    const t = computeTranscript([
      line({ limitGroup: 'regional', credits: 5, activityDate: '2023-05-01' }),
      line({ limitGroup: 'regional', credits: 5, activityDate: '2023-06-01' }),
      line({ limitGroup: 'regional', credits: 5, activityDate: '2023-07-01' }),
      line({ catalogueId: 9, oncePerFiscalYear: true, credits: 15, activityDate: '2024-04-10', categoryCode: 'I' }),
      line({ catalogueId: 9, oncePerFiscalYear: true, credits: 15, activityDate: '2025-03-20', categoryCode: 'I' }),
      line({ catalogueId: 9, oncePerFiscalYear: true, credits: 15, activityDate: '2025-04-01', categoryCode: 'I' }),
    ], rules, period);
    expect(t.total).toBe(10 + 15 + 15);
    expect(t.trims).toEqual(expect.arrayContaining([{ reason: 'group_limit', credits: 5, count: 1 }, { reason: 'once_per_fiscal_year', credits: 15, count: 1 }]));
    expect(t.byCategory.find((c) => c.code === 'I')).toEqual({ code: 'I', counted: 30, min: 10, missing: 0 });
  });

  it('reports a category minimum that is not met', () => {
    const t = computeTranscript([line({ categoryCode: 'II', credits: 50 })], rules, period, ['I', 'II']);
    expect(t.total).toBe(50);
    expect(t.byCategory.find((c) => c.code === 'I')).toEqual({ code: 'I', counted: 0, min: 10, missing: 10 });
  });

  it('counts nothing without a certification period', () => {
    const t = computeTranscript([line({})], rules, null);
    expect(t.total).toBe(0);
    expect(t.lines[0]!.trimmedBy).toBe('outside_period');
  });
});

describe('minimum activities of a kind', () => {
  it('counts approved activities in the period against a minimum such as one annual meeting', () => {
    const withKind = { ...rules, categoryMinimums: [{ kind: 'annual_meeting' as const, minCount: 1 }] };
    const none = computeTranscript([line({ kind: 'regional_meeting' })], withKind, period);
    expect(none.byKind).toEqual([{ kind: 'annual_meeting', count: 0, minCount: 1, missing: 1 }]);
    const one = computeTranscript([line({ kind: 'annual_meeting' }), line({ kind: 'annual_meeting', activityDate: '2020-03-10' })], withKind, period);
    expect(one.byKind).toEqual([{ kind: 'annual_meeting', count: 1, minCount: 1, missing: 0 }]);
  });
});

describe('self-report cap as a gate', () => {
  const ledger = [
    line({ source: 'self_report', credits: 10, status: 'approved' }),
    line({ source: 'self_report', credits: 7, status: 'pending' }),
    line({ source: 'self_report', credits: 5, status: 'draft' }),
    line({ source: 'self_report', credits: 5, status: 'rejected' }),
    line({ source: 'self_report', credits: 9, status: 'approved', activityDate: '2020-01-01' }),
  ];
  it('counts approved and pending in the period only', () => {
    expect(selfReportRoom(ledger, period, 18)).toEqual({ used: 17, cap: 18, remaining: 1 });
  });
  it('leaves out the record being re-requested', () => {
    expect(selfReportRoom(ledger, period, 18, ledger[1]!.id).used).toBe(10);
  });
});

describe('fiscal year of a date', () => {
  it('runs April to March', () => {
    expect(fiscalYearOfDate('2025-03-31')).toBe(2024);
    expect(fiscalYearOfDate('2025-04-01')).toBe(2025);
  });
});
