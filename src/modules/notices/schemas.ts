import { z } from 'zod';
import { text } from '../../platform/forms';

/** <input type="datetime-local"> gives 'YYYY-MM-DDTHH:mm' in the clerk's (Tokyo) wall time. */
const tokyoDateTime = (opts: { optional?: boolean }) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .refine((s) => (opts.optional && s === '') || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(s), { message: 'staff.noticeDateInvalid' })
    .transform((s) => ({ text: s, date: s === '' ? null : new Date(`${s}:00+09:00`) }))
    // 2月30日 parses as 2 March: only a date that reads back as typed is a real one.
    .refine(({ text, date }) => date === null || (!Number.isNaN(date.getTime()) && toTokyoInput(date) === text), { message: 'staff.noticeDateInvalid' })
    .transform(({ date }) => date);

export const noticeSchema = z
  .object({
    title_ja: text({ max: 200 }),
    body_ja: text({ max: 5000 }),
    title_en: text({ max: 200, optional: true }),
    body_en: text({ max: 5000, optional: true }),
    publish_from: tokyoDateTime({}),
    publish_until: tokyoDateTime({ optional: true }),
  })
  .refine((v) => !v.publish_until || !v.publish_from || v.publish_until > v.publish_from, { message: 'staff.noticeUntilBefore', path: ['publish_until'] });

/** A Date as the value of a datetime-local input, in Tokyo time. */
export function toTokyoInput(date: Date | null): string {
  if (!date) return '';
  const tokyo = new Date(date.getTime() + 9 * 3_600_000);
  return tokyo.toISOString().slice(0, 16);
}
