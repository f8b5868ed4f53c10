import { describe, expect, it } from 'vitest';
import {
  addBusinessDays, dateOnly, fiscalYearOf, formatDateEn, formatDateJa, formatYen, isBusinessDay,
  normalizeDigits, searchKey, warekiFiscalYear, warekiYear,
} from './japanese';

describe('fiscal year (年度)', () => {
  it('runs April to March in Tokyo time', () => {
    expect(fiscalYearOf(new Date('2026-04-01T00:00:00+09:00'))).toBe(2026);
    expect(fiscalYearOf(new Date('2026-03-31T23:59:59+09:00'))).toBe(2025);
    // 31 March 16:00 UTC is already 1 April in Tokyo
    expect(fiscalYearOf(new Date('2026-03-31T16:00:00Z'))).toBe(2026);
  });
});

describe('和暦', () => {
  it('names the era year, 元年 for the first', () => {
    expect(warekiYear(dateOnly('2026-03-31'))).toBe('令和8年');
    expect(warekiYear(dateOnly('2019-05-01'))).toBe('令和元年');
    expect(warekiYear(dateOnly('2019-04-30'))).toBe('平成31年');
    expect(warekiFiscalYear(2026)).toBe('令和8年度');
  });
  it('formats dates with the era beside the western year', () => {
    expect(formatDateJa(dateOnly('2027-03-31'))).toBe('2027年3月31日（令和9年）');
    expect(formatDateEn(dateOnly('2027-03-31'))).toBe('31 March 2027 (Reiwa 9)');
  });
});

describe('numbers typed by people', () => {
  it('accepts full-width digits, hyphen look-alikes and surrounding spaces', () => {
    expect(normalizeDigits('　１００００１ ')).toBe('100001');
    expect(normalizeDigits('１００ー０００１')).toBe('100-0001');
    expect(normalizeDigits('100−0001')).toBe('100-0001');
  });
  it('folds width, case and kana for search', () => {
    expect(searchKey('ヤマダ　タロウ')).toBe('やまだたろう');
    expect(searchKey('ｙａｍａｄａ')).toBe('yamada');
    expect(searchKey('ﾔﾏﾀﾞ')).toBe('やまだ');
  });
  it('formats money as yen', () => {
    expect(formatYen(30000)).toBe('¥30,000');
  });
});

describe('business days', () => {
  it('skips weekends and Japanese public holidays', () => {
    expect(isBusinessDay(dateOnly('2026-11-23'))).toBe(false); // 勤労感謝の日
    expect(isBusinessDay(dateOnly('2026-11-24'))).toBe(true);
    // Fri 2026-11-20 + 1 business day: Sat, Sun, Mon (holiday) skipped → Tue 24th
    expect(addBusinessDays(dateOnly('2026-11-20'), 1).toISOString().slice(0, 10)).toBe('2026-11-24');
  });
});
