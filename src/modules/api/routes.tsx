import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { AppError, idParam } from '../../platform/errors';
import { parseForm } from '../../platform/forms';
import { hashToken } from '../../platform/security/tokens';
import type { Web } from '../../platform/web';
import { allow } from '../../platform/policy';
import { openApiDocument } from './openapi';
import { type CreditPosted, creditPostSchema, type FieldError, fieldErrors, IDEMPOTENCY_KEY, type Problem, PROBLEMS, type ProblemSlug, tokenNameSchema } from './schemas';
import { type ApiService, type ApiToken, ApiRefusal } from './service';
import { ApiTokensPage } from './views';

/** Requests per minute and token on the public API (the default; tests may lower it). */
export const API_RATE_LIMIT = 120;
const API_BODY_LIMIT = 16_384;

/** The secret of an `Authorization: Bearer <token>` header, if that is what the header holds. */
function bearerOf(req: FastifyRequest): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function isDatabaseDown(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '53300', '08006', '08001', '08003'].includes(code)
    || /Connection terminated|timeout exceeded when trying to connect/i.test((err as Error).message ?? '');
}

/** jsonb keeps no key order: a replayed body is laid out as the original was. */
const asPosted = (b: CreditPosted): CreditPosted => ({
  controlNo: b.controlNo, memberNumber: b.memberNumber, creditCode: b.creditCode, credits: b.credits, activityDate: b.activityDate, status: b.status,
});

/**
 * /staff/api-tokens (administrators issue and revoke provider tokens) and the public API under /api:
 * its own plugin scope, so it answers problem details (RFC 9457) and never an HTML page.
 */
export function apiRoutes(app: FastifyInstance, deps: { web: Web; api: ApiService; requireAdmin: preHandlerHookHandler; baseUrl: string; rateLimit?: number }) {
  const { web, api, requireAdmin, baseUrl } = deps;
  const perMinute = deps.rateLimit ?? API_RATE_LIMIT;
  const ctxOf = (req: FastifyRequest, reply: FastifyReply) => web.context(req, reply, 'staff');
  const guarded = { preHandler: [requireAdmin, allow('api.tokens')] };

  // ── API連携トークン (admin only) ───────────────────────────────────────────────────────────────
  app.get('/staff/api-tokens', guarded, async (req, reply) =>
    web.render(reply, <ApiTokensPage ctx={ctxOf(req, reply)} tokens={await api.listTokens()} />));

  // The new token is rendered in the answer to the POST (never stored, never in a URL or cookie): shown once.
  app.post('/staff/api-tokens', guarded, async (req, reply) => {
    const form = parseForm(tokenNameSchema, req.body);
    if (!form.ok) return web.render(reply, <ApiTokensPage ctx={ctxOf(req, reply)} tokens={await api.listTokens()} errors={form.errors} values={form.values} />, 400);
    const { token, row } = await api.createToken(web.actor(req), form.data.name);
    return web.render(reply, <ApiTokensPage ctx={ctxOf(req, reply)} tokens={await api.listTokens()} created={{ name: row.name, token }} />);
  });

  app.post<{ Params: { id: string } }>('/staff/api-tokens/:id/revoke', guarded, async (req, reply) => {
    await api.revokeToken(web.actor(req), idParam(req.params.id, 'api_token'));
    return web.redirect(reply, '/staff/api-tokens', 'api.revoked');
  });

  // ── Public API ─────────────────────────────────────────────────────────────────────────────────
  app.register(async (scope) => {
    const tokens = new WeakMap<FastifyRequest, ApiToken>();
    const typeOf = (slug: ProblemSlug) => `${baseUrl}/api/problems/${slug}`;

    const sendProblem = (req: FastifyRequest, reply: FastifyReply, p: Omit<Problem, 'instance'>) => {
      const body: Problem = { type: p.type, title: p.title, status: p.status, detail: p.detail, instance: `urn:uuid:${req.id}`, ...(p.errors ? { errors: p.errors } : {}) };
      return reply.status(p.status).header('content-type', 'application/problem+json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));
    };
    const problem = (req: FastifyRequest, reply: FastifyReply, slug: ProblemSlug, detail: string, errors?: FieldError[]) =>
      sendProblem(req, reply, { type: typeOf(slug), title: PROBLEMS[slug].title, status: PROBLEMS[slug].status, detail, errors });

    // JSON only: any other body is a 415 before anything reads it.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));

    scope.setNotFoundHandler((req, reply) => problem(req, reply, 'not-found', `There is no API resource at ${req.method} ${req.url.split('?')[0]}.`));

    scope.setErrorHandler((err: FastifyError | AppError | ApiRefusal, req, reply) => {
      if (err instanceof ApiRefusal) {
        req.log.info({ problem: err.slug }, 'api request refused');
        if (err.slug === 'unauthorized') {
          reply.header('www-authenticate', bearerOf(req) ? 'Bearer realm="koushin", error="invalid_token"' : 'Bearer realm="koushin"');
        }
        return problem(req, reply, err.slug, err.detail, err.errors);
      }
      const code = (err as FastifyError).code;
      const status = err instanceof AppError ? err.status : ((err as FastifyError).statusCode ?? 500);
      if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return problem(req, reply, 'unsupported-media-type', 'The body must be JSON, sent with Content-Type: application/json.');
      if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return problem(req, reply, 'payload-too-large', `The body must be at most ${API_BODY_LIMIT} bytes.`);
      if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
        return problem(req, reply, 'invalid-request', 'The body is not valid JSON.', [{ pointer: '#', detail: 'the body must be a JSON object' }]);
      }
      if (status === 429) return problem(req, reply, 'rate-limited', err.message);
      if (isDatabaseDown(err)) {
        req.log.warn({ err }, 'api request failed: database unavailable');
        return problem(req, reply, 'unavailable', 'The service is temporarily unavailable.');
      }
      if (status === 404) return problem(req, reply, 'not-found', 'Not found.');
      if (status >= 400 && status < 500) {
        req.log.info({ code, status }, 'api request refused');
        return sendProblem(req, reply, { type: 'about:blank', title: STATUS_CODES[status] ?? 'Bad Request', status, detail: err.message });
      }
      req.log.error({ err }, 'api request failed');
      return problem(req, reply, 'server-error', `The request failed on the server (request id ${req.id}).`);
    });

    const document = openApiDocument(baseUrl, perMinute);
    scope.get('/openapi.json', async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send(document));

    scope.get<{ Params: { slug: string } }>('/problems/:slug', async (req, reply) => {
      const slug = req.params.slug;
      if (!Object.hasOwn(PROBLEMS, slug)) return problem(req, reply, 'not-found', `There is no problem type ${slug}.`);
      const p = PROBLEMS[slug as ProblemSlug];
      return reply.header('cache-control', 'public, max-age=3600').send({ type: typeOf(slug as ProblemSlug), title: p.title, status: p.status, description: p.description });
    });

    scope.post('/v1/credits', {
      bodyLimit: API_BODY_LIMIT,
      config: {
        // Per token (its hash, never the secret); requests without one count against their address.
        rateLimit: { max: perMinute, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => {
          const secret = bearerOf(req);
          return secret ? `api-token:${hashToken(secret)}` : `api-ip:${req.ip}`;
        } },
      },
      // The token is checked before the body is read: an unauthenticated caller gets a 401, whatever it sent.
      preParsing: async (req) => {
        const secret = bearerOf(req);
        if (!secret) {
          throw new ApiRefusal('unauthorized', req.headers.authorization ? 'The Authorization header must be "Bearer <token>".' : 'Send an API token as "Authorization: Bearer <token>".');
        }
        const token = await api.authenticate(secret);
        if (!token) throw new ApiRefusal('unauthorized', 'The API token is unknown or revoked.');
        tokens.set(req, token);
      },
    }, async (req, reply) => {
      const token = tokens.get(req)!;
      const key = req.headers['idempotency-key'];
      if (key === undefined || key === '') throw new ApiRefusal('idempotency-key-missing', 'Send an Idempotency-Key header, unique per operation.');
      if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
        throw new ApiRefusal('invalid-request', 'The Idempotency-Key header is not valid.', [{ pointer: 'header:Idempotency-Key', detail: 'must be 1–200 printable ASCII characters, sent once' }]);
      }
      const parsed = creditPostSchema.safeParse(req.body);
      if (!parsed.success) throw new ApiRefusal('invalid-request', 'The request body is not valid; see errors.', fieldErrors(parsed.error));
      const result = await api.postCredit({ token, ip: req.ip, requestId: String(req.id) }, key, parsed.data);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      const body = result.status === 201 ? asPosted(result.body as CreditPosted) : result.body;
      return reply.status(result.status).header('cache-control', 'no-store').send(body);
    });
  }, { prefix: '/api' });
}
