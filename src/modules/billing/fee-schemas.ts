import { z } from 'zod';
import type { PaymentMethod } from '../../platform/db/schema';
import { normalizeDigits } from '../../platform/japanese';
import type { DispatchSlot } from './slips';

export const PAYMENT_METHODS: readonly PaymentMethod[] = ['card', 'konbini', 'payeasy', 'slip'];

/** 「5-31」「05-31」「５月３１日」 → 05-31; undefined unless a real day in every year (no 29 February). */
export function monthDay(input: string): string | undefined {
  const s = normalizeDigits(input.normalize('NFKC')).replace(/[/.月]/g, '-').replace(/日$/, '');
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const [month, day] = [Number(m[1]), Number(m[2])];
  const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (!days || day < 1 || day > days) return undefined;
  return `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Checkboxes: absent, one value, or several. */
const methods = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(PAYMENT_METHODS as [PaymentMethod, ...PaymentMethod[]], { error: 'fees.methodsRequired' }))
  .min(1, { error: 'fees.methodsRequired' }))
  .transform((ms) => PAYMENT_METHODS.filter((m) => ms.includes(m)));

export const feeTypeSchema = z.object({
  amount: z.string({ error: 'fees.amountInvalid' }).transform((s) => normalizeDigits(s).replace(/[,，¥￥円]/g, ''))
    .refine((s) => /^\d{1,7}$/.test(s) && Number(s) >= 1 && Number(s) <= 1_000_000, { message: 'fees.amountInvalid' }).transform(Number),
  methods,
  tax_category: z.enum(['non_taxable', 'taxable_10'], { error: 'error.required' }),
  due_month_day: z.string().optional().transform((s) => (s ?? '').trim())
    .refine((s) => s === '' || monthDay(s) !== undefined, { message: 'fees.monthDayInvalid' })
    .transform((s) => (s === '' ? null : monthDay(s)!)),
});

/** 払込票の発送日: one MM-DD a line, 1 to 12, duplicates dropped, in calendar order. */
export const dispatchSchema = z.object({
  dispatches: z.string({ error: 'fees.dispatchesInvalid' }).transform((s) => s.split(/\r?\n|[,、]/).map((l) => l.trim()).filter(Boolean))
    .refine((ls) => ls.length >= 1 && ls.length <= 12 && ls.every((l) => monthDay(l) !== undefined), { message: 'fees.dispatchesInvalid' })
    .transform((ls): DispatchSlot[] => [...new Set(ls.map((l) => monthDay(l)!))].sort().map((md) => ({ month: Number(md.slice(0, 2)), day: Number(md.slice(3)) }))),
});

export const formatSlot = (s: DispatchSlot) => `${String(s.month).padStart(2, '0')}-${String(s.day).padStart(2, '0')}`;
