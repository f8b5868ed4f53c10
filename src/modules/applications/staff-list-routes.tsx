import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { allow } from '../../platform/policy';
import type { ApplicationType, RenewalCycle } from '../../platform/db/schema';
import { cursorParam, notFound } from '../../platform/errors';
import { normalizeDigits, tokyoDate } from '../../platform/japanese';
import type { PageContext } from '../../platform/views/context';
import { Layout } from '../../platform/views/layout';
import type { Web } from '../../platform/web';
import type { CyclesService } from '../cycles/service';
import { fullName } from '../members/service';
import { formatDate } from '../members/views';
import { LIST_STATUSES, LIST_TYPES, type ListFilter, type ListRow, type ApplicationListService, type ListStatus } from './staff-list';
import { StatusBadge } from './views';

/** Rows per page of the list: a screenful. */
const LIST_PAGE = 100;

const pick = <T extends string>(raw: unknown, allowed: readonly T[]): T | undefined => (allowed.includes(raw as T) ? (raw as T) : undefined);

const statusLabel = (ctx: PageContext, s: ListStatus) => (s === 'targets' || s === 'not_started' ? ctx.t(`appList.status.${s}`) : ctx.t(`applications.status.${s}`));

/** 申請の一覧 (staff): a cycle's targets, those not started, or its records in one status — the lists behind the dashboard's figures. */
export function applicationListRoutes(app: FastifyInstance, deps: { web: Web; cycles: CyclesService; list: ApplicationListService; requireStaff: preHandlerHookHandler }) {
  const { web, cycles, list, requireStaff } = deps;
  app.get<{ Querystring: Record<string, string | undefined> }>('/staff/applications/list', { preHandler: [requireStaff, allow('applications.view')] }, async (req, reply) => {
    const year = normalizeDigits(req.query.cycle ?? '');
    const cycle = /^\d{4}$/.test(year) ? await cycles.byFiscalYear(Number(year)) : await cycles.current();
    if (!cycle) throw notFound('cycle');
    const filter: ListFilter = { status: pick(req.query.status, LIST_STATUSES) ?? 'targets', type: pick(req.query.type, LIST_TYPES) };
    const after = cursorParam(req.query.after) ?? 0;
    const [page, all] = await Promise.all([list.page(cycle, filter, LIST_PAGE, after), cycles.all()]);
    return web.render(reply, <ApplicationListPage ctx={web.context(req, reply, 'staff')} cycle={cycle} cycles={all} filter={filter} after={after} {...page} />);
  });
}

function ApplicationListPage({ ctx, cycle, cycles, filter, rows, next, after }: {
  ctx: PageContext; cycle: RenewalCycle; cycles: RenewalCycle[]; filter: ListFilter; rows: ListRow[]; next?: number; after: number;
}) {
  const t = ctx.t;
  const name = (c: RenewalCycle) => (ctx.locale === 'en' ? c.name_en : c.name_ja);
  const query = (extra: Record<string, string>) => new URLSearchParams({ cycle: String(cycle.fiscal_year), status: filter.status, ...(filter.type ? { type: filter.type } : {}), ...extra }).toString();
  const pager = (after > 0 || next !== undefined) && (
    <nav class="pagination" aria-label={t('appList.title')}>
      {after > 0 && <a href={`/staff/applications/list?${query({})}`}>{t('appList.first')}</a>}{' '}
      {next !== undefined && <a href={`/staff/applications/list?${query({ after: String(next) })}`}>{t('appList.next', { count: LIST_PAGE })}</a>}
    </nav>
  );
  return (
    <Layout ctx={ctx} title={`${t('appList.title')}: ${statusLabel(ctx, filter.status)}`}>
      <h1>{t('appList.title')}</h1>
      <p>{t('appList.lead', { cycle: name(cycle) })}</p>
      <form method="get" action="/staff/applications/list" class="filters" role="search" aria-label={t('appList.title')}>
        <div class="field">
          <label class="field__label" for="cycle">{t('reports.filter.cycle')}</label>
          <select id="cycle" name="cycle" class="input">{cycles.map((c) => <option key={c.id} value={String(c.fiscal_year)} selected={c.id === cycle.id}>{name(c)}</option>)}</select>
        </div>
        <div class="field">
          <label class="field__label" for="status">{t('reports.filter.status')}</label>
          <select id="status" name="status" class="input">{LIST_STATUSES.map((s) => <option key={s} value={s} selected={s === filter.status}>{statusLabel(ctx, s)}</option>)}</select>
        </div>
        <div class="field">
          <label class="field__label" for="type">{t('reports.filter.type')}</label>
          <select id="type" name="type" class="input">
            <option value="">{t('reports.filter.all')}</option>
            {LIST_TYPES.map((s: ApplicationType) => <option key={s} value={s} selected={s === filter.type}>{t(`applications.type.${s}`)}</option>)}
          </select>
        </div>
        <div class="actions"><button type="submit" class="button">{t('common.search')}</button></div>
      </form>
      <h2>{statusLabel(ctx, filter.status)}</h2>
      {rows.length === 0 ? <p>{t('appList.none')}</p> : (
        <>
          {pager}
          <div class="table-wrap" role="region" aria-label={statusLabel(ctx, filter.status)} tabIndex={0}>
            <table class="table dense">
              <thead><tr><th scope="col">{t('appList.col.member')}</th><th scope="col">{t('appList.col.record')}</th><th scope="col">{t('appList.col.updated')}</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.application?.id ?? `m${r.member.id}`}>
                    <td><a href={`/staff/members/${r.member.member_number}`}>{r.member.member_number}</a> {fullName(r.member)}</td>
                    <td>{r.records.length === 0 ? t('appList.noRecord') : r.records.map((a) => (
                      <span key={a.id}><a href={`/staff/applications/${a.id}`}>{a.application_no}</a> {t(`applications.type.${a.type}`)} <StatusBadge ctx={ctx} status={a.status} />{' '}</span>
                    ))}</td>
                    <td>{r.records.length > 0 ? formatDate(ctx, tokyoDate(r.records[r.records.length - 1]!.updated_at)) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pager}
        </>
      )}
    </Layout>
  );
}
