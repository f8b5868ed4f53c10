import type { RenewalCycle } from '../../platform/db/schema';
import type { NewCycle } from './repository';

/** What the edit form may change: everything but the fiscal year, which names the cycle. */
export type CycleValues = Omit<NewCycle, 'fiscal_year'>;
export type CycleField = keyof CycleValues;

/**
 * Once a renewal of the cycle is 更新申請完了 or 更新完了, these decided its outcome (eligibility, the fee billed,
 * the period granted) and may no longer change: members under the same cycle are judged by the same rules.
 */
export const LOCKED_FIELDS: readonly CycleField[] = [
  'period_end', 'required_credits', 'self_report_cap', 'category_minimums', 'group_limits', 'new_period_start', 'new_period_end',
  'last_annual_fee_year', 'renewal_fee_code', 'study_abroad', 'window_opens_on',
];

/**
 * These may only move later once the cycle is locked: extending the window or the payment due date takes
 * nothing from anyone (an invoice keeps the due date it was created with; a later one applies to new ones only).
 */
export const LATER_ONLY_FIELDS: readonly CycleField[] = ['window_closes_on', 'payment_due_on'];

/** The names stay free: they change no outcome. */
export const FREE_FIELDS: readonly CycleField[] = ['name_ja', 'name_en'];

export const valuesOf = (c: RenewalCycle): CycleValues => ({
  name_ja: c.name_ja, name_en: c.name_en, period_end: c.period_end, required_credits: c.required_credits, self_report_cap: c.self_report_cap,
  category_minimums: c.category_minimums, group_limits: c.group_limits, new_period_start: c.new_period_start, new_period_end: c.new_period_end,
  last_annual_fee_year: c.last_annual_fee_year, renewal_fee_code: c.renewal_fee_code, window_opens_on: c.window_opens_on,
  window_closes_on: c.window_closes_on, payment_due_on: c.payment_due_on, study_abroad: c.study_abroad,
});

/** JSON with sorted keys, so {a, b} and {b, a} are the same value. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x);

/** The fields whose value differs between the stored cycle and the submitted values. */
export function changedFields(before: CycleValues, after: CycleValues): CycleField[] {
  return (Object.keys(after) as CycleField[]).filter((k) => canonical(before[k]) !== canonical(after[k]));
}

/** The changed fields a locked cycle refuses: every locked one, and a later-only one moved earlier. */
export function refusedChanges(before: CycleValues, after: CycleValues): CycleField[] {
  return changedFields(before, after).filter((k) =>
    LOCKED_FIELDS.includes(k) || (LATER_ONLY_FIELDS.includes(k) && String(after[k]) < String(before[k])));
}

/** The same month and day a year later; 29 February becomes 28 February. */
export function nextYearDate(date: string): string {
  const [y, m, d] = date.split('-') as [string, string, string];
  const year = Number(y) + 1;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = m === '02' && d === '29' && !leap ? '28' : d;
  return `${year}-${m}-${day}`;
}

/** A cycle's name for the next year: its fiscal year (西暦) moved on by one, or a plain name when it has none. */
function nextName(name: string, fiscalYear: number, fallback: string): string {
  return name.includes(String(fiscalYear)) ? name.replaceAll(String(fiscalYear), String(fiscalYear + 1)) : fallback;
}

/** 次年度のサイクル: the same rules one fiscal year later, every date a year on, every 年会費 up to the new year. */
export function nextCycleOf(c: RenewalCycle): NewCycle {
  const fy = c.fiscal_year + 1;
  return {
    ...valuesOf(c),
    fiscal_year: fy,
    name_ja: nextName(c.name_ja, c.fiscal_year, `${fy}年度更新`),
    name_en: nextName(c.name_en, c.fiscal_year, `Fiscal ${fy} renewal`),
    period_end: nextYearDate(c.period_end),
    new_period_start: nextYearDate(c.new_period_start),
    new_period_end: nextYearDate(c.new_period_end),
    last_annual_fee_year: c.last_annual_fee_year + 1,
    window_opens_on: nextYearDate(c.window_opens_on),
    window_closes_on: nextYearDate(c.window_closes_on),
    payment_due_on: nextYearDate(c.payment_due_on),
  };
}
