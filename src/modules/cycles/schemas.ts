import { z } from 'zod';
import type { CategoryMinimum, CreditKind, GroupLimit, RenewalCycle } from '../../platform/db/schema';
import { text } from '../../platform/forms';
import { normalizeDigits } from '../../platform/japanese';
import type { FormValues } from '../../platform/views/context';
import { calendarDate } from '../../platform/forms';
import type { CycleValues } from './rules';

const KINDS: readonly CreditKind[] = ['annual_meeting', 'regional_meeting', 'elearning', 'related_meeting', 'paper', 'other'];

const date = calendarDate('cycles.dateInvalid');

/** A whole number typed by a person (full-width digits accepted), within bounds. */
const whole = (min: number, max: number, message: 'cycles.numberInvalid' | 'cycles.yearInvalid' = 'cycles.numberInvalid') =>
  z.string({ error: message })
    .transform((s) => normalizeDigits(s))
    .refine((s) => /^\d{1,4}$/.test(s) && Number(s) >= min && Number(s) <= max, { message })
    .transform(Number);

/** 「名前: 数」 one a line (全角 colon and digits accepted); blank lines dropped. */
const lines = z.string().optional().transform((s) => (s ?? '').normalize('NFKC').split(/\r?\n/).map((l) => l.trim()).filter(Boolean))
  .refine((ls) => ls.length <= 20 && ls.every((l) => /^[A-Za-z0-9_-]{1,40}\s*[:=]\s*\d{1,4}$/.test(l)), { message: 'cycles.linesInvalid' })
  .transform((ls) => ls.map((l) => {
    const [key, n] = l.split(/\s*[:=]\s*/) as [string, string];
    return { key, n: Number(n) };
  }));

const code = (max: number) => z.string({ error: 'cycles.codeInvalid' }).transform((s) => s.normalize('NFKC').trim())
  .refine((s) => new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`).test(s), { message: 'cycles.codeInvalid' });

/** One schema for the whole edit form; its messages are what the secretariat reads (see ja.ts `cycles.*`). */
export const cycleSchema = z
  .object({
    name_ja: text({ max: 100 }),
    name_en: text({ max: 100 }),
    period_end: date,
    required_credits: whole(0, 500),
    self_report_cap: whole(0, 500),
    category_minimums: lines.transform((ls): CategoryMinimum[] =>
      ls.map(({ key, n }) => (KINDS.includes(key as CreditKind) ? { kind: key as CreditKind, minCount: n } : { category: key.toUpperCase(), min: n }))),
    group_limits: lines.transform((ls): GroupLimit[] => ls.map(({ key, n }) => ({ group: key, maxPerPeriod: n }))),
    new_period_start: date,
    new_period_end: date,
    last_annual_fee_year: whole(2000, 2100, 'cycles.yearInvalid'),
    renewal_fee_code: code(40),
    window_opens_on: date,
    window_closes_on: date,
    payment_due_on: date,
    abroad_waives: z.enum(['yes', 'no'], { error: 'error.required' }),
    abroad_min_months: whole(1, 60),
    abroad_credits_per_month: whole(0, 50),
    abroad_category: code(10).transform((s) => s.toUpperCase()),
    abroad_catalogue_code: code(40).transform((s) => s.toUpperCase()),
  })
  .superRefine((v, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (v.self_report_cap > v.required_credits) issue('self_report_cap', 'cycles.capOverRequired');
    if (v.new_period_start <= v.period_end) issue('new_period_start', 'cycles.newPeriodAfterOld');
    if (v.new_period_end <= v.new_period_start) issue('new_period_end', 'cycles.periodOrder');
    if (v.window_closes_on <= v.window_opens_on) issue('window_closes_on', 'cycles.windowOrder');
    if (v.payment_due_on <= v.window_opens_on) issue('payment_due_on', 'cycles.dueOrder');
  })
  .transform((v): CycleValues => ({
    name_ja: v.name_ja, name_en: v.name_en, period_end: v.period_end, required_credits: v.required_credits, self_report_cap: v.self_report_cap,
    category_minimums: v.category_minimums, group_limits: v.group_limits, new_period_start: v.new_period_start, new_period_end: v.new_period_end,
    last_annual_fee_year: v.last_annual_fee_year, renewal_fee_code: v.renewal_fee_code, window_opens_on: v.window_opens_on,
    window_closes_on: v.window_closes_on, payment_due_on: v.payment_due_on,
    study_abroad: {
      waivesCredits: v.abroad_waives === 'yes', minConsecutiveMonths: v.abroad_min_months, creditsPerMonth: v.abroad_credits_per_month,
      category: v.abroad_category, catalogueCode: v.abroad_catalogue_code,
    },
  }));

/** The form fields of a stored cycle (the edit page, and what a locked field keeps when the form leaves it out). */
export function formValuesOf(c: RenewalCycle): FormValues {
  return {
    name_ja: c.name_ja, name_en: c.name_en, period_end: c.period_end, required_credits: String(c.required_credits), self_report_cap: String(c.self_report_cap),
    category_minimums: c.category_minimums.map((m) => ('category' in m ? `${m.category}: ${m.min}` : `${m.kind}: ${m.minCount}`)).join('\n'),
    group_limits: c.group_limits.map((g) => `${g.group}: ${g.maxPerPeriod}`).join('\n'),
    new_period_start: c.new_period_start, new_period_end: c.new_period_end, last_annual_fee_year: String(c.last_annual_fee_year),
    renewal_fee_code: c.renewal_fee_code, window_opens_on: c.window_opens_on, window_closes_on: c.window_closes_on, payment_due_on: c.payment_due_on,
    abroad_waives: c.study_abroad.waivesCredits ? 'yes' : 'no', abroad_min_months: String(c.study_abroad.minConsecutiveMonths),
    abroad_credits_per_month: String(c.study_abroad.creditsPerMonth), abroad_category: c.study_abroad.category, abroad_catalogue_code: c.study_abroad.catalogueCode,
  };
}
