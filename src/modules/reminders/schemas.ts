import { z } from 'zod';

/** 「お知らせメールの設定」: a checked box sends "1"; an unchecked one sends nothing. */
const box = z.literal('1', { error: 'reminders.invalid' }).optional().transform((v) => v === '1');

export const preferencesSchema = z.object({ renewal: box, self_report: box });
