import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config';

/** Where the log lines go instead of stdout (a test reads them). */
export interface LogStream {
  write(line: string): void;
}

/** Path segments after these prefixes are secrets (reset, confirmation and invitation links). */
const SECRET_PATH = /\/(password\/reset|profile\/email\/confirm|staff\/invite)\/[^/?#]+/g;
/**
 * Query parameters that carry what staff typed to find a person (name, kana, email, phone: the member
 * search `q`, the invoice search's `member`, the audit trail's `member` and `actor`). The search forms stay
 * GET (bookmarkable, back button; docs/security.md), so the values are cut from the logs instead.
 */
const PERSONAL_QUERY = /([?&](?:q|member|actor)=)[^&#]*/g;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, '/$1/[redacted]').replace(PERSONAL_QUERY, '$1[redacted]');
}

/**
 * pino through Fastify, with a request id on every line. Bodies are never logged; cookies,
 * authorization headers and the secret parts of URLs are cut out.
 */
export function loggerOptions(config: Config, stream?: LogStream): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({ method: req.method, url: redactUrl(req.url), id: req.id }),
    },
  };
}
