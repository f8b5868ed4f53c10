import { describe, expect, it } from 'vitest';
import type { RenewalCycle } from '../../platform/db/schema';
import { demoCycles } from '../../seed/credits';
import { FREE_FIELDS, LATER_ONLY_FIELDS, LOCKED_FIELDS, nextCycleOf, nextYearDate, refusedChanges, valuesOf } from './rules';

const cycle = { id: 1, created_at: new Date(), ...demoCycles(2026)[1]! } as RenewalCycle;
const values = valuesOf(cycle);

describe('the lock of a cycle with submitted renewals', () => {
  it('covers every value of the form exactly once', () => {
    expect([...LOCKED_FIELDS, ...LATER_ONLY_FIELDS, ...FREE_FIELDS].sort()).toEqual(Object.keys(values).sort());
  });

  it('refuses every outcome field, a later-only date moved earlier, and nothing else', () => {
    for (const f of LOCKED_FIELDS) {
      const changed = { ...values, [f]: typeof values[f] === 'number' ? 1 : typeof values[f] === 'string' ? '2099-01-01' : [] };
      expect(refusedChanges(values, changed)).toEqual([f]);
    }
    expect(refusedChanges(values, { ...values, study_abroad: { ...values.study_abroad, creditsPerMonth: 2 } })).toEqual(['study_abroad']);
    expect(refusedChanges(values, { ...values, window_closes_on: '2027-01-30', payment_due_on: '2027-02-27' })).toEqual(['window_closes_on', 'payment_due_on']);
    expect(refusedChanges(values, { ...values, window_closes_on: '2027-02-15', payment_due_on: '2027-03-31', name_ja: '改', name_en: 'x' })).toEqual([]);
    // The same JSON in another key order is no change.
    const { catalogueCode, ...rest } = values.study_abroad;
    expect(refusedChanges(values, { ...values, study_abroad: { catalogueCode, ...rest } })).toEqual([]);
  });
});

describe('次年度のサイクル', () => {
  it('moves every date a year on (29 February → 28 February) and renames the year', () => {
    expect(nextYearDate('2027-03-31')).toBe('2028-03-31');
    expect(nextYearDate('2028-02-29')).toBe('2029-02-28');
    expect(nextYearDate('2027-02-28')).toBe('2028-02-28');
    expect(nextCycleOf(cycle)).toMatchObject({
      fiscal_year: 2027, name_ja: '2027年度更新', name_en: 'Fiscal 2027 renewal', period_end: '2028-03-31', new_period_start: '2028-04-01',
      new_period_end: '2033-03-31', last_annual_fee_year: 2027, window_opens_on: '2027-04-01', window_closes_on: '2028-01-31', payment_due_on: '2028-02-28',
      required_credits: 50, self_report_cap: 18,
    });
    expect(nextCycleOf({ ...cycle, name_ja: '認定更新' }).name_ja).toBe('2027年度更新');
  });
});
