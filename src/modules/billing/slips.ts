import { addBusinessDays, dateOnly, isBusinessDay, tokyoDate } from '../../platform/japanese';

/** A dispatch of payment slips in the year: month and the day it aims for (early = 5th, mid = 15th). */
export interface DispatchSlot {
  month: number;
  day: number;
}

/** The guide's schedule: early December, early March, early May, mid June. A setting, this is its default. */
export const DEFAULT_DISPATCHES: DispatchSlot[] = [
  { month: 12, day: 5 },
  { month: 3, day: 5 },
  { month: 5, day: 5 },
  { month: 6, day: 15 },
];

/** The slot's date in a year, moved to the next business day when it falls on a weekend or holiday. */
function dispatchDate(year: number, slot: DispatchSlot): string {
  const d = dateOnly(`${year}-${String(slot.month).padStart(2, '0')}-${String(slot.day).padStart(2, '0')}`);
  return tokyoDate(isBusinessDay(d) ? d : addBusinessDays(d, 1));
}

/**
 * The dispatch a slip requested on `requestedOn` goes out with: the first dispatch date at least
 * `leadBusinessDays` business days later (the secretariat needs time to print and address it).
 */
export function nextDispatch(requestedOn: string, slots: DispatchSlot[] = DEFAULT_DISPATCHES, leadBusinessDays = 3): string {
  const earliest = tokyoDate(addBusinessDays(dateOnly(requestedOn), leadBusinessDays));
  const year = Number(requestedOn.slice(0, 4));
  const candidates = [year, year + 1].flatMap((y) => slots.map((s) => dispatchDate(y, s))).sort();
  return candidates.find((d) => d >= earliest)!;
}
