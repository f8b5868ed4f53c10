import { describe, expect, it } from 'vitest';
import { nextDispatch } from './slips';

describe('payment slip dispatch schedule', () => {
  it('picks the next of early December, early March, early May and mid June', () => {
    expect(nextDispatch('2026-11-23')).toBe('2026-12-07'); // 5 Dec 2026 is a Saturday → Monday 7th
    expect(nextDispatch('2026-12-20')).toBe('2027-03-05');
    expect(nextDispatch('2027-03-10')).toBe('2027-05-06'); // 5 May is こどもの日, 6th the next business day
    expect(nextDispatch('2027-05-20')).toBe('2027-06-15');
    expect(nextDispatch('2027-06-20')).toBe('2027-12-06');
  });

  it('leaves the secretariat three business days before a dispatch', () => {
    expect(nextDispatch('2027-06-14')).toBe('2027-12-06');
    expect(nextDispatch('2027-06-09')).toBe('2027-06-15');
  });

  it('counts business days across New Year and Golden Week', () => {
    // 28 Dec – 3 Jan are not holidays in law, but 1 Jan and the weekend are: three business days from 30 Dec.
    expect(nextDispatch('2026-12-30', [{ month: 1, day: 5 }])).toBe('2027-01-05');
    // From Fri 30 April 2027, 3–5 May are holidays: the third business day is Mon 10 May, so the 6 May
    // dispatch is missed and the next one (6 May 2028, a Saturday) moves to Monday 8 May.
    expect(nextDispatch('2027-04-30', [{ month: 5, day: 6 }])).toBe('2028-05-08');
    expect(nextDispatch('2027-04-27', [{ month: 5, day: 6 }])).toBe('2027-05-06');
  });
});
