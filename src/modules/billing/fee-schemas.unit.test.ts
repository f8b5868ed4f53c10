import { describe, expect, it } from 'vitest';
import { dispatchSchema, feeTypeSchema, monthDay } from './fee-schemas';

describe('fee type and dispatch date forms', () => {
  it('reads month-day dates people type, and refuses days that do not exist every year', () => {
    expect(monthDay('5-31')).toBe('05-31');
    expect(monthDay('１２／５')).toBe('12-05');
    expect(monthDay('６月３０日')).toBe('06-30');
    for (const bad of ['02-29', '04-31', '13-01', '00-10', '0531', '']) expect(monthDay(bad)).toBeUndefined();
  });

  it('needs an amount in yen, a method and a tax category; an empty due date is none', () => {
    expect(feeTypeSchema.parse({ amount: '¥３０,０００', methods: 'slip', tax_category: 'taxable_10', due_month_day: '' }))
      .toEqual({ amount: 30_000, methods: ['slip'], tax_category: 'taxable_10', due_month_day: null });
    expect(feeTypeSchema.safeParse({ amount: '1000001', methods: ['card'], tax_category: 'non_taxable' }).success).toBe(false);
    expect(feeTypeSchema.safeParse({ amount: '100', methods: ['cheque'], tax_category: 'non_taxable' }).success).toBe(false);
    expect(feeTypeSchema.safeParse({ amount: '100', tax_category: 'non_taxable' }).success).toBe(false);
  });

  it('keeps one to twelve dispatch dates, sorted and without repeats', () => {
    expect(dispatchSchema.parse({ dispatches: '12-05\n3-5、12-05' }).dispatches).toEqual([{ month: 3, day: 5 }, { month: 12, day: 5 }]);
    expect(dispatchSchema.safeParse({ dispatches: '' }).success).toBe(false);
    expect(dispatchSchema.safeParse({ dispatches: Array.from({ length: 13 }, (_, i) => `01-${i + 1}`).join('\n') }).success).toBe(false);
  });
});
