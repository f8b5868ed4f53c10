import { z } from 'zod';
import type { MessageKey } from './i18n';
import { normalizeDigits } from './japanese';
import type { FormErrors, FormValues } from './views/context';

const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** For a schema that is not `text()`: PostgreSQL refuses a NUL byte, so one must never reach a query. */
export const noControlChars = (s: string) => !CONTROL_CHARS.test(s);

/**
 * A text field: trimmed, required unless `optional`, bounded, no control characters (NUL bytes and
 * the like never reach the database). Messages are catalogue keys, shown in the user's language.
 */
export function text(opts: { max: number; required?: MessageKey; optional?: boolean; tooLong?: MessageKey }) {
  const base = z
    .string({ error: opts.required ?? 'error.required' })
    .transform((s) => s.trim())
    .refine((s) => !CONTROL_CHARS.test(s), { message: 'error.invalidChars' })
    .refine((s) => [...s].length <= opts.max, { message: opts.tooLong ?? 'error.tooLong' });
  if (opts.optional) return base;
  return base.refine((s) => s.length > 0, { message: opts.required ?? 'error.required' });
}

export type FormResult<T> = { ok: true; data: T; values: FormValues } | { ok: false; errors: FormErrors; values: FormValues };

/** The submitted strings, to re-render the form with the member's input kept. */
export function formValues(body: unknown): FormValues {
  const values: FormValues = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (k !== '_csrf' && typeof v === 'string') values[k] = v.slice(0, 20_000);
    }
  }
  return values;
}

/** One call per form: the schema's first message per field becomes the inline error and the summary. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const values = formValues(body);
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data, values };
  const errors: FormErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= (issue.message.includes('.') ? issue.message : 'error.400.title') as MessageKey;
  }
  return { ok: false, errors, values };
}

/** A calendar date typed by a person: full-width digits, slashes and 年月日 are accepted. */
export const calendarDate = (message: MessageKey) =>
  z
    .string({ error: message })
    .transform((s) => normalizeDigits(s).replace(/[/.年月]/g, '-').replace(/日$/, ''))
    .refine((s) => /^\d{4}-\d{1,2}-\d{1,2}$/.test(s), { message })
    .transform((s) => s.split('-').map((p, i) => (i === 0 ? p : p.padStart(2, '0'))).join('-'))
    .refine((s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    }, { message });
