import type { CatalogueEntry, CreditCategory } from '../../platform/db/schema';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, Select } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { day, entryName, KINDS } from './views';

type Row = CatalogueEntry & { uses: string | number };

export function CataloguePage({ ctx, rows, q, includeRetired, isAdmin }: { ctx: PageContext; rows: Row[]; q: string; includeRetired: boolean; isAdmin: boolean }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('catalogue.title')}>
      <h1>{t('catalogue.title')}</h1>
      {ctx.can('catalogue.edit') && <p><a class="button" href="/staff/catalogue/new">{t('catalogue.new')}</a></p>}
      <form method="get" action="/staff/catalogue" class="filters" role="search">
        <div class="field">
          <label class="field__label" for="cq">{t('credits.lookupWords')}</label>
          <input id="cq" name="q" type="search" class="input" value={q} maxLength={100} />
        </div>
        <div class="field">
          <label><input type="checkbox" name="retired" value="1" checked={includeRetired} /> {t('catalogue.showRetired')}</label>
        </div>
        <div class="actions"><button type="submit" class="button button--secondary">{t('common.search')}</button></div>
      </form>
      {rows.length === 0 ? <p>{t('catalogue.none')}</p> : (
        <div class="table-wrap" role="region" aria-label={t('catalogue.title')} tabIndex={0}>
          <table class="table dense">
            <thead><tr>
              <th scope="col">{t('catalogue.code')}</th><th scope="col">{t('credits.col.name')}</th><th scope="col">{t('catalogue.kind')}</th>
              <th scope="col">{t('credits.col.category')}</th><th scope="col">{t('catalogue.credits')}</th><th scope="col">{t('credits.lookupPeriod')}</th>
              <th scope="col">{t('catalogue.status')}</th><th scope="col"><span class="visually-hidden">{t('common.edit')}</span></th>
            </tr></thead>
            <tbody>
              {rows.map((e) => {
                const uses = Number(e.uses);
                return (
                  <tr key={e.id} class={e.retired_at ? 'row--muted' : undefined}>
                    <td><a href={`/staff/catalogue/${e.id}`}>{e.code}</a></td>
                    <td>{entryName(ctx, e)}</td>
                    <td>{t(`credits.kind.${e.kind}`)}</td>
                    <td>{e.category_code}</td>
                    <td>{e.credits}</td>
                    <td>{e.activity_from || e.activity_to ? `${day(ctx, e.activity_from)} – ${day(ctx, e.activity_to)}` : ''}</td>
                    <td>{t(e.retired_at ? 'catalogue.retired' : 'catalogue.active')} · {uses > 0 ? t('catalogue.used', { count: uses }) : t('catalogue.unused')}</td>
                    <td>
                      {isAdmin && (
                        <form method="post" action={`/staff/catalogue/${e.id}/${e.retired_at ? 'restore' : 'retire'}`}>
                          <Csrf ctx={ctx} />
                          <button type="submit" class="button button--quiet" aria-label={`${t(e.retired_at ? 'catalogue.restore' : 'catalogue.retire')}: ${e.code}`}>
                            {t(e.retired_at ? 'catalogue.restore' : 'catalogue.retire')}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

const labels = {
  code: 'catalogue.code', name_ja: 'catalogue.nameJa', name_en: 'catalogue.nameEn', category_code: 'catalogue.category', kind: 'catalogue.kind',
  credits: 'catalogue.credits', activity_from: 'catalogue.from', activity_to: 'catalogue.to', detail_kind: 'catalogue.detailKind', limit_group: 'catalogue.limitGroup',
} as const;

export function CatalogueFormPage({ ctx, entry, categories, errors, values, message, canDelete }: {
  ctx: PageContext; entry?: CatalogueEntry; categories: CreditCategory[]; errors?: FormErrors; values: FormValues; message?: string; canDelete?: boolean;
}) {
  const t = ctx.t;
  const title = t(entry ? 'catalogue.edit' : 'catalogue.new');
  const checked = (name: string) => values[name] === 'on' || values[name] === 'true';
  const editable = ctx.can('catalogue.edit');
  const fields = (
    <>
      {!entry && <Field ctx={ctx} name="code" label="catalogue.code" hint="catalogue.codeHint" required errors={errors} values={values} maxLength={40} spellcheck={false} />}
      <Field ctx={ctx} name="name_ja" label="catalogue.nameJa" required errors={errors} values={values} maxLength={200} />
      <Field ctx={ctx} name="name_en" label="catalogue.nameEn" errors={errors} values={values} maxLength={200} />
      <Select ctx={ctx} name="category_code" label="catalogue.category" required errors={errors} values={values}
        options={categories.map((c) => ({ value: c.code, label: `${c.code} ${ctx.locale === 'en' ? c.name_en : c.name_ja}` }))} />
      <Select ctx={ctx} name="kind" label="catalogue.kind" required errors={errors} values={values} options={KINDS.map((k) => ({ value: k, label: t(`credits.kind.${k}`) }))} />
      <Field ctx={ctx} name="credits" label="catalogue.credits" required errors={errors} values={values} width="s" inputMode="numeric" maxLength={3} />
      <Field ctx={ctx} name="activity_from" label="catalogue.from" hint="catalogue.periodHint" type="date" errors={errors} values={values} />
      <Field ctx={ctx} name="activity_to" label="catalogue.to" type="date" errors={errors} values={values} />
      <fieldset class="field">
        <legend class="field__label">{t('catalogue.flags')}</legend>
        <p><label><input type="checkbox" name="self_reportable" checked={checked('self_reportable')} /> {t('catalogue.selfReportable')}</label></p>
        <p><label><input type="checkbox" name="once_per_fiscal_year" checked={checked('once_per_fiscal_year')} /> {t('catalogue.oncePerYear')}</label></p>
      </fieldset>
      <Select ctx={ctx} name="detail_kind" label="catalogue.detailKind" required errors={errors} values={values}
        options={(['none', 'meeting_name', 'paper'] as const).map((d) => ({ value: d, label: t(`catalogue.detail.${d}`) }))} />
      <Field ctx={ctx} name="limit_group" label="catalogue.limitGroup" hint="catalogue.limitGroupHint" errors={errors} values={values} maxLength={40} spellcheck={false} />
    </>
  );
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, labels)}>
      <p><a href="/staff/catalogue">{t('catalogue.title')}</a></p>
      <h1>{entry ? `${title}: ${entry.code}` : title}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      {/* A role that may not edit (an auditor) reads the same fields, disabled, with nothing to submit. */}
      {editable ? (
        <form method="post" action={entry ? `/staff/catalogue/${entry.id}` : '/staff/catalogue/new'} novalidate>
          <Csrf ctx={ctx} />
          {fields}
          <div class="actions"><button type="submit" class="button">{t('common.save')}</button></div>
        </form>
      ) : <fieldset disabled class="read-only">{fields}</fieldset>}
      {entry && canDelete && editable && (
        <form method="post" action={`/staff/catalogue/${entry.id}/delete`}>
          <Csrf ctx={ctx} />
          <button type="submit" class="button button--quiet">{t('catalogue.delete')}</button>
        </form>
      )}
    </Layout>
  );
}
