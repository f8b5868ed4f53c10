import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config';

/** Path segments after these prefixes are secrets (reset, confirmation and invitation links). */
const SECRET_PATH = /\/(password\/reset|profile\/email\/confirm|staff\/invite)\/[^/?#]+/g;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, '/$1/[redacted]');
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
    },
  };
}
