import { z } from 'zod';
import { text } from '../../platform/forms';
import { normalizeDigits } from '../../platform/japanese';

// ── Admin form ───────────────────────────────────────────────────────────────────────────────────
export const tokenNameSchema = z.object({ name: text({ max: 100, required: 'api.nameRequired' }) });

// ── Public API: request ──────────────────────────────────────────────────────────────────────────
const CONTROL_CHARS = /[\u0000-\u001F\u007F]/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A required string field: "is required" when absent, "must be a string" when of another type. */
const str = () => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

/** A real calendar day (2026-02-30 is refused, not rolled over). */
const isCalendarDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return DATE.test(s) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/** The JSON body of POST /api/v1/credits. Messages are English: the API speaks to programs. */
export const creditPostSchema = z.object({
  memberNumber: str()
    .transform(normalizeDigits)
    .pipe(z.string().regex(/^1\d{5}$/, { error: 'must be 6 digits starting with 1 (full-width digits are accepted)' })),
  creditCode: str()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(100, { error: 'must be at most 100 characters' })
    .refine((s) => !CONTROL_CHARS.test(s), { error: 'must not contain control characters' }),
  activityDate: str().refine(isCalendarDate, { error: 'must be a date as YYYY-MM-DD' }),
  externalId: str()
    .min(1, { error: 'must not be empty' })
    .refine((s) => [...s].length <= 200, { error: 'must be at most 200 characters' })
    .refine((s) => !CONTROL_CHARS.test(s), { error: 'must not contain control characters' }),
});

export type CreditPost = z.output<typeof creditPostSchema>;

/** Idempotency-Key: 1–200 printable ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,200}$/;

/** What the API answers for a recorded credit (201, and the same again on a replay). */
export interface CreditPosted {
  controlNo: string;
  memberNumber: string;
  creditCode: string;
  credits: number;
  activityDate: string;
  status: 'approved';
}

// ── Public API: problems (RFC 9457) ──────────────────────────────────────────────────────────────
/** Every problem type the API answers with; its URI is `${baseUrl}/api/problems/<slug>`. */
export const PROBLEMS = {
  'invalid-request': { status: 400, title: 'The request is not valid', description: 'The JSON body or a header is missing or malformed; `errors` lists each invalid field.' },
  'idempotency-key-missing': { status: 400, title: 'Idempotency-Key header is required', description: 'Send an Idempotency-Key header of 1–200 printable ASCII characters, unique per operation.' },
  unauthorized: { status: 401, title: 'Authentication is required', description: 'Send a valid, unrevoked API token as `Authorization: Bearer <token>`.' },
  'member-not-found': { status: 404, title: 'No such member', description: 'No member has this member number.' },
  'not-found': { status: 404, title: 'Not found', description: 'There is no resource at this URL.' },
  'duplicate-external-id': { status: 409, title: 'This externalId was already recorded', description: 'A credit with this externalId already exists; it was not recorded twice.' },
  'idempotency-key-in-progress': { status: 409, title: 'A request with this Idempotency-Key is still being processed', description: 'Retry after a short wait; the stored response is then returned.' },
  'unsupported-media-type': { status: 415, title: 'The body must be application/json', description: 'Send the body as JSON with `Content-Type: application/json`.' },
  'unknown-credit-code': { status: 422, title: 'Unknown credit code', description: 'The creditCode is not in the credit catalogue.' },
  'credit-code-not-elearning': { status: 422, title: 'Not an e-learning credit code', description: 'Providers may post credits of e-learning catalogue entries only.' },
  'activity-date-in-future': { status: 422, title: 'The activity date is in the future', description: 'activityDate must be today or earlier (Japan time).' },
  'idempotency-key-reused': { status: 422, title: 'This Idempotency-Key was used with a different request body', description: 'An Idempotency-Key identifies one operation; use a new key for a different body.' },
  'payload-too-large': { status: 413, title: 'The body is too large', description: 'The request body exceeds the size limit.' },
  'rate-limited': { status: 429, title: 'Too many requests', description: 'This token sent too many requests; wait for the number of seconds in Retry-After.' },
  'server-error': { status: 500, title: 'Internal server error', description: 'The request failed on the server; retry with the same Idempotency-Key.' },
  unavailable: { status: 503, title: 'Service unavailable', description: 'The service is temporarily unavailable; retry later with the same Idempotency-Key.' },
} as const satisfies Record<string, { status: number; title: string; description: string }>;

export type ProblemSlug = keyof typeof PROBLEMS;

/** One invalid field: a JSON Pointer into the body (or the header name) and what is wrong with it. */
export interface FieldError {
  pointer: string;
  detail: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
}

/** Zod issues as RFC 9457-style `errors` entries. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    pointer: `#/${i.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
    detail: i.path.length === 0 && i.code === 'invalid_type' ? 'the body must be a JSON object' : i.message,
  }));
}
