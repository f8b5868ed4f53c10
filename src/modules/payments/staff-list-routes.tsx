import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { allow } from '../../platform/policy';
import type { AttemptStatus, OnlineMethod } from '../../platform/db/schema';
import { formatDateTime, formatYen, normalizeDigits } from '../../platform/japanese';
import type { PageContext } from '../../platform/views/context';
import { Layout } from '../../platform/views/layout';
import type { Web } from '../../platform/web';
import { fullName, type Member, type MembersService } from '../members/service';
import type { AttemptFilter, PaymentsService, StaffPaymentRow } from './service';

const LIST_PAGE = 100;
const METHODS: readonly OnlineMethod[] = ['card', 'konbini', 'payeasy'];
const STATUSES: readonly AttemptStatus[] = ['created', 'at_gateway', 'awaiting_payment', 'paid_provisional', 'settled', 'failed', 'expired', 'cancelled'];
const pick = <T extends string>(raw: unknown, allowed: readonly T[]): T | undefined => (allowed.includes(raw as T) ? (raw as T) : undefined);

/** オンライン決済の一覧 (staff): attempts by method, status and start date, newest first — the list behind the dashboard's payment figures. */
export function paymentListRoutes(app: FastifyInstance, deps: { web: Web; payments: PaymentsService; members: MembersService; requireStaff: preHandlerHookHandler }) {
  const { web, payments, members, requireStaff } = deps;
  app.get<{ Querystring: Record<string, string | undefined> }>('/staff/payments', { preHandler: [requireStaff, allow('billing.view')] }, async (req, reply) => {
    const sinceText = normalizeDigits(req.query.since ?? '');
    const since = /^\d{4}-\d{2}-\d{2}$/.test(sinceText) ? sinceText : '';
    const filter: AttemptFilter = { method: pick(req.query.method, METHODS), status: pick(req.query.status, STATUSES), since: since ? new Date(`${since}T00:00:00+09:00`) : undefined };
    const before = /^\d{1,10}$/.test(req.query.before ?? '') ? Number(req.query.before) : undefined;
    const rows = await payments.staffPage(filter, LIST_PAGE + 1, before);
    const shown = rows.slice(0, LIST_PAGE);
    const found = await members.byIds(shown.map((r) => r.memberId));
    const values = { method: filter.method ?? '', status: filter.status ?? '', since };
    return web.render(reply, <PaymentListPage ctx={web.context(req, reply, 'staff')} rows={shown} members={found} values={values} next={rows.length > LIST_PAGE ? shown[shown.length - 1]!.attempt.id : undefined} />);
  });
}

function PaymentListPage({ ctx, rows, members, values, next }: { ctx: PageContext; rows: StaffPaymentRow[]; members: Map<number, Member>; values: Record<string, string>; next?: number }) {
  const t = ctx.t;
  const query = (extra: Record<string, string>) => new URLSearchParams(Object.fromEntries(Object.entries({ ...values, ...extra }).filter(([, v]) => v))).toString();
  return (
    <Layout ctx={ctx} title={t('payList.title')}>
      <h1>{t('payList.title')}</h1>
      <p>{t('payList.lead')}</p>
      <form method="get" action="/staff/payments" class="filters" role="search" aria-label={t('payList.title')}>
        <div class="field">
          <label class="field__label" for="method">{t('reports.filter.method')}</label>
          <select id="method" name="method" class="input"><option value="">{t('reports.filter.all')}</option>
            {METHODS.map((m) => <option key={m} value={m} selected={values.method === m}>{t(`billing.method.${m}`)}</option>)}</select>
        </div>
        <div class="field">
          <label class="field__label" for="status">{t('reports.filter.status')}</label>
          <select id="status" name="status" class="input"><option value="">{t('reports.filter.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s} selected={values.status === s}>{t(`staffBilling.attempt.${s}`)}</option>)}</select>
        </div>
        <div class="field">
          <label class="field__label" for="since">{t('reports.filter.since')}</label>
          <input id="since" name="since" type="date" class="input input--s" value={values.since} />
        </div>
        <div class="actions"><button type="submit" class="button">{t('common.search')}</button></div>
      </form>
      {rows.length === 0 ? <p>{t('payList.none')}</p> : (
        <>
          <div class="table-wrap" role="region" aria-label={t('payList.title')} tabIndex={0}>
            <table class="table dense">
              <thead><tr>
                <th scope="col">#</th><th scope="col">{t('payList.col.invoice')}</th><th scope="col">{t('appList.col.member')}</th><th scope="col">{t('payments.method')}</th>
                <th scope="col">{t('billing.col.status')}</th><th scope="col">{t('billing.col.amount')}</th><th scope="col">{t('staffBilling.created')}</th>
              </tr></thead>
              <tbody>
                {rows.map(({ attempt: a, controlNo, memberId }) => {
                  const m = members.get(memberId);
                  return (
                    <tr key={a.id}>
                      <td>{a.id}</td>
                      <td><a href={`/staff/invoices/${a.invoice_id}`}>{controlNo}</a></td>
                      <td>{m ? <><a href={`/staff/members/${m.member_number}`}>{m.member_number}</a> {fullName(m)}</> : '—'}</td>
                      <td>{t(`billing.method.${a.method}`)}</td>
                      <td>{t(`staffBilling.attempt.${a.status}`)}</td>
                      <td class="num">{formatYen(a.amount)}</td>
                      <td>{formatDateTime(a.created_at, ctx.locale)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {next !== undefined && <nav class="pagination" aria-label={t('payList.title')}><a href={`/staff/payments?${query({ before: String(next) })}`}>{t('appList.next', { count: LIST_PAGE })}</a></nav>}
        </>
      )}
    </Layout>
  );
}
