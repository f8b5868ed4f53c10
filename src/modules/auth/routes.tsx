import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseForm } from '../../platform/forms';
import { type Realm, sessionCookieName, sessionPolicies } from '../../platform/security/sessions';
import { safeLocalPath, type Web } from '../../platform/web';
import { forgotSchema, loginSchema, newPasswordSchema } from './schemas';
import type { AuthService } from './service';
import { ForgotPage, LoginPage, NewPasswordPage } from './views';

export function setSessionCookie(reply: FastifyReply, realm: Realm, token: string, secure: boolean): void {
  const policy = sessionPolicies[realm];
  reply.setCookie(sessionCookieName(realm, secure), token, { path: policy.path, httpOnly: true, sameSite: 'lax', secure });
}

/** Cleared with the same attributes it was set with: a browser ignores a `__Host-` cookie's removal without Secure. */
export function clearSessionCookie(reply: FastifyReply, realm: Realm, secure: boolean): void {
  const policy = sessionPolicies[realm];
  reply.clearCookie(sessionCookieName(realm, secure), { path: policy.path, httpOnly: true, sameSite: 'lax', secure });
}

/** Per-IP brake on the endpoints that take a secret or send mail (per-account brake: LoginThrottle). */
export const authRateLimit = (perMinute: number) => ({ config: { rateLimit: { max: perMinute, timeWindow: '1 minute' } } });

export function memberAuthRoutes(app: FastifyInstance, deps: { web: Web; auth: AuthService; secureCookies: boolean; rateLimit: number }) {
  const { web, auth, secureCookies } = deps;
  const limited = authRateLimit(deps.rateLimit);

  app.get<{ Querystring: { next?: string; expired?: string; loggedOut?: string } }>('/login', async (req, reply) => {
    if (req.member) return reply.redirect('/', 303);
    const ctx = web.context(req, reply);
    const message = req.query.expired ? ctx.t('login.sessionExpired') : req.query.next ? ctx.t('login.pleaseLogin') : undefined;
    const next = req.query.next ? safeLocalPath(req.query.next) : undefined;
    return web.render(reply, <LoginPage ctx={ctx} message={message} next={next} />);
  });

  app.post<{ Body: Record<string, string> }>('/login', limited, async (req, reply) => {
    const form = parseForm(loginSchema, req.body);
    const next = req.body?.next ? safeLocalPath(req.body.next) : undefined;
    if (!form.ok) {
      return web.render(reply, <LoginPage ctx={web.context(req, reply)} errors={form.errors} values={form.values} next={next} />, 400);
    }
    const values = { ...form.values, memberNumber: form.data.memberNumber };
    const result = await auth.login(web.actor(req), form.data.memberNumber, form.data.password, req.memberSession);
    if (!result.ok) {
      const ctx = web.context(req, reply);
      const message = result.reason === 'throttled'
        ? ctx.t('login.throttled', { minutes: Math.max(1, Math.ceil(result.waitMs / 60_000)) })
        : ctx.t('login.failed');
      return web.render(reply, <LoginPage ctx={ctx} values={values} message={message} next={next} />, result.reason === 'throttled' ? 429 : 400);
    }
    setSessionCookie(reply, 'member', result.session.token, secureCookies);
    return reply.redirect(next ?? '/', 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.memberSession) await auth.logout(web.actor(req), req.memberSession);
    clearSessionCookie(reply, 'member', secureCookies);
    return web.redirect(reply, '/login', 'login.loggedOut');
  });

  app.get('/password/forgot', async (req, reply) => web.render(reply, <ForgotPage ctx={web.context(req, reply)} />));

  app.post('/password/forgot', limited, async (req, reply) => {
    const form = parseForm(forgotSchema, req.body);
    if (!form.ok) return web.render(reply, <ForgotPage ctx={web.context(req, reply)} errors={form.errors} values={form.values} />, 400);
    await auth.requestReset(web.actor(req), form.data.memberNumber, req.locale);
    return web.render(reply, <ForgotPage ctx={web.context(req, reply)} sent />);
  });

  app.get<{ Params: { token: string } }>('/password/reset/:token', async (req, reply) => {
    const usable = await auth.isResetTokenUsable(req.params.token);
    return web.render(reply, <NewPasswordPage ctx={web.context(req, reply)} token={req.params.token} invalid={!usable} />, usable ? 200 : 400);
  });

  app.post<{ Params: { token: string } }>('/password/reset/:token', limited, async (req, reply) => {
    const form = parseForm(newPasswordSchema, req.body);
    const ctx = () => web.context(req, reply);
    if (!form.ok) return web.render(reply, <NewPasswordPage ctx={ctx()} token={req.params.token} errors={form.errors} />, 400);
    const problem = await auth.resetPassword(web.actor(req), req.params.token, form.data.password, req.locale);
    if (problem === 'invalid') return web.render(reply, <NewPasswordPage ctx={ctx()} token={req.params.token} invalid />, 400);
    if (problem) return web.render(reply, <NewPasswordPage ctx={ctx()} token={req.params.token} errors={{ password: problem }} />, 400);
    if (req.memberSession) clearSessionCookie(reply, 'member', secureCookies);
    return web.redirect(reply, '/login', 'reset.done');
  });
}
