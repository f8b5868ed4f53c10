import { z } from 'zod';
import { calendarDate, text } from '../../platform/forms';
import { normalizeDigits } from '../../platform/japanese';

/** 基本領域資格: the base specialties a renewal may name (the guide added 内科専門医（新制度）). */
export const BASE_QUALIFICATIONS = ['naika_nintei', 'sogo_naika', 'naika_shinseido', 'geka', 'geka_toroku', 'shonika'] as const;
export type BaseQualification = (typeof BASE_QUALIFICATIONS)[number];

/** 辞退理由: the list, with その他 and its own text. */
export const WITHDRAWAL_REASONS = ['retirement', 'other_specialty', 'health', 'requirements', 'other'] as const;


const ERAS: Record<string, number> = { 令和: 2018, R: 2018, 平成: 1988, H: 1988, 昭和: 1925, S: 1925 };

/** A fiscal year as people write it: 2021, ２０２１年度, or in 和暦 (令和3年度, R3, 平成31, 令和元年). */
export function fiscalYearInput(raw: string): string {
  const s = normalizeDigits(raw.normalize('NFKC')).replace(/\s/g, '').replace(/年度?$/, '');
  const era = /^(令和|平成|昭和|R|H|S)(元|\d{1,2})$/i.exec(s);
  if (!era) return s;
  return String(ERAS[era[1]!.toUpperCase()]! + (era[2] === '元' ? 1 : Number(era[2])));
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const typeSchema = z.object({
  type: z.enum(['initial', 'renewal', 'withdrawal'], { error: 'applications.typeRequired' }),
});

const baseFields = {
  baseQualification: z.enum(BASE_QUALIFICATIONS, { error: 'applications.baseQualificationRequired' }),
  baseQualificationNumber: z
    .string({ error: 'applications.numberRequired' })
    .transform((s) => normalizeDigits(s))
    .refine((s) => s.length > 0, { message: 'applications.numberRequired' })
    .refine((s) => /^\d{1,8}$/.test(s), { message: 'applications.numberInvalid' }),
};

/** 更新申請: every field required (the guide: saving blanks shows errors); 留学 asked too. */
export const renewalSchema = z
  .object({
    ...baseFields,
    baseQualificationYear: z
      .string({ error: 'applications.yearRequired' })
      .transform((s) => fiscalYearInput(s))
      .refine((s) => s.length > 0, { message: 'applications.yearRequired' })
      .refine((s) => /^(19[5-9]\d|20\d\d)$/.test(s), { message: 'applications.yearInvalid' })
      .transform(Number),
    basePeriodStart: z.preprocess(blankToUndefined, calendarDate('applications.periodStartRequired')),
    basePeriodEnd: z.preprocess(blankToUndefined, calendarDate('applications.periodEndRequired')),
    abroad: z.enum(['no', 'yes'], { error: 'applications.abroadRequired' }),
    abroadDepartedOn: z.preprocess(blankToUndefined, calendarDate('applications.departedInvalid').optional()),
    abroadStatus: z.preprocess(blankToUndefined, z.enum(['returned', 'ongoing'], { error: 'applications.abroadStatusRequired' }).optional()),
    abroadReturnedOn: z.preprocess(blankToUndefined, calendarDate('applications.returnedInvalid').optional()),
  })
  .superRefine((v, ctx) => {
    if (v.basePeriodEnd <= v.basePeriodStart) ctx.addIssue({ code: 'custom', path: ['basePeriodEnd'], message: 'applications.periodEndBeforeStart' });
    if (v.abroad !== 'yes') return;
    if (!v.abroadDepartedOn) ctx.addIssue({ code: 'custom', path: ['abroadDepartedOn'], message: 'applications.departedRequired' });
    if (!v.abroadStatus) ctx.addIssue({ code: 'custom', path: ['abroadStatus'], message: 'applications.abroadStatusRequired' });
    if (v.abroadStatus === 'returned') {
      if (!v.abroadReturnedOn) ctx.addIssue({ code: 'custom', path: ['abroadReturnedOn'], message: 'applications.returnedRequired' });
      else if (v.abroadDepartedOn && v.abroadReturnedOn < v.abroadDepartedOn) ctx.addIssue({ code: 'custom', path: ['abroadReturnedOn'], message: 'applications.returnedBeforeDeparture' });
    }
  });
export type RenewalInput = z.output<typeof renewalSchema>;

/** 事務局入力（郵送）: the 受付日 of the paper form, beside the renewal's own fields. */
export const paperEntrySchema = z.object({
  receivedOn: z.preprocess(blankToUndefined, calendarDate('m360.receivedOnInvalid')),
});

/** 差し戻し and 再提出を依頼: the reason the member is mailed. */
export const reasonSchema = z.object({
  reason: text({ max: 1000, required: 'm360.reasonRequired' }),
});

/** 新規申請: its own short form, with the medical licence date and ACLS that a renewal never asks for. */
export const initialSchema = z.object({
  ...baseFields,
  licenceDate: z.preprocess(blankToUndefined, calendarDate('applications.licenceDateRequired')),
  aclsValidUntil: z.preprocess(blankToUndefined, calendarDate('applications.aclsRequired')),
});
export type InitialInput = z.output<typeof initialSchema>;

export const withdrawalSchema = z
  .object({
    withdrawalReason: z.enum(WITHDRAWAL_REASONS, { error: 'applications.reasonRequired' }),
    withdrawalReasonOther: text({ max: 500, optional: true }).optional().transform((s) => s ?? ''),
  })
  .superRefine((v, ctx) => {
    if (v.withdrawalReason === 'other' && !v.withdrawalReasonOther) ctx.addIssue({ code: 'custom', path: ['withdrawalReasonOther'], message: 'applications.reasonOtherRequired' });
  });
export type WithdrawalInput = z.output<typeof withdrawalSchema>;
