import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import { type DestinationStream, type LoggerOptions, pino } from 'pino';
import type { Config } from './config';

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
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({ method: req.method, url: redactUrl(req.url), id: req.id }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
}

/**
 * The process's one logger (boot.ts): Fastify's request lines and the jobs' lines (platform/jobs.ts) go
 * through it, with the same redaction, so a request id can be followed from the request to its mail.
 */
export function createLogger(config: Config, destination?: DestinationStream): FastifyBaseLogger {
  const options = loggerOptions(config);
  const pinoOptions = (options || { level: 'silent' }) as LoggerOptions;
  return destination ? pino(pinoOptions, destination) : pino(pinoOptions);
}
