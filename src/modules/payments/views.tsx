import type { PaymentAttempt, PaymentInstructions } from '../../platform/db/schema';
import { formatDateTime, formatYen } from '../../platform/japanese';
import type { PageContext } from '../../platform/views/context';
import { Csrf } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { InvoiceSummary } from '../billing/views';
import type { InvoiceView } from '../billing/service';
import { INSTRUCTION_LABELS, instructionKeys } from './instructions';
import type { PaymentState } from './service';


export function Instructions({ ctx, instructions, expiresAt }: { ctx: PageContext; instructions: PaymentInstructions; expiresAt: Date | null }) {
  const t = ctx.t;
  return (
    <dl class="summary payment-numbers">
      {instructions.chain && <div class="summary__row"><dt>{t('payments.chain')}</dt><dd>{t(`payments.chain.${instructions.chain}`)}</dd></div>}
      {instructionKeys(instructions).map((k) => (
        <div class="summary__row" key={k}><dt>{t(INSTRUCTION_LABELS[k])}</dt><dd class="big-number">{instructions[k]}</dd></div>
      ))}
      {expiresAt && <div class="summary__row"><dt>{t('payments.deadline')}</dt><dd>{formatDateTime(expiresAt, ctx.locale)}</dd></div>}
    </dl>
  );
}

/** Stripe's konbini voucher: a payment number (and confirmation number) for each chain; the voucher page. */
function StoreNumbers({ ctx, instructions }: { ctx: PageContext; instructions: PaymentInstructions }) {
  const t = ctx.t;
  const stores = instructions.stores ?? [];
  return (
    <>
      {stores.length > 0 && (
        <div class="table-wrap" role="region" aria-label={t('payments.storesCaption')} tabIndex={0}>
          <table class="table">
            <caption>{t('payments.storesCaption')}</caption>
            <thead><tr><th scope="col">{t('payments.chain')}</th><th scope="col">{t('payments.paymentCode')}</th><th scope="col">{t('payments.confirmationNumber')}</th></tr></thead>
            <tbody>
              {stores.map((s) => (
                <tr key={s.chain}><th scope="row">{t(`payments.chain.${s.chain}`)}</th><td class="big-number">{s.paymentCode}</td><td class="big-number">{s.confirmationNumber ?? '—'}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {instructions.instructionsUrl && <p><a href={instructions.instructionsUrl} rel="noopener noreferrer">{t('payments.instructionsLink')}</a></p>}
    </>
  );
}

/** 「お支払い手続きの処理中」: what is happening with the live attempt and until when. */
export function LiveAttempt({ ctx, attempt, controlNo }: { ctx: PageContext; attempt: PaymentAttempt; controlNo: string }) {
  const t = ctx.t;
  const until = formatDateTime(attempt.hold_until, ctx.locale);
  if (attempt.status === 'paid_provisional') {
    return (
      <div class="notice notice--warning payment-live" role="status">
        <h2>{t('payments.provisional')}</h2>
        <p>{t('payments.provisionalLead')}</p>
      </div>
    );
  }
  return (
    <div class="notice notice--warning payment-live" role="status">
      <h2>{t('payments.processing')}</h2>
      {attempt.status === 'awaiting_payment' && attempt.instructions ? (
        <>
          {attempt.provisional_cancelled_at && <p><strong>{t('payments.provisionalCancelled', { deadline: attempt.expires_at ? formatDateTime(attempt.expires_at, ctx.locale) : until })}</strong></p>}
          <p>{t('payments.awaiting', { method: t(`billing.method.${attempt.method}`), deadline: attempt.expires_at ? formatDateTime(attempt.expires_at, ctx.locale) : until })}</p>
          <Instructions ctx={ctx} instructions={attempt.instructions} expiresAt={attempt.expires_at} />
          <StoreNumbers ctx={ctx} instructions={attempt.instructions} />
          <p>{t('payments.twiceWarning')}</p>
        </>
      ) : (
        <>
          <p>{t('payments.processingCard', { until })}</p>
          <p><a class="button" href={`/billing/${controlNo}/pay`}>{t('payments.resume')}</a></p>
        </>
      )}
      <p class="muted">{t('payments.holdUntil', { until })}</p>
    </div>
  );
}

/** What the payments module adds to 請求収納の照会: the live attempt above, the button in the methods card. */
export function paymentSections(ctx: PageContext, view: InvoiceView, state: PaymentState) {
  const t = ctx.t;
  const no = view.invoice.control_no;
  const last = state.last;
  const processing = state.live ? <LiveAttempt ctx={ctx} attempt={state.live} controlNo={no} /> : undefined;
  const online = state.canStart ? (
    <>
      {last?.status === 'failed' && <div class="notice notice--error" role="status"><p>{t('payments.failed')}</p></div>}
      {(last?.status === 'expired' || last?.status === 'cancelled') && <div class="notice"><p>{t('payments.expired')}</p></div>}
      <p><a class="button" href={`/billing/${no}/pay`}>{t('payments.payButton')}</a></p>
    </>
  ) : undefined;
  return { processing, online };
}

export function PayConfirmPage({ ctx, view, methods, message }: { ctx: PageContext; view: InvoiceView; methods: string[]; message?: string }) {
  const t = ctx.t;
  const no = view.invoice.control_no;
  return (
    <Layout ctx={ctx} title={t('payments.confirmTitle')}>
      <p><a href={`/billing/${no}`}>{t('common.back')}</a></p>
      <h1>{t('payments.confirmTitle')}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      <p>{t('payments.confirmLead')}</p>
      <InvoiceSummary ctx={ctx} view={view} />
      <p><a href="/legal/tokushoho">{t('tokushoho.title')}</a></p>
      <div class="notice notice--warning"><p>{t('payments.twiceWarning')}</p></div>
      <form method="post" action={`/billing/${no}/pay`}>
        <Csrf ctx={ctx} />
        <fieldset class="field">
          <legend class="field__label">{t('payments.method')}</legend>
          {methods.map((m, i) => (
            <label key={m} class="choice"><input type="radio" name="method" value={m} checked={i === 0} /> {t(`billing.method.${m as 'card'}`)}</label>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit" class="button">{t('payments.submit')}</button>
          <a class="button button--quiet" href={`/billing/${no}`}>{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}

/** The way to a gateway's page on its own origin: a link, since a form may not redirect off-site (decisions/0012). */
export function GatewayPage({ ctx, view, gateway, url }: { ctx: PageContext; view: InvoiceView; gateway: 'stripe' | 'komoju'; url: string }) {
  const t = ctx.t;
  const no = view.invoice.control_no;
  return (
    <Layout ctx={ctx} title={t('payments.gatewayTitle')}>
      <p><a href={`/billing/${no}`}>{t('common.back')}</a></p>
      <h1>{t('payments.gatewayTitle')}</h1>
      <InvoiceSummary ctx={ctx} view={view} />
      <p>{t('payments.gatewayLead', { gateway: t(`payments.gateway.${gateway}`) })}</p>
      <p><a class="button" href={url} rel="noreferrer">{t('payments.gatewayButton')}</a></p>
      <p class="muted">{t('payments.gatewayAfter')}</p>
    </Layout>
  );
}

/** The return from the gateway: never a settlement, only what we know now. */
export function ReturnPage({ ctx, view, state }: { ctx: PageContext; view: InvoiceView; state: PaymentState }) {
  const t = ctx.t;
  const no = view.invoice.control_no;
  return (
    <Layout ctx={ctx} title={t('payments.returnTitle')}>
      <h1>{t('payments.returnTitle')}</h1>
      {view.invoice.status === 'paid' && <div class="notice notice--success" role="status"><p>{t('payments.paid')}</p></div>}
      {state.live && <LiveAttempt ctx={ctx} attempt={state.live} controlNo={no} />}
      {!state.live && view.invoice.status !== 'paid' && state.last?.status === 'failed' && <div class="notice notice--error" role="status"><p>{t('payments.failed')}</p></div>}
      {!state.live && view.invoice.status !== 'paid' && (state.last?.status === 'expired' || state.last?.status === 'cancelled') && <div class="notice"><p>{t('payments.expired')}</p></div>}
      <dl class="summary">
        <div class="summary__row"><dt>{t('billing.col.controlNo')}</dt><dd>{no}</dd></div>
        <div class="summary__row"><dt>{t('billing.col.amount')}</dt><dd>{formatYen(view.invoice.amount)}</dd></div>
        <div class="summary__row"><dt>{t('billing.col.status')}</dt><dd>{t(`billing.status.${view.invoice.status}`)}</dd></div>
      </dl>
      <p><a class="button button--secondary" href={`/billing/${no}`}>{t('payments.backToInvoice')}</a></p>
    </Layout>
  );
}

export function TokushohoPage({ ctx, seller, address }: { ctx: PageContext; seller: string; address?: string }) {
  const t = ctx.t;
  const rows = [
    ['tokushoho.seller', seller], ['tokushoho.address', address ?? ''], ['tokushoho.price', t('tokushoho.priceValue')], ['tokushoho.payment', t('tokushoho.paymentValue')],
    ['tokushoho.timing', t('tokushoho.timingValue')], ['tokushoho.delivery', t('tokushoho.deliveryValue')], ['tokushoho.refund', t('tokushoho.refundValue')], ['tokushoho.contact', t('tokushoho.contactValue')],
  ] as const;
  return (
    <Layout ctx={ctx} title={t('tokushoho.title')}>
      <h1>{t('tokushoho.title')}</h1>
      <dl class="summary">
        {rows.filter(([, v]) => v).map(([k, v]) => <div class="summary__row" key={k}><dt>{t(k)}</dt><dd class="break">{v}</dd></div>)}
      </dl>
    </Layout>
  );
}
