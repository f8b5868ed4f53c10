import type { VNode } from 'preact';
import type { InvoiceEvent } from '../../platform/db/schema';
import { dateOnly, formatDateEn, formatDateJa, formatDateTime, formatYen, tokyoDate, warekiFiscalYear } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, Select } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import type { InvoiceView } from './service';

export const dueText = (ctx: PageContext, value: string) => (ctx.locale === 'ja' ? formatDateJa(dateOnly(value)) : formatDateEn(dateOnly(value)));
export const feeName = (ctx: PageContext, v: InvoiceView) => (ctx.locale === 'en' ? v.feeType.name_en : v.feeType.name_ja);

export function InvoiceStatus({ ctx, view }: { ctx: PageContext; view: InvoiceView }) {
  const t = ctx.t;
  return (
    <>
      <span class={`badge badge--invoice-${view.invoice.status}`}>{t(`billing.status.${view.invoice.status}`)}</span>
      {view.overdue && <> <span class="badge badge--overdue">{t('billing.overdue')}</span></>}
      {view.invoice.auto_debit && view.invoice.status === 'unpaid' && <> <span class="badge">{t('billing.autoDebit')}</span></>}
    </>
  );
}

export function InvoiceTable({ ctx, views, hrefOf }: { ctx: PageContext; views: InvoiceView[]; hrefOf: (v: InvoiceView) => string }) {
  const t = ctx.t;
  return (
    <div class="table-wrap" role="region" aria-label={t('billing.title')} tabIndex={0}>
      <table class="table">
        <thead><tr>
          <th scope="col">{t('billing.col.controlNo')}</th><th scope="col">{t('billing.col.fee')}</th><th scope="col">{t('billing.col.amount')}</th>
          <th scope="col">{t('billing.col.due')}</th><th scope="col">{t('billing.col.status')}</th>
        </tr></thead>
        <tbody>
          {views.map((v) => (
            <tr key={v.invoice.id}>
              <td><a href={hrefOf(v)}>{v.invoice.control_no}</a></td>
              <td>{feeName(ctx, v)}{v.invoice.fiscal_year ? ` ${ctx.locale === 'ja' ? `${v.invoice.fiscal_year}年度` : `FY${v.invoice.fiscal_year}`}` : ''}</td>
              <td class="num">{formatYen(v.invoice.amount)}</td>
              <td>{dueText(ctx, v.invoice.due_on)}</td>
              <td><InvoiceStatus ctx={ctx} view={v} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function BillingPage({ ctx, views }: { ctx: PageContext; views: InvoiceView[] }) {
  const t = ctx.t;
  const unpaid = views.filter((v) => v.invoice.status === 'unpaid' || v.invoice.status === 'processing');
  const total = unpaid.filter((v) => !v.invoice.auto_debit).reduce((sum, v) => sum + v.invoice.amount, 0);
  return (
    <Layout ctx={ctx} title={t('billing.title')}>
      <h1>{t('billing.title')}</h1>
      <p>{t('billing.lead')}</p>
      {unpaid.length > 0
        ? <div class="notice notice--warning"><p>{t('billing.unpaidCount', { count: unpaid.length, amount: formatYen(total) })}</p></div>
        : <div class="notice notice--success"><p>{t('billing.allPaid')}</p></div>}
      {views.length === 0 ? <p>{t('billing.none')}</p> : <InvoiceTable ctx={ctx} views={views} hrefOf={(v) => `/billing/${v.invoice.control_no}`} />}
    </Layout>
  );
}

function History({ ctx, events }: { ctx: PageContext; events: InvoiceEvent[] }) {
  return (
    <ul>
      {events.map((e) => (
        <li key={e.id}>{formatDateTime(e.occurred_at, ctx.locale)} {ctx.t(`billing.event.${e.action as 'create'}`)}{e.detail ? ` — ${e.detail}` : ''}</li>
      ))}
    </ul>
  );
}

export function InvoiceSummary({ ctx, view }: { ctx: PageContext; view: InvoiceView }) {
  const t = ctx.t;
  const i = view.invoice;
  return (
    <dl class="summary">
      <div class="summary__row"><dt>{t('billing.col.controlNo')}</dt><dd>{i.control_no}</dd></div>
      <div class="summary__row"><dt>{t('billing.col.fee')}</dt><dd>{feeName(ctx, view)}</dd></div>
      {i.fiscal_year && <div class="summary__row"><dt>{t('billing.fiscalYear')}</dt><dd>{t('billing.fiscalYearValue', { year: i.fiscal_year, wareki: warekiFiscalYear(i.fiscal_year) })}</dd></div>}
      <div class="summary__row"><dt>{t('billing.col.amount')}</dt><dd class="big-number">{formatYen(i.amount)}</dd></div>
      <div class="summary__row"><dt>{t('billing.col.issued')}</dt><dd>{dueText(ctx, i.issued_on)}</dd></div>
      <div class="summary__row"><dt>{t('billing.col.due')}</dt><dd>{dueText(ctx, i.due_on)}</dd></div>
      <div class="summary__row"><dt>{t('billing.col.status')}</dt><dd><InvoiceStatus ctx={ctx} view={view} /></dd></div>
      {i.paid_on && <div class="summary__row"><dt>{t('billing.paidOn')}</dt><dd>{dueText(ctx, i.paid_on)}</dd></div>}
      {i.paid_method && <div class="summary__row"><dt>{t('billing.paidMethod')}</dt><dd>{t(`billing.method.${i.paid_method as 'card'}`)}</dd></div>}
      {i.cancel_reason && <div class="summary__row"><dt>{t('billing.cancelReason')}</dt><dd class="break">{i.cancel_reason}</dd></div>}
    </dl>
  );
}

/** 「領収書」: a link styled as a button, for paid invoices only (the PDF route refuses the others). */
export function ReceiptLink({ ctx, view, href }: { ctx: PageContext; view: InvoiceView; href: string }) {
  if (view.invoice.status !== 'paid') return null;
  return (
    <section class="card" aria-labelledby="receipt-h">
      <h2 id="receipt-h">{ctx.t('billing.receipt')}</h2>
      <p>{ctx.t('billing.receiptLead')}</p>
      <p><a class="button button--secondary" href={href} download>{ctx.t('billing.receipt')}</a></p>
    </section>
  );
}

/** What the payments module adds (passed in by app.tsx): the live attempt, and the online-payment button. */
export interface PaymentSlots { processing?: VNode; online?: VNode }

export function InvoicePage({ ctx, view, events, payment }: { ctx: PageContext; view: InvoiceView; events: InvoiceEvent[]; payment?: PaymentSlots }) {
  const t = ctx.t;
  const payable = view.invoice.status === 'unpaid' && !view.invoice.auto_debit;
  return (
    <Layout ctx={ctx} title={`${t('billing.detailTitle')} ${view.invoice.control_no}`}>
      <p><a href="/billing">{t('billing.title')}</a></p>
      <h1>{`${t('billing.detailTitle')} ${view.invoice.control_no}`}</h1>
      {view.overdue && payable && <div class="notice notice--warning"><p>{t('billing.overdueNote')}</p></div>}
      {view.invoice.auto_debit && view.invoice.status === 'unpaid' && <div class="notice"><p>{t('billing.autoDebitNote')}</p></div>}
      {payment?.processing}
      <InvoiceSummary ctx={ctx} view={view} />
      <ReceiptLink ctx={ctx} view={view} href={`/billing/${view.invoice.control_no}/receipt.pdf`} />
      {payable && view.invoice.slip_requested_at && (
        <div class="notice notice--error slip-chosen" role="status">
          <p>{view.invoice.slip_sent_at
            ? t('billing.slipSent', { date: dueText(ctx, tokyoDate(view.invoice.slip_sent_at)) })
            : t('billing.slipChosen', { date: dueText(ctx, view.invoice.slip_dispatch_on!) })}</p>
        </div>
      )}
      {payable && !view.invoice.slip_requested_at && (
        <section class="card" aria-labelledby="pay-h">
          <h2 id="pay-h">{t('billing.methods')}</h2>
          <p>{t('billing.payLead', { methods: view.feeType.methods.map((m) => t(`billing.method.${m}`)).join(ctx.locale === 'ja' ? '・' : ', ') })}</p>
          {payment?.online ?? (view.feeType.methods.some((m) => m !== 'slip') && <p>{t('billing.paySoon')}</p>)}
          {view.feeType.methods.includes('slip') && (
            <p><a class="button button--secondary" href={`/billing/${view.invoice.control_no}/slip`}>{t('billing.slipButton')}</a></p>
          )}
        </section>
      )}
      <section class="card" aria-labelledby="hist-h">
        <h2 id="hist-h">{t('billing.history')}</h2>
        <History ctx={ctx} events={events} />
      </section>
    </Layout>
  );
}

/** 請求 on 会員情報照会 and the staff member page. */
export function InvoicesRelated({ ctx, views, staff = false }: { ctx: PageContext; views: InvoiceView[]; staff?: boolean }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="related-invoices-h">
      {staff ? <h2 id="related-invoices-h">{t('staff.invoices')}</h2> : <h3 id="related-invoices-h">{t('billing.related')}</h3>}
      {!staff && <p><a href="/billing">{t('billing.showAll')}</a></p>}
      {views.length === 0 ? <p>{t('billing.none')}</p> : (
        <InvoiceTable ctx={ctx} views={staff ? views : views.slice(0, 5)} hrefOf={(v) => (staff ? `/staff/invoices/${v.invoice.id}` : `/billing/${v.invoice.control_no}`)} />
      )}
    </section>
  );
}

const paidLabels = { method: 'staff.paidMethod', paidOn: 'staff.paidOn', reference: 'staff.paidReference', reason: 'staff.paidReason' } as const;

export function StaffInvoicePage({ ctx, view, events, memberLink, errors, values, payments }: {
  ctx: PageContext; view: InvoiceView; events: InvoiceEvent[]; memberLink: { href: string; label: string }; errors?: FormErrors; values?: FormValues;
  /** The payment attempts and their notifications (the payments module's part, passed in by app.tsx). */
  payments?: VNode;
}) {
  const t = ctx.t;
  const open = view.invoice.status === 'unpaid' || view.invoice.status === 'processing';
  return (
    <Layout ctx={ctx} title={`${t('staff.invoiceTitle')} ${view.invoice.control_no}`} errors={errors} fieldLabels={labelsFor(ctx, { ...paidLabels, cancelReason: 'staff.cancelReason' })}>
      <p><a href={memberLink.href}>{memberLink.label}</a></p>
      <h1>{`${t('staff.invoiceTitle')} ${view.invoice.control_no}`}</h1>
      <InvoiceSummary ctx={ctx} view={view} />
      <ReceiptLink ctx={ctx} view={view} href={`/staff/invoices/${view.invoice.id}/receipt.pdf`} />
      {payments}
      <section class="card" aria-labelledby="hist-h"><h2 id="hist-h">{t('billing.history')}</h2><History ctx={ctx} events={events} /></section>
      {open && (ctx.can('billing.markPaid') || ctx.can('billing.undoSlip') || ctx.can('billing.cancelInvoice')) && (
        <div class="decision">
          {ctx.can('billing.markPaid') && <form method="post" action={`/staff/invoices/${view.invoice.id}/paid`} novalidate class="card">
            <h2>{t('staff.markPaid')}</h2>
            <p>{t('staff.markPaidLead')}</p>
            <Csrf ctx={ctx} />
            <Select ctx={ctx} name="method" label="staff.paidMethod" required errors={errors} values={values ?? { method: 'transfer' }}
              options={(['transfer', 'slip', 'cash', 'card', 'konbini', 'payeasy'] as const).map((m) => ({ value: m, label: t(`billing.method.${m}`) }))} />
            <Field ctx={ctx} name="paidOn" label="staff.paidOn" type="date" required errors={errors} values={values} />
            <Field ctx={ctx} name="reference" label="staff.paidReference" errors={errors} values={values} maxLength={100} />
            <Field ctx={ctx} name="reason" label="staff.paidReason" required multiline errors={errors} values={values} maxLength={500} />
            <button type="submit" class="button">{t('staff.markPaid')}</button>
          </form>}
          {view.invoice.status === 'unpaid' && view.invoice.slip_requested_at && ctx.can('billing.undoSlip') && (
            <form method="post" action={`/staff/invoices/${view.invoice.id}/slip-undo`} novalidate class="card">
              <h2>{t('staff.slipUndo')}</h2>
              <p>{t('staff.slipUndoLead')}</p>
              <Csrf ctx={ctx} />
              <Field ctx={ctx} name="slipReason" label="staff.slipUndoReason" required multiline errors={errors} values={values} maxLength={500} />
              <button type="submit" class="button button--secondary">{t('staff.slipUndo')}</button>
            </form>
          )}
          {view.invoice.status === 'unpaid' && ctx.can('billing.cancelInvoice') && (
            <form method="post" action={`/staff/invoices/${view.invoice.id}/cancel`} novalidate class="card">
              <h2>{t('staff.cancelInvoice')}</h2>
              <Csrf ctx={ctx} />
              <Field ctx={ctx} name="cancelReason" label="staff.cancelReason" required multiline errors={errors} values={values} maxLength={500} />
              <button type="submit" class="button button--secondary">{t('staff.cancelInvoice')}</button>
            </form>
          )}
        </div>
      )}
    </Layout>
  );
}

export function SlipConfirmPage({ ctx, view, address, dispatchOn, message }: {
  ctx: PageContext; view: InvoiceView; address: string[]; dispatchOn: string; message?: string;
}) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('billing.slipTitle')}>
      <p><a href={`/billing/${view.invoice.control_no}`}>{t('common.back')}</a></p>
      <h1>{t('billing.slipTitle')}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      <div class="notice notice--warning"><p><strong>{t('billing.slipLead')}</strong></p></div>
      <InvoiceSummary ctx={ctx} view={view} />
      <dl class="summary">
        <div class="summary__row"><dt>{t('billing.slipAddress')}</dt><dd>{address.map((line) => <span key={line} class="break">{line}<br /></span>)}</dd></div>
        <div class="summary__row"><dt>{t('billing.slipDispatch')}</dt><dd>{t('billing.slipDispatchValue', { date: dueText(ctx, dispatchOn) })}</dd></div>
      </dl>
      <p class="muted">{t('billing.slipSchedule')}</p>
      <form method="post" action={`/billing/${view.invoice.control_no}/slip`}>
        <Csrf ctx={ctx} />
        <div class="actions">
          <button type="submit" class="button">{t('billing.slipConfirm')}</button>
          <a class="button button--quiet" href={`/billing/${view.invoice.control_no}`}>{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}

export function SlipDispatchPage({ ctx, dispatchOn, rows }: { ctx: PageContext; dispatchOn: string; rows: { invoice: InvoiceView['invoice']; name: string; address: string }[] }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.slipsTitle')}>
      <h1>{t('staff.slipsTitle')}</h1>
      <p>{t('staff.slipsLead')}</p>
      <form method="get" action="/staff/billing/slips" class="filters">
        <div class="field">
          <label class="field__label" for="dispatch">{t('staff.slipsDispatch')}</label>
          <input id="dispatch" name="dispatch" type="date" class="input" value={dispatchOn} />
        </div>
        <div class="actions"><button type="submit" class="button button--secondary">{t('common.search')}</button></div>
      </form>
      <p>{t('staff.slipsCount', { count: rows.length })}</p>
      {rows.length === 0 ? <p>{t('staff.slipsNone')}</p> : (
        <>
          <div class="table-wrap" role="region" aria-label={t('staff.slipsTitle')} tabIndex={0}>
            <table class="table dense">
              <thead><tr><th scope="col">{t('billing.col.controlNo')}</th><th scope="col">{t('profile.name')}</th><th scope="col">{t('billing.slipAddress')}</th><th scope="col">{t('billing.col.amount')}</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.invoice.id}><td><a href={`/staff/invoices/${r.invoice.id}`}>{r.invoice.control_no}</a></td><td>{r.name}</td><td>{r.address}</td><td class="num">{formatYen(r.invoice.amount)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="actions">
            <a class="button button--secondary" href={`/staff/billing/slips.csv?dispatch=${dispatchOn}`}>{t('staff.slipsCsv')}</a>
          </p>
          {ctx.can('billing.markSlipsSent') && (
            <form method="post" action={`/staff/billing/slips/sent?dispatch=${dispatchOn}`}>
              <Csrf ctx={ctx} />
              <button type="submit" class="button">{t('staff.slipsMarkSent')}</button>
            </form>
          )}
        </>
      )}
    </Layout>
  );
}
