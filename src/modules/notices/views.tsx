import type { Notice } from '../../platform/db/schema';
import { formatDateTime } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import type { NoticeStatus } from './service';

const STATUS_KEY = { live: 'staff.noticeLive', scheduled: 'staff.noticeScheduled', ended: 'staff.noticeEnded' } as const;

export function NoticesPage({ ctx, notices, statusOf }: { ctx: PageContext; notices: Notice[]; statusOf: (n: Notice) => NoticeStatus }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.noticesTitle')}>
      <h1>{t('staff.noticesTitle')}</h1>
      {ctx.can('notices.manage') && <p><a class="button" href="/staff/notices/new">{t('staff.noticeNew')}</a></p>}
      {notices.length === 0 ? <p>{t('staff.noticeNone')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <thead><tr>
              <th scope="col">{t('staff.noticeTitleJa')}</th><th scope="col">{t('staff.noticeStatus')}</th>
              <th scope="col">{t('staff.noticeFrom')}</th><th scope="col">{t('staff.noticeUntil')}</th>
            </tr></thead>
            <tbody>
              {notices.map((n) => {
                const status = statusOf(n);
                return (
                  <tr key={n.id}>
                    <td><a href={`/staff/notices/${n.id}`}>{n.title_ja}</a></td>
                    <td><span class={`badge badge--${status}`}>{t(STATUS_KEY[status])}</span></td>
                    <td>{formatDateTime(n.publish_from, ctx.locale)}</td>
                    <td>{n.publish_until ? formatDateTime(n.publish_until, ctx.locale) : ''}</td>
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
  title_ja: 'staff.noticeTitleJa', body_ja: 'staff.noticeBodyJa', title_en: 'staff.noticeTitleEn', body_en: 'staff.noticeBodyEn',
  publish_from: 'staff.noticeFrom', publish_until: 'staff.noticeUntil',
} as const;

export function NoticeFormPage({ ctx, id, errors, values }: { ctx: PageContext; id?: number; errors?: FormErrors; values: FormValues }) {
  const t = ctx.t;
  const title = t(id ? 'staff.noticeEdit' : 'staff.noticeNew');
  const editable = ctx.can('notices.manage');
  const fields = (
    <>
      <Field ctx={ctx} name="title_ja" label="staff.noticeTitleJa" required errors={errors} values={values} maxLength={200} />
      <Field ctx={ctx} name="body_ja" label="staff.noticeBodyJa" required multiline errors={errors} values={values} maxLength={5000} />
      <Field ctx={ctx} name="title_en" label="staff.noticeTitleEn" errors={errors} values={values} maxLength={200} />
      <Field ctx={ctx} name="body_en" label="staff.noticeBodyEn" multiline errors={errors} values={values} maxLength={5000} />
      <Field ctx={ctx} name="publish_from" label="staff.noticeFrom" type="datetime-local" required errors={errors} values={values} />
      <Field ctx={ctx} name="publish_until" label="staff.noticeUntil" hint="staff.noticeUntilHint" type="datetime-local" errors={errors} values={values} />
    </>
  );
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, labels)}>
      <p><a href="/staff/notices">{t('common.back')}</a></p>
      <h1>{title}</h1>
      {/* A role that may not change notices (an auditor) reads the same fields, disabled, with nothing to submit. */}
      {editable ? (
        <form method="post" action={id ? `/staff/notices/${id}` : '/staff/notices/new'} novalidate>
          <Csrf ctx={ctx} />
          {fields}
          <div class="actions"><button type="submit" class="button">{t('common.save')}</button></div>
        </form>
      ) : <fieldset disabled class="read-only">{fields}</fieldset>}
      {id && editable && (
        <form method="post" action={`/staff/notices/${id}/delete`} class="actions">
          <Csrf ctx={ctx} />
          <p>{t('staff.noticeDeleteConfirm')}</p>
          <button type="submit" class="button button--secondary">{t('common.delete')}</button>
        </form>
      )}
    </Layout>
  );
}
