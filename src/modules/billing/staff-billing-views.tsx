import type { Overpayment, OverpaymentStatus } from '../../platform/db/schema';
import type { MessageKey } from '../../platform/i18n';
import { formatYen } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, Select } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { type InvoiceSearchResult, SEARCH_SORTS, SEARCH_STATUSES, filterQuery } from './search';
import type { FeeType } from './service';
import { dueText, feeName, InvoiceStatus } from './views';

export const OVERPAYMENT_TABS: readonly OverpaymentStatus[] = ['open', 'refunded', 'resolved'];

const fiscalYearText = (ctx: PageContext, year: number | null) => (year ? (ctx.locale === 'ja' ? `${year}年度` : `FY${year}`) : '');

/** A payment method's name; a method the catalogue does not know (a result file's own code) is shown as it came. */
export function methodName(ctx: PageContext, method: string): string {
  return ['card', 'konbini', 'payeasy', 'slip', 'transfer', 'cash'].includes(method) ? ctx.t(`billing.method.${method as 'card'}`) : method;
}

/** 払込票 column: chosen / sent / nothing. */
function slipText(ctx: PageContext, r: InvoiceSearchResult): string {
  if (!r.invoice.slip_requested_at) return '—';
  return ctx.t(r.invoice.slip_sent_at ? 'staffBilling.slipSent' : 'staffBilling.slipChosen');
}

const searchLabels = {
  controlNo: 'billing.col.controlNo', member: 'staffBilling.member', fee: 'billing.col.fee', year: 'billing.fiscalYear', status: 'billing.col.status',
  autoDebit: 'billing.autoDebit', slip: 'billing.method.slip', sort: 'staffBilling.sort',
} as const satisfies Record<string, MessageKey>;

/** 請求の検索: filters, the totals of what they found, a page of invoices, the CSV of all of them. */
export function InvoiceSearchPage({ ctx, fees, values, errors, result, page, pageSize }: {
  ctx: PageContext; fees: FeeType[]; values: FormValues; errors?: FormErrors; page: number; pageSize: number;
  result?: { rows: InvoiceSearchResult[]; count: number; amount: number; hasMore: boolean };
}) {
  const t = ctx.t;
  const yesNo = [{ value: 'yes', label: t('staffBilling.yes') }, { value: 'no', label: t('staffBilling.no') }];
  const rows = result?.rows ?? [];
  const from = (page - 1) * pageSize + 1;
  const pageLabel = t('staff.queuePage', { from, to: from + rows.length - 1 });
  const pager = result && (page > 1 || result.hasMore) && (
    <nav class="pagination" aria-label={pageLabel}>
      <p>{pageLabel}</p>
      {page > 1 && <a href={`/staff/billing?${filterQuery(values, { page: String(page - 1) })}`}>{t('staff.queuePrev', { count: pageSize })}</a>}{' '}
      {result.hasMore && <a href={`/staff/billing?${filterQuery(values, { page: String(page + 1) })}`}>{t('staff.queueNext', { count: pageSize })}</a>}
    </nav>
  );
  return (
    <Layout ctx={ctx} title={t('staffBilling.searchTitle')} errors={errors} fieldLabels={labelsFor(ctx, searchLabels)}>
      <h1>{t('staffBilling.searchTitle')}</h1>
      <p>{t('staffBilling.searchLead')}</p>
      <form method="get" action="/staff/billing" class="filters" role="search" aria-label={t('staffBilling.searchTitle')} novalidate>
        <Field ctx={ctx} name="controlNo" label="billing.col.controlNo" hint="staffBilling.controlNoHint" errors={errors} values={values} maxLength={30} width="s" spellcheck={false} />
        <Field ctx={ctx} name="member" label="staffBilling.member" hint="staffBilling.memberHint" type="search" errors={errors} values={values} maxLength={200} spellcheck={false} />
        <Select ctx={ctx} name="fee" label="billing.col.fee" values={values} placeholder="staffBilling.all" options={fees.map((f) => ({ value: f.code, label: ctx.locale === 'en' ? f.name_en : f.name_ja }))} />
        <Field ctx={ctx} name="year" label="billing.fiscalYear" hint="staffBilling.yearHint" errors={errors} values={values} maxLength={10} width="s" inputMode="numeric" />
        <Select ctx={ctx} name="status" label="billing.col.status" values={values} placeholder="staffBilling.all"
          options={SEARCH_STATUSES.map((s) => ({ value: s, label: s === 'overdue' ? t('billing.overdue') : t(`billing.status.${s}`) }))} />
        <Select ctx={ctx} name="autoDebit" label="billing.autoDebit" values={values} placeholder="staffBilling.all" options={yesNo} />
        <Select ctx={ctx} name="slip" label="staffBilling.slipFilter" values={values} placeholder="staffBilling.all"
          options={[{ value: 'yes', label: t('staffBilling.slipYes') }, { value: 'no', label: t('staffBilling.slipNo') }]} />
        <Select ctx={ctx} name="sort" label="staffBilling.sort" values={values} options={SEARCH_SORTS.map((s) => ({ value: s, label: t(`staffBilling.sort.${s}`) }))} />
        <div class="actions"><button type="submit" class="button">{t('common.search')}</button></div>
      </form>
      {result && (
        <section aria-labelledby="results-h">
          <h2 id="results-h">{t('staffBilling.total', { count: result.count.toLocaleString('ja-JP'), amount: formatYen(result.amount) })}</h2>
          {result.count > 0 && (
            <p class="actions"><a class="button button--secondary" href={`/staff/billing.csv?${filterQuery({ ...values })}`} download>{t('staffBilling.csv')}</a></p>
          )}
          {rows.length === 0 ? <p>{t('staffBilling.none')}</p> : (
            <>
              {pager}
              <div class="table-wrap" role="region" aria-label={t('staffBilling.searchTitle')} tabIndex={0}>
                <table class="table dense">
                  <thead><tr>
                    <th scope="col">{t('billing.col.controlNo')}</th><th scope="col">{t('staffBilling.member')}</th><th scope="col">{t('billing.col.fee')}</th>
                    <th scope="col">{t('billing.col.amount')}</th><th scope="col">{t('billing.col.due')}</th><th scope="col">{t('billing.col.status')}</th>
                    <th scope="col">{t('billing.method.slip')}</th>
                  </tr></thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.invoice.id}>
                        <td><a href={`/staff/invoices/${r.invoice.id}`}>{r.invoice.control_no}</a></td>
                        <td><a href={`/staff/members/${r.member.number}`}>{r.member.number}</a> {r.member.name}</td>
                        <td>{feeName(ctx, r)} {fiscalYearText(ctx, r.invoice.fiscal_year)}</td>
                        <td class="num">{formatYen(r.invoice.amount)}</td>
                        <td>{dueText(ctx, r.invoice.due_on)}</td>
                        <td><InvoiceStatus ctx={ctx} view={r} /></td>
                        <td>{slipText(ctx, r)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {pager}
            </>
          )}
        </section>
      )}
    </Layout>
  );
}

/** The CSV's columns and one row of it (Japanese, for the office's spreadsheet). */
export const SEARCH_CSV_HEADER = ['管理No', '会員番号', '氏名', '料金区分', '年度', '金額', '請求日', '支払期日', '状態', '自動引き落とし', '払込票', '入金日', '入金方法', '入金の参照番号'];

export function searchCsvRow(ctx: PageContext, r: InvoiceSearchResult): (string | number | null)[] {
  const i = r.invoice;
  const status = `${ctx.t(`billing.status.${i.status}`)}${r.overdue ? `（${ctx.t('billing.overdue')}）` : ''}`;
  return [
    i.control_no, r.member.number, r.member.name, feeName(ctx, r), i.fiscal_year, i.amount, i.issued_on, i.due_on, status,
    i.auto_debit ? ctx.t('staffBilling.yes') : '', slipText(ctx, r).replace('—', ''), i.paid_on, i.paid_method ? methodName(ctx, i.paid_method) : '', i.paid_reference,
  ];
}

export interface OverpaymentRow extends Overpayment {
  control_no: string | null;
  ageDays: number;
  member?: { number: string; name: string };
}

const MemberCell = ({ row }: { row: { member?: { number: string; name: string } } }) =>
  (row.member ? <><a href={`/staff/members/${row.member.number}`}>{row.member.number}</a> {row.member.name}</> : <>—</>);
const InvoiceCell = ({ row }: { row: { invoice_id: number | null; control_no: string | null } }) =>
  (row.invoice_id && row.control_no ? <a href={`/staff/invoices/${row.invoice_id}`}>{row.control_no}</a> : <>—</>);

/** 過入金・返金: open items oldest first (how long the money has waited), and the decided ones by tab. */
export function OverpaymentQueuePage({ ctx, status, rows, openCount }: { ctx: PageContext; status: OverpaymentStatus; rows: OverpaymentRow[]; openCount: number }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staffBilling.overTitle')}>
      <h1>{t('staffBilling.overTitle')}</h1>
      <p>{t('staffBilling.overLead')}</p>
      <nav class="pagination" aria-label={t('staffBilling.overTabs')}>
        <ul>
          {OVERPAYMENT_TABS.map((s) => (
            <li key={s}>
              {s === status
                ? <span aria-current="page">{t(`staffBilling.over.${s}`)}{s === 'open' ? ` (${openCount})` : ''}</span>
                : <a href={`/staff/billing/overpayments${s === 'open' ? '' : `?status=${s}`}`}>{t(`staffBilling.over.${s}`)}{s === 'open' ? ` (${openCount})` : ''}</a>}
            </li>
          ))}
        </ul>
      </nav>
      {rows.length === 0 ? <p>{t(status === 'open' ? 'staffBilling.overNone' : 'staffBilling.overNoneDecided')}</p> : (
        <div class="table-wrap" role="region" aria-label={t(`staffBilling.over.${status}`)} tabIndex={0}>
          <table class="table dense">
            <thead><tr>
              {status === 'open' ? <th scope="col">{t('staffBilling.overAge')}</th> : <th scope="col">{t('staffBilling.overResolvedOn')}</th>}
              <th scope="col">{t('staffBilling.member')}</th><th scope="col">{t('staffBilling.overInvoice')}</th><th scope="col">{t('staffBilling.overSource')}</th>
              <th scope="col">{t('billing.col.amount')}</th><th scope="col">{t('staffBilling.overReceivedOn')}</th><th scope="col">{t('billing.paidMethod')}</th>
              <th scope="col">{t('staffBilling.overReference')}</th><th scope="col"><span class="visually-hidden">{t('staffBilling.overOpen')}</span></th>
            </tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{status === 'open' ? t('staff.queueDays', { days: r.ageDays }) : r.resolved_on ? dueText(ctx, r.resolved_on) : '—'}</td>
                  <td><MemberCell row={r} /></td>
                  <td><InvoiceCell row={r} /></td>
                  <td>{t(`staffBilling.source.${r.source}`)}</td>
                  <td class="num">{formatYen(r.amount)}</td>
                  <td>{dueText(ctx, r.received_on)}</td>
                  <td>{methodName(ctx, r.method)}</td>
                  <td class="break">{r.reference}</td>
                  <td><a href={`/staff/billing/overpayments/${r.id}`}>{t(status === 'open' ? 'staffBilling.overOpen' : 'staffBilling.overShow')}<span class="visually-hidden"> {`#${r.id}`}</span></a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

const resolveLabels = {
  refundedOn: 'staffBilling.refundedOn', refundReference: 'staffBilling.refundReference', refundNote: 'staffBilling.note',
  resolvedOn: 'staffBilling.resolvedOn', resolveNote: 'staffBilling.resolveNote',
} as const satisfies Record<string, MessageKey>;

/** One overpayment: what arrived, and the two decisions (返金済 with the refund's date and reference, or 対応済 saying how). */
export function OverpaymentPage({ ctx, row, errors, values, message }: { ctx: PageContext; row: OverpaymentRow; errors?: FormErrors; values?: FormValues; message?: string }) {
  const t = ctx.t;
  const title = `${t('staffBilling.overItem')} #${row.id}`;
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, resolveLabels)}>
      <p><a href="/staff/billing/overpayments">{t('staffBilling.overTitle')}</a></p>
      <h1>{title}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      <dl class="summary">
        <div class="summary__row"><dt>{t('billing.col.status')}</dt><dd><span class="badge">{t(`staffBilling.over.${row.status}`)}</span></dd></div>
        <div class="summary__row"><dt>{t('staffBilling.member')}</dt><dd><MemberCell row={row} /></dd></div>
        <div class="summary__row"><dt>{t('staffBilling.overInvoice')}</dt><dd><InvoiceCell row={row} /></dd></div>
        <div class="summary__row"><dt>{t('staffBilling.overSource')}</dt><dd>{t(`staffBilling.source.${row.source}`)}</dd></div>
        <div class="summary__row"><dt>{t('billing.col.amount')}</dt><dd class="big-number">{formatYen(row.amount)}</dd></div>
        <div class="summary__row"><dt>{t('staffBilling.overReceivedOn')}</dt><dd>{dueText(ctx, row.received_on)}{row.status === 'open' ? `（${t('staff.queueDays', { days: row.ageDays })}）` : ''}</dd></div>
        <div class="summary__row"><dt>{t('billing.paidMethod')}</dt><dd>{methodName(ctx, row.method)}</dd></div>
        <div class="summary__row"><dt>{t('staffBilling.overReference')}</dt><dd class="break">{row.reference || '—'}</dd></div>
        {row.resolved_on && <div class="summary__row"><dt>{t('staffBilling.overResolvedOn')}</dt><dd>{dueText(ctx, row.resolved_on)}</dd></div>}
        {row.resolution_reference && <div class="summary__row"><dt>{t('staffBilling.refundReference')}</dt><dd class="break">{row.resolution_reference}</dd></div>}
        {row.resolution_note && <div class="summary__row"><dt>{t('staffBilling.note')}</dt><dd class="break">{row.resolution_note}</dd></div>}
      </dl>
      {row.status === 'open' && ctx.can('billing.resolveOverpayments') && (
        <div class="decision">
          <form method="post" action={`/staff/billing/overpayments/${row.id}/refund`} novalidate class="card">
            <h2>{t('staffBilling.refund')}</h2>
            <p>{t('staffBilling.refundLead')}</p>
            <Csrf ctx={ctx} />
            <Field ctx={ctx} name="refundedOn" label="staffBilling.refundedOn" type="date" required errors={errors} values={values} />
            <Field ctx={ctx} name="refundReference" label="staffBilling.refundReference" required errors={errors} values={values} maxLength={100} />
            <Field ctx={ctx} name="refundNote" label="staffBilling.note" multiline errors={errors} values={values} maxLength={500} />
            <button type="submit" class="button">{t('staffBilling.refund')}</button>
          </form>
          <form method="post" action={`/staff/billing/overpayments/${row.id}/resolve`} novalidate class="card">
            <h2>{t('staffBilling.resolve')}</h2>
            <p>{t('staffBilling.resolveLead')}</p>
            <Csrf ctx={ctx} />
            <Field ctx={ctx} name="resolvedOn" label="staffBilling.resolvedOn" type="date" required errors={errors} values={values} />
            <Field ctx={ctx} name="resolveNote" label="staffBilling.resolveNote" required multiline errors={errors} values={values} maxLength={500} />
            <button type="submit" class="button button--secondary">{t('staffBilling.resolve')}</button>
          </form>
        </div>
      )}
    </Layout>
  );
}

/** 過入金 on the staff member page. */
export function OverpaymentsRelated({ ctx, rows }: { ctx: PageContext; rows: Overpayment[] }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="related-over-h">
      <h2 id="related-over-h">{t('staffBilling.overTitle')}</h2>
      {rows.length === 0 ? <p>{t('staffBilling.overNoneMember')}</p> : (
        <div class="table-wrap" role="region" aria-label={t('staffBilling.overTitle')} tabIndex={0}>
          <table class="table dense">
            <thead><tr>
              <th scope="col">{t('staffBilling.overReceivedOn')}</th><th scope="col">{t('billing.col.amount')}</th><th scope="col">{t('billing.paidMethod')}</th>
              <th scope="col">{t('billing.col.status')}</th><th scope="col"><span class="visually-hidden">{t('staffBilling.overShow')}</span></th>
            </tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{dueText(ctx, r.received_on)}</td><td class="num">{formatYen(r.amount)}</td><td>{methodName(ctx, r.method)}</td>
                  <td>{t(`staffBilling.over.${r.status}`)}</td>
                  <td><a href={`/staff/billing/overpayments/${r.id}`}>{t('staffBilling.overShow')}<span class="visually-hidden"> {`#${r.id}`}</span></a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
