import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDateTime, formatYen } from '../../platform/japanese';
import { notFound } from '../../platform/errors';
import type { PageContext } from '../../platform/views/context';
import { Csrf } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import type { Web } from '../../platform/web';
import type { MessageKey } from '../../platform/i18n';
import { CONSOLE_ACTIONS, type ConsoleAction, KONBINI_CHAINS, type KonbiniChain, type SandboxGateway, type SandboxPayment } from './sandbox-gateway';
import { Instructions } from './views';

function PayPage({ ctx, p, error }: { ctx: PageContext; p: SandboxPayment; error?: string }) {
  const t = ctx.t;
  const open = p.state === 'open';
  return (
    <Layout ctx={ctx} title={t('sandbox.title')}>
      <h1>{t('sandbox.title')}</h1>
      <div class="notice"><p>{t('sandbox.lead')}</p></div>
      {error && <div class="notice notice--error" role="alert"><p>{error}</p></div>}
      <dl class="summary">
        <div class="summary__row"><dt>{t('sandbox.description')}</dt><dd>{p.description}</dd></div>
        <div class="summary__row"><dt>{t('billing.col.amount')}</dt><dd class="big-number">{formatYen(p.amount)}</dd></div>
        <div class="summary__row"><dt>{t('payments.method')}</dt><dd>{t(`billing.method.${p.method}`)}</dd></div>
      </dl>
      {!open ? <p>{t('sandbox.closed')}</p> : (
        <form method="post" action={`/sandbox-gateway/pay/${encodeURIComponent(p.ref)}`}>
          <Csrf ctx={ctx} />
          {p.method === 'card' && (
            <div class="field">
              <label class="field__label" for="cardNumber">{t('sandbox.cardNumber')}</label>
              <input id="cardNumber" name="cardNumber" class="input" inputMode="numeric" autoComplete="off" />
              <p class="muted">{t('sandbox.testCards')}</p>
            </div>
          )}
          {p.method === 'konbini' && (
            <fieldset class="field">
              <legend class="field__label">{t('payments.chain')}</legend>
              {KONBINI_CHAINS.map((c, i) => <label key={c} class="choice"><input type="radio" name="chain" value={c} checked={i === 0} /> {t(`payments.chain.${c}`)}</label>)}
              <p class="muted">{t('sandbox.chainHelp')}</p>
            </fieldset>
          )}
          {p.method === 'payeasy' && <p class="muted">{t('sandbox.payeasyHelp')}</p>}
          <p>{t('sandbox.notes')}</p>
          <button type="submit" class="button">{t('sandbox.submit')}</button>
        </form>
      )}
    </Layout>
  );
}

const ACTION_LABELS: Record<ConsoleAction, MessageKey> = {
  paid: 'sandbox.markPaid', provisional: 'sandbox.action.provisional', confirm: 'sandbox.action.confirm', reversed: 'sandbox.action.reversed',
  twice: 'sandbox.action.twice', cancel_provisional: 'sandbox.action.cancelProvisional', expire: 'sandbox.action.expire',
};
/** What each action applies to (the others are not offered for that payment). */
const ACTION_FROM: Record<ConsoleAction, SandboxPayment['state'][]> = {
  paid: ['awaiting_payment', 'paid_provisional'], provisional: ['awaiting_payment'], confirm: ['awaiting_payment', 'paid_provisional'],
  reversed: ['awaiting_payment', 'paid_provisional'], twice: ['awaiting_payment', 'paid_provisional'], cancel_provisional: ['paid_provisional'], expire: ['awaiting_payment'],
};

function ConsolePage({ ctx, payments, held, holding }: { ctx: PageContext; payments: SandboxPayment[]; held: number; holding: boolean }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('sandbox.consoleTitle')}>
      <h1>{t('sandbox.consoleTitle')}</h1>
      <p>{t('sandbox.consoleLead')}</p>
      <section class="card" aria-labelledby="delivery">
        <h2 id="delivery">{t('sandbox.delivery')}</h2>
        <p role="status">{holding ? t('sandbox.holding', { count: held }) : t('sandbox.delivering')}</p>
        <form method="post" action="/sandbox-gateway/console/hold">
          <Csrf ctx={ctx} />
          <input type="hidden" name="hold" value={holding ? 'off' : 'on'} />
          <button type="submit" class="button button--secondary">{holding ? t('sandbox.holdOff') : t('sandbox.holdOn')}</button>
        </form>
        {held > 0 && (
          <form method="post" action="/sandbox-gateway/console/deliver">
            <Csrf ctx={ctx} />
            <button type="submit" class="button">{t('sandbox.deliverHeld', { count: held })}</button>
          </form>
        )}
      </section>
      {payments.length === 0 ? <p>{t('sandbox.consoleNone')}</p> : payments.map((p) => (
        <article class="card" key={p.ref} aria-labelledby={`p-${p.ref}`}>
          <h2 id={`p-${p.ref}`}>{`${p.description} — ${formatYen(p.amount)}`}</h2>
          <p>{`${t('sandbox.ref')}: ${p.ref} / ${t('sandbox.state')}: ${t(`sandbox.stateName.${p.state}`)} / ${formatDateTime(p.createdAt, ctx.locale)}`}</p>
          {p.instructions && <Instructions ctx={ctx} instructions={p.instructions} expiresAt={p.expiresAt} />}
          <form method="post" action={`/sandbox-gateway/console/${encodeURIComponent(p.ref)}/paid`}>
            <Csrf ctx={ctx} />
            <button type="submit" class="button">{t('sandbox.markPaid')}</button>
          </form>
          <form method="post" action={`/sandbox-gateway/console/${encodeURIComponent(p.ref)}/act`}>
            <Csrf ctx={ctx} />
            <fieldset class="field">
              <legend class="field__label">{t('sandbox.otherNotices')}</legend>
              {CONSOLE_ACTIONS.filter((a) => a !== 'paid' && ACTION_FROM[a].includes(p.state)).map((a, i) => (
                <label key={a} class="choice"><input type="radio" name="action" value={a} checked={i === 0} /> {t(ACTION_LABELS[a])}</label>
              ))}
            </fieldset>
            <button type="submit" class="button button--secondary">{t('sandbox.send')}</button>
          </form>
        </article>
      ))}
    </Layout>
  );
}

/** The sandbox gateway's own pages. Registered only outside production. */
export function sandboxGatewayRoutes(app: FastifyInstance, deps: { web: Web; sandbox: SandboxGateway }) {
  const { web, sandbox } = deps;
  // Notifications go to our own endpoint in-process, as a gateway's HTTP POST would.
  sandbox.setDeliver(async (n) => (await app.inject({ method: 'POST', url: '/payments/notify/sandbox', headers: n.headers, payload: n.body })).statusCode);

  const payment = async (req: FastifyRequest<{ Params: { ref: string } }>) => {
    const p = await sandbox.get(req.params.ref);
    if (!p) throw notFound('sandbox payment');
    return p;
  };
  const page = async (req: FastifyRequest<{ Params: { ref: string } }>, reply: FastifyReply, error?: string) =>
    web.render(reply, <PayPage ctx={web.context(req, reply)} p={await payment(req)} error={error} />, error ? 400 : 200);

  app.get<{ Params: { ref: string } }>('/sandbox-gateway/pay/:ref', (req, reply) => page(req, reply));

  app.post<{ Params: { ref: string }; Body: { cardNumber?: string; chain?: string } }>('/sandbox-gateway/pay/:ref', async (req, reply) => {
    const p = await payment(req);
    if (p.method === 'card') {
      const result = await sandbox.payByCard(p.ref, String(req.body?.cardNumber ?? ''));
      if (result === 'unknown_card') return page(req, reply, req.t('sandbox.unknownCard'));
    } else {
      const chain = KONBINI_CHAINS.includes(req.body?.chain as KonbiniChain) ? (req.body!.chain as KonbiniChain) : undefined;
      await sandbox.issueNumbers(p.ref, chain);
    }
    return reply.redirect(p.returnUrl, 303);
  });

  app.get('/sandbox-gateway/console', async (req, reply) =>
    web.render(reply, <ConsolePage ctx={web.context(req, reply)} payments={await sandbox.open()} held={sandbox.outbox.length} holding={!sandbox.autoDeliver} />));

  app.post<{ Params: { ref: string } }>('/sandbox-gateway/console/:ref/paid', async (req, reply) => {
    const done = await sandbox.markPaid(req.params.ref);
    return web.redirect(reply, '/sandbox-gateway/console', done ? 'sandbox.marked' : 'sandbox.notApplied');
  });

  app.post<{ Params: { ref: string }; Body: { action?: string } }>('/sandbox-gateway/console/:ref/act', async (req, reply) => {
    const action = CONSOLE_ACTIONS.find((a) => a === req.body?.action);
    const done = action ? await sandbox.act(req.params.ref, action) : false;
    return web.redirect(reply, '/sandbox-gateway/console', done ? 'sandbox.sent' : 'sandbox.notApplied');
  });

  // "Hold next notices" (late delivery): notices wait in the outbox until 「保留中の通知を今すぐ送る」.
  app.post<{ Body: { hold?: string } }>('/sandbox-gateway/console/hold', async (req, reply) => {
    sandbox.autoDeliver = req.body?.hold !== 'on';
    return web.redirect(reply, '/sandbox-gateway/console', sandbox.autoDeliver ? 'sandbox.holdStopped' : 'sandbox.holdStarted');
  });

  app.post('/sandbox-gateway/console/deliver', async (_req, reply) => {
    await sandbox.deliverHeld();
    return web.redirect(reply, '/sandbox-gateway/console', 'sandbox.delivered');
  });
}
