import type { FeeType } from '../../platform/db/schema';
import { dateOnly, formatDateEn, formatDateJa, formatYen } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, Select } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { PAYMENT_METHODS } from './fee-schemas';

const feeName = (ctx: PageContext, f: FeeType) => (ctx.locale === 'en' ? f.name_en : f.name_ja);
const longDate = (ctx: PageContext, value: string) => (ctx.locale === 'ja' ? formatDateJa(dateOnly(value)) : formatDateEn(dateOnly(value)));

/** 料金区分と払込票の発送日 (administrators): the fee types, and the dispatch dates form. */
export function FeesPage({ ctx, fees, values, errors, nextDispatch }: { ctx: PageContext; fees: FeeType[]; values: FormValues; errors?: FormErrors; nextDispatch: string }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('fees.title')} errors={errors} fieldLabels={labelsFor(ctx, { dispatches: 'fees.f.dispatches' })}>
      <h1>{t('fees.title')}</h1>
      <p>{t('fees.lead')}</p>
      <div class="notice notice--warning" role="note"><p>{t('fees.amountNote')}</p></div>
      <div class="table-wrap" role="region" aria-label={t('fees.col.name')} tabIndex={0}>
        <table class="table dense">
          <thead><tr>
            <th scope="col">{t('fees.col.name')}</th><th scope="col">{t('fees.col.code')}</th><th scope="col">{t('fees.col.amount')}</th>
            <th scope="col">{t('fees.col.methods')}</th><th scope="col">{t('fees.col.tax')}</th><th scope="col">{t('fees.col.due')}</th>
          </tr></thead>
          <tbody>
            {fees.map((f) => (
              <tr key={f.code}>
                <td><a href={`/staff/fees/${f.code}`}>{feeName(ctx, f)}</a></td>
                <td>{f.code}</td>
                <td>{formatYen(f.amount)}</td>
                <td>{f.methods.map((m) => t(`billing.method.${m}`)).join(' / ')}</td>
                <td>{t(`fees.tax.${f.tax_category}`)}</td>
                <td>{f.due_month_day ?? t('fees.noDue')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="dispatch-title">
        <h2 id="dispatch-title">{t('fees.dispatchTitle')}</h2>
        <p>{t('fees.dispatchLead')}</p>
        <p>{t('fees.nextDispatch', { date: longDate(ctx, nextDispatch) })}</p>
        <form method="post" action="/staff/fees/dispatches" novalidate>
          <Csrf ctx={ctx} />
          <Field ctx={ctx} name="dispatches" label="fees.f.dispatches" hint="fees.hint.dispatches" multiline required errors={errors} values={values} maxLength={200} spellcheck={false} />
          <div class="actions"><button type="submit" class="button">{t('common.save')}</button></div>
        </form>
      </section>
    </Layout>
  );
}

const labels = { amount: 'fees.f.amount', methods: 'fees.f.methods', tax_category: 'fees.f.tax_category', due_month_day: 'fees.f.due_month_day' } as const;

export function FeeTypeFormPage({ ctx, fee, values, methods, errors }: { ctx: PageContext; fee: FeeType; values: FormValues; methods: string[]; errors?: FormErrors }) {
  const t = ctx.t;
  const title = `${t('fees.edit')}: ${feeName(ctx, fee)}`;
  const methodsError = errors?.methods;
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, labels)}>
      <p><a href="/staff/fees">{t('fees.title')}</a></p>
      <h1>{title}</h1>
      <div class="notice notice--warning" role="note"><p>{t('fees.amountNote')}</p></div>
      <form method="post" action={`/staff/fees/${fee.code}`} novalidate>
        <Csrf ctx={ctx} />
        <Field ctx={ctx} name="amount" label="fees.f.amount" required errors={errors} values={values} width="s" inputMode="numeric" maxLength={9} />
        <fieldset class={`field${methodsError ? ' field--error' : ''}`} aria-describedby={methodsError ? 'methods-error' : undefined}>
          <legend class="field__label">{t('fees.f.methods')}<span class="field__required">{t('common.required')}</span></legend>
          {methodsError && <p id="methods-error" class="field__error"><span class="visually-hidden">{t('common.errorPrefix')}: </span>{t(methodsError)}</p>}
          {PAYMENT_METHODS.map((m, i) => (
            <p key={m}><label><input type="checkbox" name="methods" value={m} id={i === 0 ? 'methods' : undefined} checked={methods.includes(m)} /> {t(`billing.method.${m}`)}</label></p>
          ))}
        </fieldset>
        <Select ctx={ctx} name="tax_category" label="fees.f.tax_category" hint="fees.hint.tax" required errors={errors} values={values}
          options={(['non_taxable', 'taxable_10'] as const).map((c) => ({ value: c, label: t(`fees.tax.${c}`) }))} />
        <Field ctx={ctx} name="due_month_day" label="fees.f.due_month_day" hint="fees.hint.due" errors={errors} values={values} width="s" inputMode="numeric" maxLength={10} />
        <div class="actions"><button type="submit" class="button">{t('common.save')}</button></div>
      </form>
    </Layout>
  );
}
