import { z } from 'zod';
import { text } from '../../platform/forms';
import { normalizeDigits } from '../../platform/japanese';
import { calendarDate } from '../../platform/forms';

const optionalDate = z
  .string()
  .optional()
  .transform((s) => (s ?? '').trim())
  .pipe(z.union([z.literal(''), calendarDate('credits.dateInvalid')]))
  .transform((s) => (s === '' ? null : s));

const checkbox = z.string().optional().transform((v) => v === 'on' || v === 'true' || v === '1');

export const catalogueSchema = z
  .object({
    // Absent on the edit form: a code never changes once ledger rows may point at it.
    code: z.preprocess((v) => (v === '' ? undefined : v), z.string({ error: 'catalogue.codeInvalid' }).transform((s) => normalizeDigits(s).toUpperCase()).pipe(z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,39}$/, { error: 'catalogue.codeInvalid' })).optional()),
    name_ja: text({ max: 200 }),
    name_en: text({ max: 200, optional: true }).optional().transform((s) => s ?? ''),
    category_code: z.string({ error: 'error.required' }).min(1, { error: 'error.required' }).max(10),
    kind: z.enum(['annual_meeting', 'regional_meeting', 'elearning', 'related_meeting', 'paper', 'other'], { error: 'error.required' }),
    credits: z.preprocess((v) => (typeof v === 'string' ? normalizeDigits(v) : v), z.coerce.number({ error: 'catalogue.creditsInvalid' })).pipe(z.number().int({ error: 'catalogue.creditsInvalid' }).min(1, { error: 'catalogue.creditsInvalid' }).max(100, { error: 'catalogue.creditsInvalid' })),
    activity_from: optionalDate,
    activity_to: optionalDate,
    self_reportable: checkbox,
    detail_kind: z.enum(['none', 'meeting_name', 'paper'], { error: 'error.required' }),
    limit_group: z.string().optional().transform((s) => (s ?? '').trim()).pipe(z.string().regex(/^[a-z0-9_]{0,40}$/, { error: 'error.invalidChars' })).transform((s) => s || null),
    once_per_fiscal_year: checkbox,
  })
  .refine((v) => !v.activity_from || !v.activity_to || v.activity_to >= v.activity_from, { message: 'catalogue.toBeforeFrom', path: ['activity_to'] });
