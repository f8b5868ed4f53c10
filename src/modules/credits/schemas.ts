import { z } from 'zod';
import { calendarDate, text } from '../../platform/forms';
import { normalizeDigits } from '../../platform/japanese';


export const selfReportSchema = z.object({
  catalogueId: z.coerce.number({ error: 'credits.codeInvalid' }).int({ error: 'credits.codeInvalid' }).positive({ error: 'credits.codeInvalid' }).max(2_147_483_647, { error: 'credits.codeInvalid' }),
  activityDate: calendarDate('credits.dateInvalid'),
  detailTitle: text({ max: 300, optional: true }).optional().transform((s) => s ?? ''),
  detailSource: text({ max: 300, optional: true }).optional().transform((s) => s ?? ''),
});

export const commentSchema = z.object({
  comment: text({ max: 1000, optional: true }).optional().transform((s) => s ?? ''),
});

export const rejectSchema = z.object({
  reason: text({ max: 1000, required: 'staff.reasonRequired' }),
});

/** One rejection template per line; blank lines dropped. */
export const templatesSchema = z.object({
  templates: text({ max: 5000, optional: true }).transform((s) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 30)),
});

/** 事務局: a credit added by hand for a member (単位コード, 活動日, credits, and why). */
export const staffCreditSchema = z.object({
  code: text({ max: 40, required: 'm360.creditCodeRequired' }).transform((s) => normalizeDigits(s.normalize('NFKC')).toUpperCase()),
  activityDate: calendarDate('credits.dateInvalid'),
  credits: z
    .string({ error: 'm360.creditsInvalid' })
    .transform((s) => normalizeDigits(s))
    .refine((s) => /^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= 100, { message: 'm360.creditsInvalid' })
    .transform(Number),
  reason: text({ max: 1000, required: 'm360.reasonRequired' }),
});
export type StaffCreditInput = z.output<typeof staffCreditSchema>;
