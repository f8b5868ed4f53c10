import type { AttemptStatus, OnlineMethod, RenewalCycle } from '../../platform/db/schema';
import type { MessageKey } from '../../platform/i18n';
import { formatYen } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Layout } from '../../platform/views/layout';
import { dueText } from '../billing/views';
import { FunnelChart, TrendChart } from './charts';
import type { Dashboard } from './service';

const n = (count: number) => count.toLocaleString('ja-JP');
const cycleName = (ctx: PageContext, c: RenewalCycle) => (ctx.locale === 'en' ? c.name_en : c.name_ja);

export const ATTEMPT_STATUSES: readonly AttemptStatus[] = ['created', 'at_gateway', 'awaiting_payment', 'paid_provisional', 'settled', 'failed', 'expired', 'cancelled'];
export const ONLINE_METHODS: readonly OnlineMethod[] = ['card', 'konbini', 'payeasy'];

/** The links behind the figures: each is the list (with its filters) whose total the figure is. */
export function dashboardLinks(d: Dashboard) {
  const c = d.cycle;
  const apps = (status: string, type?: string) => `/staff/applications/list?${new URLSearchParams({ cycle: String(c.fiscal_year), status, ...(type ? { type } : {}) })}`;
  const fee = (status: string) => `/staff/billing?${new URLSearchParams({ fee: c.renewal_fee_code, year: String(c.fiscal_year), status })}`;
  return {
    targets: apps('targets'), notStarted: apps('not_started'), draft: apps('draft', 'renewal'), submitted: apps('submitted', 'renewal'),
    completed: apps('completed', 'renewal'), withdrawn: apps('withdrawn', 'withdrawal'), paid: fee('paid'), unpaid: fee('unpaid'),
    self: '/staff/credits', self7: '/staff/credits?age=7', self14: '/staff/credits?age=14', overpayments: '/staff/billing/overpayments',
    payments: (method: OnlineMethod, status: AttemptStatus) => `/staff/payments?${new URLSearchParams({ method, status, since: d.payments.since })}`,
  };
}

/** A figure with its label, the number being the link to its list. */
function Stat({ ctx, label, count, href, unit = 'reports.people', note }: { ctx: PageContext; label: MessageKey; count: number; href: string; unit?: MessageKey; note?: string }) {
  return (
    <div class="stat">
      <dt>{ctx.t(label)}</dt>
      <dd>
        <a class="big-number" href={href} aria-label={`${ctx.t(label)}: ${ctx.t(unit, { count: n(count) })}（${ctx.t('reports.openList', { label: ctx.t(label) })}）`}>{ctx.t(unit, { count: n(count) })}</a>
        {note && <span class="stat__note">{note}</span>}
      </dd>
    </div>
  );
}

/** ダッシュボード: the current cycle at a glance; every number is a link to the list behind it. */
export function DashboardPage({ ctx, d }: { ctx: PageContext; d?: Dashboard }) {
  const t = ctx.t;
  if (!d) {
    return (
      <Layout ctx={ctx} title={t('reports.dashTitle')}>
        <h1>{t('reports.dashTitle')}</h1>
        <p>{t('reports.noCycle')}</p>
      </Layout>
    );
  }
  const link = dashboardLinks(d);
  const stages = [
    { label: t('reports.funnel.targets'), count: d.targets },
    { label: t('reports.funnel.started'), count: d.started },
    { label: t('reports.funnel.submitted'), count: d.submitted + d.completed },
    { label: t('reports.funnel.paid'), count: d.fee.paid.count },
    { label: t('reports.funnel.completed'), count: d.completed },
  ];
  const share = (count: number) => (d.targets > 0 ? `${((100 * count) / d.targets).toFixed(1)}%` : '—');
  const totalSubmitted = d.trend.reduce((s, r) => s + r.submitted, 0);
  const totalCompleted = d.trend.reduce((s, r) => s + r.completed, 0);
  const methods = ONLINE_METHODS.filter((m) => d.payments.rows.some((r) => r.method === m));
  const statuses = ATTEMPT_STATUSES.filter((s) => d.payments.rows.some((r) => r.status === s));
  const cell = (m: OnlineMethod, s: AttemptStatus) => d.payments.rows.find((r) => r.method === m && r.status === s);
  return (
    <Layout ctx={ctx} title={t('reports.dashTitle')}>
      <h1>{t('reports.dashTitle')}</h1>
      <p>{t('reports.dashLead', { cycle: cycleName(ctx, d.cycle), periodEnd: dueText(ctx, d.cycle.period_end) })}</p>

      <section class="card" aria-labelledby="dash-status-h">
        <h2 id="dash-status-h">{t('reports.statusH')}</h2>
        <dl class="stats">
          <Stat ctx={ctx} label="reports.card.targets" count={d.targets} href={link.targets} />
          <Stat ctx={ctx} label="reports.card.notStarted" count={d.notStarted} href={link.notStarted} />
          <Stat ctx={ctx} label="reports.card.draft" count={d.draft} href={link.draft} unit="reports.items" />
          <Stat ctx={ctx} label="reports.card.submitted" count={d.submitted} href={link.submitted} unit="reports.items" />
          <Stat ctx={ctx} label="reports.card.paid" count={d.fee.paid.count} href={link.paid} unit="reports.items" note={formatYen(d.fee.paid.amount)} />
          <Stat ctx={ctx} label="reports.card.unpaid" count={d.fee.unpaid.count} href={link.unpaid} unit="reports.items" note={formatYen(d.fee.unpaid.amount)} />
          <Stat ctx={ctx} label="reports.card.completed" count={d.completed} href={link.completed} unit="reports.items" />
          <Stat ctx={ctx} label="reports.card.withdrawn" count={d.withdrawn} href={link.withdrawn} unit="reports.items" />
        </dl>
      </section>

      <div class="report-grid">
        <section class="card" aria-labelledby="dash-funnel-h">
          <h2 id="dash-funnel-h">{t('reports.funnelH')}</h2>
          <figure class="report-figure">
            <FunnelChart stages={stages} label={t('reports.funnelAlt')} />
            <figcaption>
              <table class="table dense">
                <caption class="visually-hidden">{t('reports.funnelH')}</caption>
                <thead><tr><th scope="col">{t('reports.col.stage')}</th><th scope="col">{t('reports.col.count')}</th><th scope="col">{t('reports.col.share')}</th></tr></thead>
                <tbody>
                  {stages.map((s) => <tr key={s.label}><th scope="row">{s.label}</th><td class="num">{n(s.count)}</td><td class="num">{share(s.count)}</td></tr>)}
                </tbody>
              </table>
              <p>{t('reports.withdrawnAside', { count: n(d.withdrawn) })}</p>
            </figcaption>
          </figure>
        </section>

        <section class="card" aria-labelledby="dash-trend-h">
          <h2 id="dash-trend-h">{t('reports.trendH')}</h2>
          <figure class="report-figure">
            <TrendChart ctx={ctx} days={d.trend} label={t('reports.trendAlt')} />
            <figcaption>
              <p>{t('reports.trendSummary', { submitted: n(totalSubmitted), completed: n(totalCompleted) })}</p>
              <details>
                <summary>{t('reports.trendTable')}</summary>
                <div class="table-wrap" role="region" aria-label={t('reports.trendH')} tabIndex={0}>
                  <table class="table dense">
                    <thead><tr><th scope="col">{t('reports.col.day')}</th><th scope="col">{t('reports.series.submitted')}</th><th scope="col">{t('reports.series.completed')}</th></tr></thead>
                    <tbody>
                      {d.trend.map((r) => <tr key={r.day}><th scope="row">{dueText(ctx, r.day)}</th><td class="num">{r.submitted}</td><td class="num">{r.completed}</td></tr>)}
                    </tbody>
                  </table>
                </div>
              </details>
            </figcaption>
          </figure>
        </section>
      </div>

      <div class="report-grid">
        <section class="card" aria-labelledby="dash-self-h">
          <h2 id="dash-self-h">{t('reports.selfH')}</h2>
          <dl class="stats">
            <Stat ctx={ctx} label="reports.self.total" count={d.selfReports.total} href={link.self} unit="reports.items" />
            <Stat ctx={ctx} label="reports.self.over7" count={d.selfReports.over7} href={link.self7} unit="reports.items" />
            <Stat ctx={ctx} label="reports.self.over14" count={d.selfReports.over14} href={link.self14} unit="reports.items" />
          </dl>
          {d.selfReports.oldestDays !== null && <p>{t('reports.self.oldest', { days: d.selfReports.oldestDays })}</p>}
          {d.selfReports.over14 > 0 && <p class="notice notice--error">{t('reports.self.overTarget')}</p>}
        </section>

        <section class="card" aria-labelledby="dash-over-h">
          <h2 id="dash-over-h">{t('reports.overH')}</h2>
          <p><a class="big-number" href={link.overpayments}>{t('reports.overText', { count: n(d.overpayments.count), amount: formatYen(d.overpayments.amount) })}</a></p>
        </section>
      </div>

      <section class="card" aria-labelledby="dash-pay-h">
        <h2 id="dash-pay-h">{t('reports.paymentsH', { since: dueText(ctx, d.payments.since) })}</h2>
        {methods.length === 0 ? <p>{t('reports.paymentsNone')}</p> : (
          <div class="table-wrap" role="region" aria-labelledby="dash-pay-h" tabIndex={0}>
            <table class="table dense">
              <thead><tr>
                <th scope="col">{t('reports.col.method')}</th>
                {statuses.map((s) => <th scope="col" key={s}>{t(`staffBilling.attempt.${s}`)}</th>)}
                <th scope="col">{t('reports.col.total')}</th>
              </tr></thead>
              <tbody>
                {methods.map((m) => {
                  const total = d.payments.rows.filter((r) => r.method === m).reduce((s, r) => s + r.count, 0);
                  return (
                    <tr key={m}>
                      <th scope="row">{t(`billing.method.${m}`)}</th>
                      {statuses.map((s) => {
                        const c = cell(m, s);
                        return <td class="num" key={s}>{c ? <a href={link.payments(m, s)}>{n(c.count)}</a> : '0'}</td>;
                      })}
                      <td class="num">{n(total)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

// ── データ出力 ────────────────────────────────────────────────────────────────────────────────────

export type ExportKind = 'members' | 'applications' | 'credits' | 'invoices' | 'payments';
export const EXPORT_KINDS: readonly ExportKind[] = ['members', 'applications', 'credits', 'invoices', 'payments'];

interface Option { value: string; label: string }

/** A labelled choice whose id is unique on the page (five forms share field names such as `status`). */
function Choice({ ctx, form, name, label, options, values, all = true }: { ctx: PageContext; form: string; name: string; label: MessageKey; options: Option[]; values: FormValues; all?: boolean }) {
  const id = `${form}-${name}`;
  return (
    <div class="field">
      <label class="field__label" for={id}>{ctx.t(label)}</label>
      <select id={id} name={name} class="input">
        {all && <option value="">{ctx.t('reports.filter.all')}</option>}
        {options.map((o) => <option key={o.value} value={o.value} selected={values[name] === o.value}>{o.label}</option>)}
      </select>
    </div>
  );
}

function DateInput({ ctx, form, name, label, values }: { ctx: PageContext; form: string; name: string; label: MessageKey; values: FormValues }) {
  const id = `${form}-${name}`;
  return (
    <div class="field">
      <label class="field__label" for={id}>{ctx.t(label)}</label>
      <p class="field__hint" id={`${id}-hint`}>{ctx.t('reports.dateHint')}</p>
      <input id={id} name={name} type="date" class="input input--s" value={values[name] ?? ''} aria-describedby={`${id}-hint`} />
    </div>
  );
}

export interface ExportChoices {
  cycles: RenewalCycle[];
  current?: RenewalCycle;
  fees: { code: string; name_ja: string; name_en: string }[];
}

/** データ出力: one form per list, each a GET to its CSV with the list's filters. */
export function ExportsPage({ ctx, choices, values = {}, errors, status }: { ctx: PageContext; choices: ExportChoices; values?: FormValues; errors?: FormErrors; status?: number }) {
  const t = ctx.t;
  const kindName = (k: ExportKind) => t(`reports.export.${k}`);
  const button = (k: ExportKind) => <div class="actions"><button type="submit" class="button">{t('reports.exportButton', { kind: kindName(k) })}</button></div>;
  const cycleOptions = choices.cycles.map((c) => ({ value: String(c.fiscal_year), label: cycleName(ctx, c) }));
  const cycleValues = { cycle: values.cycle ?? (choices.current ? String(choices.current.fiscal_year) : ''), ...values };
  return (
    <Layout ctx={ctx} title={t('reports.exportsTitle')} errors={errors}>
      <h1>{t('reports.exportsTitle')}</h1>
      <p>{t('reports.exportsLead')}</p>
      {status === 400 && <div class="notice notice--error" role="alert"><p>{t('reports.filterInvalid')}</p></div>}
      <section class="card" aria-labelledby="exp-members-h">
        <h2 id="exp-members-h">{kindName('members')}</h2>
        <form method="get" action="/staff/exports/members.csv" class="filters">
          <Choice ctx={ctx} form="members" name="scope" label="reports.filter.scope" values={values} all={false}
            options={[{ value: '', label: t('reports.filter.allMembers') }, ...(choices.current ? [{ value: 'targets', label: t('reports.filter.targets', { cycle: cycleName(ctx, choices.current) }) }] : [])]} />
          {button('members')}
        </form>
      </section>
      <section class="card" aria-labelledby="exp-applications-h">
        <h2 id="exp-applications-h">{kindName('applications')}</h2>
        <form method="get" action="/staff/exports/applications.csv" class="filters">
          <Choice ctx={ctx} form="applications" name="cycle" label="reports.filter.cycle" values={cycleValues} options={cycleOptions} all={false} />
          <Choice ctx={ctx} form="applications" name="status" label="reports.filter.status" values={values}
            options={[{ value: 'targets', label: t('appList.status.targets') }, { value: 'not_started', label: t('appList.status.not_started') },
              ...(['draft', 'submitted', 'completed', 'withdrawn', 'cancelled'] as const).map((s) => ({ value: s, label: t(`applications.status.${s}`) }))]} all={false} />
          <Choice ctx={ctx} form="applications" name="type" label="reports.filter.type" values={values}
            options={(['renewal', 'withdrawal', 'initial'] as const).map((s) => ({ value: s, label: t(`applications.type.${s}`) }))} />
          {button('applications')}
        </form>
      </section>
      <section class="card" aria-labelledby="exp-credits-h">
        <h2 id="exp-credits-h">{kindName('credits')}</h2>
        <form method="get" action="/staff/exports/credits.csv" class="filters">
          <Choice ctx={ctx} form="credits" name="status" label="reports.filter.status" values={values}
            options={(['draft', 'pending', 'approved', 'rejected'] as const).map((s) => ({ value: s, label: t(`credits.status.${s}`) }))} />
          <DateInput ctx={ctx} form="credits" name="from" label="reports.filter.from" values={values} />
          <DateInput ctx={ctx} form="credits" name="to" label="reports.filter.to" values={values} />
          {button('credits')}
        </form>
      </section>
      <section class="card" aria-labelledby="exp-invoices-h">
        <h2 id="exp-invoices-h">{kindName('invoices')}</h2>
        <form method="get" action="/staff/exports/invoices.csv" class="filters">
          <Choice ctx={ctx} form="invoices" name="status" label="reports.filter.status" values={values}
            options={(['unpaid', 'overdue', 'processing', 'paid', 'cancelled'] as const).map((s) => ({ value: s, label: s === 'overdue' ? t('billing.overdue') : t(`billing.status.${s}`) }))} />
          <Choice ctx={ctx} form="invoices" name="fee" label="reports.filter.fee" values={values} options={choices.fees.map((f) => ({ value: f.code, label: ctx.locale === 'en' ? f.name_en : f.name_ja }))} />
          <div class="field">
            <label class="field__label" for="invoices-year">{t('reports.filter.year')}</label>
            <input id="invoices-year" name="year" class="input input--s" inputMode="numeric" maxLength={10} value={values.year ?? ''} />
          </div>
          {button('invoices')}
        </form>
      </section>
      <section class="card" aria-labelledby="exp-payments-h">
        <h2 id="exp-payments-h">{kindName('payments')}</h2>
        <form method="get" action="/staff/exports/payments.csv" class="filters">
          <Choice ctx={ctx} form="payments" name="method" label="reports.filter.method" values={values} options={ONLINE_METHODS.map((m) => ({ value: m, label: t(`billing.method.${m}`) }))} />
          <Choice ctx={ctx} form="payments" name="status" label="reports.filter.status" values={values} options={ATTEMPT_STATUSES.map((s) => ({ value: s, label: t(`staffBilling.attempt.${s}`) }))} />
          <DateInput ctx={ctx} form="payments" name="since" label="reports.filter.since" values={values} />
          {button('payments')}
        </form>
      </section>
    </Layout>
  );
}
