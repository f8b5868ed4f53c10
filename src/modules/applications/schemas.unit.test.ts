import { describe, expect, it } from 'vitest';
import { fiscalYearInput, renewalSchema } from './schemas';

describe('基本領域認定・更新年度', () => {
  it('accepts the Western year, full-width digits and 和暦', () => {
    expect(['2021', '２０２１', '2021年度', '令和3年度', 'R3', 'r3', '令和３', '平成31', 'H31', '令和元年'].map(fiscalYearInput))
      .toEqual(['2021', '2021', '2021', '2021', '2021', '2021', '2021', '2019', '2019', '2019']);
  });
});

describe('the renewal form', () => {
  const valid = { baseQualification: 'geka', baseQualificationNumber: '１２３', baseQualificationYear: '令和3', basePeriodStart: '２０２１/４/１', basePeriodEnd: '2026-03-31', abroad: 'no' };

  it('normalises the number, the year and the dates', () => {
    expect(renewalSchema.parse(valid)).toMatchObject({ baseQualificationNumber: '123', baseQualificationYear: 2021, basePeriodStart: '2021-04-01' });
  });

  it('refuses a number of 9 digits and an end not after the start', () => {
    expect(renewalSchema.safeParse({ ...valid, baseQualificationNumber: '123456789' }).success).toBe(false);
    const same = renewalSchema.safeParse({ ...valid, basePeriodEnd: '2021-04-01' });
    expect(same.success ? [] : same.error.issues.map((i) => i.message)).toEqual(['applications.periodEndBeforeStart']);
  });

  it('needs the return date only when returned', () => {
    const abroad = { ...valid, abroad: 'yes', abroadDepartedOn: '2024-09-01' };
    expect(renewalSchema.safeParse({ ...abroad, abroadStatus: 'ongoing' }).success).toBe(true);
    const returned = renewalSchema.safeParse({ ...abroad, abroadStatus: 'returned', abroadReturnedOn: '' });
    expect(returned.success ? [] : returned.error.issues.map((i) => i.message)).toEqual(['applications.returnedRequired']);
  });
});
