import type { ReminderKind, ReminderTopic } from '../../platform/db/schema';

export type { ReminderKind, ReminderTopic };

/**
 * Which reminders a member may switch off (decisions/0019). Money already owed (the unpaid 専門医更新料,
 * konbini / Pay-easy numbers about to lapse) is always told; the nudges about starting the renewal and
 * re-requesting a rejected self-report are optional.
 */
export const TOPIC_OF: Record<ReminderKind, ReminderTopic | null> = {
  not_started_month: 'renewal',
  not_started_week: 'renewal',
  renewal_fee_due: null,
  numbers_expiring: null,
  self_report_rejected: 'self_report',
};

export const OPTIONAL_TOPICS: readonly ReminderTopic[] = ['renewal', 'self_report'];

/** How many days before its due date an unpaid 専門医更新料 is reminded of. */
export const FEE_DUE_LEAD_DAYS = 7;
/** A rejected self-report not requested again is reminded of this many days after the rejection… */
export const REJECTED_AFTER_DAYS = 7;
/** …and no longer once this many days have passed (a missed daily run catches up within the week). */
export const REJECTED_UNTIL_DAYS = 14;

const DAY = 86_400_000;
const asDate = (d: string) => new Date(`${d}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** A calendar date (YYYY-MM-DD) moved by whole days. */
export function addDays(date: string, days: number): string {
  return iso(new Date(asDate(date).getTime() + days * DAY));
}

/** A calendar date moved by whole months, kept inside the month (31 March − 1 month = 28/29 February). */
export function addMonths(date: string, months: number): string {
  const d = asDate(date);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return iso(target);
}

/**
 * The "not started" reminder due today for a cycle's application window, in calendar days: from a month
 * before the deadline the month reminder, from a week before (deadline − 7) until the deadline the week
 * reminder. Nothing before the window opens (nobody can start yet) or after it closes. Both windows span
 * several days, so a daily run that was missed sends on the next day; `reminders_sent` keeps it to one.
 */
export function notStartedKind(window: { window_opens_on: string; window_closes_on: string }, today: string): 'not_started_month' | 'not_started_week' | null {
  if (today < window.window_opens_on || today > window.window_closes_on) return null;
  if (today >= addDays(window.window_closes_on, -7)) return 'not_started_week';
  if (today >= addMonths(window.window_closes_on, -1)) return 'not_started_month';
  return null;
}

/** Due dates (inclusive) of the unpaid 専門医更新料 reminded of today: today up to FEE_DUE_LEAD_DAYS ahead. */
export function feeDueRange(today: string): { from: string; to: string } {
  return { from: today, to: addDays(today, FEE_DUE_LEAD_DAYS) };
}

/** The Tokyo calendar day whose konbini / Pay-easy numbers are reminded of today: tomorrow. */
export function numbersExpiringOn(today: string): string {
  return addDays(today, 1);
}

/** Rejection dates (Tokyo, inclusive) of the self-reports reminded of today: 7 to 14 days ago. */
export function rejectedRange(today: string): { from: string; to: string } {
  return { from: addDays(today, -REJECTED_UNTIL_DAYS), to: addDays(today, -REJECTED_AFTER_DAYS) };
}

/** The first moment of a Tokyo calendar day (JST has no daylight saving). */
export function tokyoDayStart(date: string): Date {
  return new Date(`${date}T00:00:00+09:00`);
}
