/**
 * The short vocabulary of failures a service may raise. One error handler (app.ts) maps them to
 * HTTP and to a page in the user's language; nothing else decides a status code for an error.
 */
export type ErrorCode = 'bad_request' | 'forbidden' | 'not_found' | 'invalid_state' | 'conflict' | 'too_many_requests' | 'unavailable';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  forbidden: 403,
  not_found: 404,
  invalid_state: 409,
  conflict: 409,
  too_many_requests: 429,
  unavailable: 503,
};

export class AppError extends Error {
  readonly status: number;
  constructor(readonly code: ErrorCode, message: string = code) {
    super(message);
    this.status = STATUS[code];
  }
}

export const badRequest = (why?: string) => new AppError('bad_request', why);
export const forbidden = (why?: string) => new AppError('forbidden', why);
export const notFound = (why?: string) => new AppError('not_found', why);
export const invalidState = (why?: string) => new AppError('invalid_state', why);
export const conflict = (why?: string) => new AppError('conflict', why);

/** A record id from a URL: a positive 32-bit integer, or the 404 page (never a database error). */
export function idParam(raw: string, what: string): number {
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw notFound(what);
  return id;
}

/** A keyset cursor from a query string (`?after=123`): a positive 32-bit id, or none (the first page). */
export function cursorParam(raw: string | undefined): number | undefined {
  const id = /^\d{1,10}$/.test(raw ?? '') ? Number(raw) : NaN;
  return Number.isInteger(id) && id > 0 && id <= 2_147_483_647 ? id : undefined;
}

/**
 * A business rule said no, with a message the user must read (numbers included): a catalogue key and
 * its parameters. Handlers show it beside the form; the error handler shows it on the error page.
 */
export class RuleViolation extends AppError {
  constructor(readonly key: import('./i18n').MessageKey, readonly params: Record<string, string | number> = {}, code: ErrorCode = 'invalid_state') {
    super(code, key);
  }
}
