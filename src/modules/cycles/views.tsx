import type { RenewalCycle } from '../../platform/db/schema';
import type { MessageKey } from '../../platform/i18n';
import { warekiFiscalYear } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, Select } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { formatDate } from '../members/views';
import type { CycleRow } from './admin';
import { formValuesOf } from './schemas';

/** Form fields of the edit page, in order, with the cycle value each belongs to (留学 is five fields of one value). */
export const FORM_FIELDS = [
  'name_ja', 'name_en', 'period_end', 'required_credits', 'self_report_cap', 'category_minimums', 'group_limits', 'new_period_start', 'new_period_end',
  'last_annual_fee_year', 'renewal_fee_code', 'window_opens_on', 'window_closes_on', 'payment_due_on',
  'abroad_waives', 'abroad_min_months', 'abroad_credits_per_month', 'abroad_category', 'abroad_catalogue_code',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** The form fields a locked cycle leaves out (shown read-only; a POST that changes them is refused). */
export const LOCKED_FORM_FIELDS: ReadonlySet<string> = new Set<FormField>([
  'period_end', 'required_credits', 'self_report_cap', 'category_minimums', 'group_limits', 'new_period_start', 'new_period_end',
  'last_annual_fee_year', 'renewal_fee_code', 'window_opens_on', 'abroad_waives', 'abroad_min_months', 'abroad_credits_per_month',
  'abroad_category', 'abroad_catalogue_code',
]);

const DATE_FIELDS = new Set<string>(['period_end', 'new_period_start', 'new_period_end', 'window_opens_on', 'window_closes_on', 'payment_due_on']);

export const fieldLabel = (f: string) => `cycles.f.${f}` as MessageKey;

const fiscalYear = (ctx: PageContext, year: number) => (ctx.locale === 'ja' ? `${year}年度（${warekiFiscalYear(year)}）` : `FY${year} (${warekiFiscalYear(year)})`);

export function CyclesPage({ ctx, rows, current, message }: { ctx: PageContext; rows: CycleRow[]; current?: RenewalCycle; message?: string }) {
  const t = ctx.t;
  const name = (c: RenewalCycle) => (ctx.locale === 'en' ? c.name_en : c.name_ja);
  return (
    <Layout ctx={ctx} title={t('cycles.title')}>
      <h1>{t('cycles.title')}</h1>
      <p>{t('cycles.lead')}</p>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      {current && (
        <form method="post" action="/staff/cycles/clone" class="card">
          <Csrf ctx={ctx} />
          <input type="hidden" name="from" value={String(current.id)} />
          <p>{t('cycles.cloneLead', { name: name(current), year: current.fiscal_year + 1, wareki: warekiFiscalYear(current.fiscal_year + 1) })}</p>
          <div class="actions"><button type="submit" class="button">{t('cycles.clone')}</button></div>
        </form>
      )}
      {rows.length === 0 ? <p>{t('cycles.none')}</p> : (
        <div class="table-wrap" role="region" aria-label={t('cycles.title')} tabIndex={0}>
          <table class="table dense">
            <thead><tr>
              <th scope="col">{t('cycles.col.year')}</th><th scope="col">{t('cycles.col.name')}</th><th scope="col">{t('cycles.col.periodEnd')}</th>
              <th scope="col">{t('cycles.col.credits')}</th><th scope="col">{t('cycles.col.window')}</th><th scope="col">{t('cycles.col.due')}</th>
              <th scope="col">{t('cycles.col.submitted')}</th><th scope="col">{t('cycles.col.state')}</th>
            </tr></thead>
            <tbody>
              {rows.map(({ cycle: c, submitted }) => (
                <tr key={c.id}>
                  <td>{fiscalYear(ctx, c.fiscal_year)}{current?.id === c.id && <> <span class="badge">{t('cycles.current')}</span></>}</td>
                  <td><a href={`/staff/cycles/${c.id}`}>{name(c)}</a></td>
                  <td>{formatDate(ctx, c.period_end)}</td>
                  <td>{t('cycles.creditsValue', { required: c.required_credits, cap: c.self_report_cap })}</td>
                  <td>{formatDate(ctx, c.window_opens_on)} – {formatDate(ctx, c.window_closes_on)}</td>
                  <td>{formatDate(ctx, c.payment_due_on)}</td>
                  <td>{t('cycles.count', { count: submitted })}</td>
                  <td>{t(submitted > 0 ? 'cycles.stateLocked' : 'cycles.stateOpen')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

/** Every value as the secretariat reads it: dates with 和暦, the rules in words. */
function CurrentValues({ ctx, cycle, locked }: { ctx: PageContext; cycle: RenewalCycle; locked: boolean }) {
  const t = ctx.t;
  const values = formValuesOf(cycle);
  return (
    <section aria-labelledby="current-title">
      <h2 id="current-title">{t('cycles.currentValues')}</h2>
      <dl class="summary">
        {FORM_FIELDS.map((f) => (
          <div key={f} class="summary__row">
            <dt>{t(fieldLabel(f))}{locked && LOCKED_FORM_FIELDS.has(f) && <> <span class="badge">{t('cycles.lockedBadge')}</span></>}</dt>
            <dd>{DATE_FIELDS.has(f) ? formatDate(ctx, values[f] ?? null)
              : f === 'abroad_waives' ? t(cycle.study_abroad.waivesCredits ? 'common.yes' : 'common.no')
                : f === 'last_annual_fee_year' ? fiscalYear(ctx, cycle.last_annual_fee_year)
                  : (values[f] ?? '').split('\n').map((line, i) => <span key={i}>{i > 0 && <br />}{line}</span>)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function CycleFormPage({ ctx, row, values, errors, message, feeTypes }: {
  ctx: PageContext; row: CycleRow; values: FormValues; errors?: FormErrors; message?: string; feeTypes: { code: string; name_ja: string; name_en: string }[];
}) {
  const t = ctx.t;
  const { cycle, submitted } = row;
  const locked = submitted > 0;
  const shown = (f: FormField) => !locked || !LOCKED_FORM_FIELDS.has(f);
  const common = { ctx, errors, values };
  const date = (name: FormField, hint: MessageKey = 'cycles.hint.date') =>
    shown(name) && <Field {...common} name={name} label={fieldLabel(name)} hint={hint} required width="m" maxLength={20} inputMode="numeric" />;
  const num = (name: FormField, hint?: MessageKey) =>
    shown(name) && <Field {...common} name={name} label={fieldLabel(name)} hint={hint} required width="s" maxLength={4} inputMode="numeric" />;
  const title = `${t('cycles.edit')}: ${ctx.locale === 'en' ? cycle.name_en : cycle.name_ja}`;
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, Object.fromEntries(FORM_FIELDS.map((f) => [f, fieldLabel(f)])))}>
      <p><a href="/staff/cycles">{t('cycles.title')}</a></p>
      <h1>{title}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      {locked && <div class="notice" role="note"><p>{t('cycles.lockedNotice', { count: submitted })}</p></div>}
      <CurrentValues ctx={ctx} cycle={cycle} locked={locked} />
      <form method="post" action={`/staff/cycles/${cycle.id}`} novalidate>
        <Csrf ctx={ctx} />
        <Field {...common} name="name_ja" label={fieldLabel('name_ja')} required maxLength={100} />
        <Field {...common} name="name_en" label={fieldLabel('name_en')} required maxLength={100} />
        {date('period_end')}
        {num('required_credits')}
        {num('self_report_cap')}
        {shown('category_minimums') && <Field {...common} name="category_minimums" label={fieldLabel('category_minimums')} hint="cycles.hint.minimums" multiline maxLength={1000} spellcheck={false} />}
        {shown('group_limits') && <Field {...common} name="group_limits" label={fieldLabel('group_limits')} hint="cycles.hint.groups" multiline maxLength={1000} spellcheck={false} />}
        {date('new_period_start')}
        {date('new_period_end')}
        {num('last_annual_fee_year', 'cycles.hint.year')}
        {shown('renewal_fee_code') && <Select {...common} name="renewal_fee_code" label={fieldLabel('renewal_fee_code')} required
          options={feeTypes.map((f) => ({ value: f.code, label: `${ctx.locale === 'en' ? f.name_en : f.name_ja}（${f.code}）` }))} />}
        {date('window_opens_on')}
        {date('window_closes_on')}
        {date('payment_due_on', 'cycles.hint.dueLater')}
        {shown('abroad_waives') && (
          <fieldset class="field">
            <legend class="field__label">{t('cycles.f.study_abroad')}</legend>
            <Select {...common} name="abroad_waives" label={fieldLabel('abroad_waives')} required
              options={[{ value: 'yes', label: t('common.yes') }, { value: 'no', label: t('common.no') }]} />
            {num('abroad_min_months')}
            {num('abroad_credits_per_month')}
            <Field {...common} name="abroad_category" label={fieldLabel('abroad_category')} required width="s" maxLength={10} spellcheck={false} />
            <Field {...common} name="abroad_catalogue_code" label={fieldLabel('abroad_catalogue_code')} required width="m" maxLength={40} spellcheck={false} />
          </fieldset>
        )}
        <p class="field__hint">{t('cycles.cacheNote')}</p>
        <div class="actions"><button type="submit" class="button">{t('common.save')}</button></div>
      </form>
    </Layout>
  );
}
