import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { OnlineMethod } from '../../platform/db/schema';
import { AppError, notFound, RuleViolation } from '../../platform/errors';
import type { Web } from '../../platform/web';
import type { BillingService } from '../billing/service';
import type { PaymentsService } from './service';
import { GatewayPage, PayConfirmPage, ReturnPage, TokushohoPage } from './views';

const CONTROL_NO = /^SK-\d{1,10}$/;

/** Online payment: confirmation, start/resume, the return from the gateway, notifications, 特定商取引法に基づく表記. */
export function paymentRoutes(app: FastifyInstance, deps: { web: Web; billing: BillingService; payments: PaymentsService; requireMember: preHandlerHookHandler; seller: string; address?: string }) {
  const { web, billing, payments, requireMember } = deps;

  app.get('/legal/tokushoho', async (req, reply) => web.render(reply, <TokushohoPage ctx={web.context(req, reply)} seller={deps.seller} address={deps.address} />));

  const load = async (req: FastifyRequest<{ Params: { no: string } }>) => {
    if (!CONTROL_NO.test(req.params.no)) throw notFound('invoice');
    const { events: _events, ...view } = await billing.getForMember(req.member!.id, req.params.no);
    return view;
  };

  const confirm = async (req: FastifyRequest<{ Params: { no: string } }>, reply: FastifyReply, message?: string, status = 200) => {
    const view = await load(req);
    const state = await payments.stateFor(view);
    // A live attempt is resumed, never doubled.
    if (state.live) return reply.redirect(payments.nextUrl(await payments.resume(state.live, view), view.invoice.control_no), 303);
    if (!state.canStart) throw new RuleViolation('payments.notAvailable', {}, 'conflict');
    return web.render(reply, <PayConfirmPage ctx={web.context(req, reply)} view={view} methods={state.methods} message={message} />, status);
  };

  app.get<{ Params: { no: string } }>('/billing/:no/pay', { preHandler: requireMember }, (req, reply) => confirm(req, reply));

  app.post<{ Params: { no: string }; Body: { method?: string } }>('/billing/:no/pay', { preHandler: requireMember }, async (req, reply) => {
    const view = await load(req);
    const method = req.body?.method;
    if (method !== 'card' && method !== 'konbini' && method !== 'payeasy') return confirm(req, reply, req.t('payments.methodRequired'), 400);
    const attempt = await payments.start(web.actor(req), req.member!.id, view.invoice.control_no, method as OnlineMethod);
    return reply.redirect(payments.nextUrl(attempt, view.invoice.control_no), 303);
  });

  // A gateway whose page is on its own origin (Stripe, KOMOJU): the POST above lands here and the member
  // follows a link, because Chromium applies CSP form-action to a form's redirects (decisions/0012).
  app.get<{ Params: { no: string } }>('/billing/:no/pay/gateway', { preHandler: requireMember }, async (req, reply) => {
    const view = await load(req);
    const state = await payments.stateFor(view);
    const live = state.live;
    const gateway = payments.gateway;
    if (!live || !live.gateway_ref || !gateway?.hostedPageUrl || (live.status !== 'at_gateway' && live.status !== 'created')) return reply.redirect(`/billing/${view.invoice.control_no}`, 303);
    // No page any more (paid or expired there, its notice not yet here): the return page says where things stand.
    const url = await gateway.hostedPageUrl(live.gateway_ref).catch(() => null);
    if (!url) return reply.redirect(`/billing/${view.invoice.control_no}/return`, 303);
    return web.render(reply, <GatewayPage ctx={web.context(req, reply)} view={view} gateway={gateway.name as 'stripe' | 'komoju'} url={url} />);
  });

  // The browser's return from the gateway: shows where things stand and asks the gateway; never marks paid.
  app.get<{ Params: { no: string } }>('/billing/:no/return', { preHandler: requireMember }, async (req, reply) => {
    const view = await load(req);
    const state = await payments.stateFor(view);
    const fresh = await load(req);
    return web.render(reply, <ReturnPage ctx={web.context(req, reply)} view={fresh} state={state} />);
  });

  // Gateway notifications: no session, no CSRF (app.tsx skips /payments/notify/); the signature is the check.
  // Encapsulated so that only this route reads JSON as the raw text the signature covers.
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 65_536 }, (_req, body, done) => done(null, body));
    scope.post<{ Params: { gateway: string } }>('/payments/notify/:gateway', async (req, reply) => {
      const raw = typeof req.body === 'string' ? req.body : '';
      try {
        const result = await payments.notify(req.params.gateway, req.headers, raw);
        return reply.status(200).send({ ok: true, result });
      } catch (err) {
        if (err instanceof AppError && (err.code === 'bad_request' || err.code === 'not_found')) {
          req.log.warn({ gateway: req.params.gateway, why: err.message }, 'payment notification refused');
          return reply.status(err.status).send({ ok: false });
        }
        throw err;
      }
    });
  });
}
