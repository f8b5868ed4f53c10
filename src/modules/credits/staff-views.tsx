import type { CreditKind } from '../../platform/db/schema';
import { formatDateTime } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { fullName, type Member } from '../members/service';
import type { Transcript } from './rules';
import type { CreditRecord } from './service';
import { day, entryName, FileList, KINDS, RecordSummary, StatusBadge } from './views';

export const REVIEW_TARGET_DAYS = 14;

export interface QueueRow {
  id: number; control_no: string; credits: number; activity_date: string; submitted_at: Date | null; detail_title: string;
  code: string; name_ja: string; name_en: string; kind: CreditKind; first_file_id: number | null; member: Member; ageDays: number;
}

export function ReviewQueuePage({ ctx, rows, total, filters, message, page = 1, pageSize = 100, hasMore = false }: {
  ctx: PageContext; rows: QueueRow[]; total: number; filters: { kind: string; age: string }; message?: string; page?: number; pageSize?: number; hasMore?: boolean;
}) {
  const t = ctx.t;
  const pageLink = (p: number) => `/staff/credits?${new URLSearchParams({ ...(filters.kind ? { kind: filters.kind } : {}), ...(filters.age ? { age: filters.age } : {}), page: String(p) })}`;
  const pager = (page > 1 || hasMore) && (
    <nav class="pagination" aria-label={t('staff.queuePage', { from: (page - 1) * pageSize + 1, to: (page - 1) * pageSize + rows.length })}>
      <p>{t('staff.queuePage', { from: (page - 1) * pageSize + 1, to: (page - 1) * pageSize + rows.length })}</p>
      {page > 1 && <a href={pageLink(page - 1)}>{t('staff.queuePrev', { count: pageSize })}</a>}{' '}
      {hasMore && <a href={pageLink(page + 1)}>{t('staff.queueNext', { count: pageSize })}</a>}
    </nav>
  );
  // Who may not review (an auditor) reads the same queue without the boxes and the button.
  const review = ctx.can('credits.review');
  const table = (
    <div class="table-wrap" role="region" aria-label={t('staff.creditsQueueTitle')} tabIndex={0}>
      <table class="table dense">
        <thead><tr>
          {review && <th scope="col"><span class="visually-hidden">{t('staff.select')}</span></th>}
          <th scope="col">{t('credits.col.controlNo')}</th>
          <th scope="col">{t('staff.queueAge')}</th>
          <th scope="col">{t('staff.queueMember')}</th>
          <th scope="col">{t('staff.queueItem')}</th>
          <th scope="col">{t('credits.col.date')}</th>
          <th scope="col">{t('credits.col.credits')}</th>
          <th scope="col">{t('staff.queueProof')}</th>
        </tr></thead>
        <tbody>
          {rows.map((r) => {
            const overdue = r.ageDays > REVIEW_TARGET_DAYS;
            return (
              <tr key={r.id} class={overdue ? 'row--overdue' : undefined}>
                {review && <td><input type="checkbox" name="ids" value={String(r.id)} id={`sel-${r.id}`} aria-label={`${t('staff.select')}: ${r.control_no}`} /></td>}
                <td><a href={`/staff/credits/${r.id}`}>{r.control_no}</a></td>
                <td>{overdue ? <strong>{t('staff.queueOverdue', { days: r.ageDays })}</strong> : t('staff.queueDays', { days: r.ageDays })}</td>
                <td><a href={`/staff/members/${r.member.member_number}`}>{r.member.member_number}</a> {fullName(r.member)}</td>
                <td><span class="muted">{r.code}</span> {entryName(ctx, r)}{r.detail_title && <> — {r.detail_title}</>}</td>
                <td>{day(ctx, r.activity_date)}</td>
                <td>{r.credits}</td>
                <td>{r.first_file_id ? <a href={`/staff/credits/files/${r.first_file_id}`} target="_blank" rel="noopener">{t('credits.file')}</a> : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
  return (
    <Layout ctx={ctx} title={t('staff.creditsQueueTitle')}>
      <h1>{t('staff.creditsQueueTitle')}</h1>
      {message && <div class="notice notice--warning" role="alert"><p>{message}</p></div>}
      <p>{t('staff.queueCount', { count: total })}</p>
      <form method="get" action="/staff/credits" class="filters">
        <div class="field">
          <label class="field__label" for="kind">{t('staff.queueKind')}</label>
          <select id="kind" name="kind" class="input">
            <option value="">{t('staff.queueAgeAll')}</option>
            {KINDS.map((k) => <option key={k} value={k} selected={filters.kind === k}>{t(`credits.kind.${k}`)}</option>)}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="age">{t('staff.queueMinAge')}</label>
          <select id="age" name="age" class="input">
            <option value="">{t('staff.queueAgeAll')}</option>
            <option value="7" selected={filters.age === '7'}>{t('staff.queueAge7')}</option>
            <option value="14" selected={filters.age === '14'}>{t('staff.queueAge14')}</option>
          </select>
        </div>
        <div class="actions"><button type="submit" class="button button--secondary">{t('staff.queueFilter')}</button></div>
      </form>
      {rows.length === 0 ? <p>{t('staff.queueEmpty')}</p> : (
        review ? (
          <form method="post" action="/staff/credits/bulk-approve">
            <Csrf ctx={ctx} />
            {table}
            <div class="actions"><button type="submit" class="button">{t('staff.bulkApprove')}</button></div>
          </form>
        ) : table
      )}
      {pager}
    </Layout>
  );
}

export function ReviewPage({ ctx, record, member, templates, errors, values, message }: {
  ctx: PageContext; record: CreditRecord; member: Member; templates: string[]; errors?: FormErrors; values?: FormValues; message?: string;
}) {
  const t = ctx.t;
  const { credit } = record;
  const images = record.files.filter((f) => f.content_type !== 'application/pdf');
  return (
    <Layout ctx={ctx} title={`${t('staff.creditTitle')} ${credit.control_no}`} errors={errors} fieldLabels={labelsFor(ctx, { reason: 'staff.rejectReason' })}>
      <p><a href="/staff/credits">{t('staff.creditsQueueTitle')}</a></p>
      <h1>{`${t('staff.creditTitle')} ${credit.control_no}`}</h1>
      {message && <div class="notice notice--warning" role="alert"><p>{message}</p></div>}
      <p><a href={`/staff/members/${member.member_number}`}>{member.member_number}</a> {fullName(member)}</p>
      <RecordSummary ctx={ctx} record={record} />
      <section class="card" aria-labelledby="proof-h">
        <h2 id="proof-h">{t('credits.proofTitle')}</h2>
        <FileList ctx={ctx} files={record.files} href={(f) => `/staff/credits/files/${f.id}`} />
        {images.map((f) => <img key={f.id} class="proof-preview" src={`/staff/credits/files/${f.id}`} alt={f.original_name} />)}
      </section>
      <section class="card" aria-labelledby="history-h">
        <h2 id="history-h">{t('credits.history')}</h2>
        <ul>
          {record.events.map((e) => <li key={e.id}>{formatDateTime(e.occurred_at, ctx.locale)} {t(`credits.event.${e.action as 'create'}`)} {e.comment && `— ${e.comment}`}</li>)}
        </ul>
      </section>
      {credit.status === 'pending' && ctx.can('credits.review') ? (
        <div class="decision">
          <form method="post" action={`/staff/credits/${credit.id}/approve`}>
            <Csrf ctx={ctx} />
            <button type="submit" class="button">{t('staff.approve')}</button>
          </form>
          <form method="post" action={`/staff/credits/${credit.id}/reject`} novalidate>
            <Csrf ctx={ctx} />
            {templates.length > 0 && (
              <details>
                <summary>{t('staff.reasonTemplates')}</summary>
                <ul>{templates.map((tpl) => <li key={tpl}>{tpl}</li>)}</ul>
                {ctx.can('credits.editReasons') && <p><a href="/staff/credits/reasons">{t('staff.reasonsEdit')}</a></p>}
              </details>
            )}
            <Field ctx={ctx} name="reason" label="staff.rejectReason" hint="staff.rejectReasonHint" required multiline errors={errors} values={values} maxLength={1000} />
            <button type="submit" class="button button--secondary">{t('staff.reject')}</button>
          </form>
        </div>
      ) : <p><StatusBadge ctx={ctx} status={credit.status} /></p>}
    </Layout>
  );
}

/** 単位情報 on the staff member page: the member's whole ledger with what counted. */
export function StaffLedger({ ctx, transcript }: { ctx: PageContext; transcript: Transcript }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="ledger-h">
      <h2 id="ledger-h">{t('staff.memberCredits')}</h2>
      <p>{t('credits.totalValue', { total: transcript.total, required: transcript.required })} · {t('credits.selfReportValue', {
        counted: transcript.selfReport.counted, cap: transcript.selfReport.cap, approved: transcript.selfReport.approved, pending: transcript.selfReport.pending,
      })}</p>
      {transcript.lines.length === 0 ? <p>{t('credits.none')}</p> : (
        <div class="table-wrap" role="region" aria-label={t('staff.memberCredits')} tabIndex={0}>
          <table class="table dense">
            <thead><tr>
              <th scope="col">{t('credits.col.controlNo')}</th><th scope="col">{t('credits.col.date')}</th><th scope="col">{t('credits.col.name')}</th>
              <th scope="col">{t('credits.col.source')}</th><th scope="col">{t('credits.col.credits')}</th><th scope="col">{t('credits.col.counted')}</th><th scope="col">{t('credits.col.status')}</th>
            </tr></thead>
            <tbody>
              {transcript.lines.map((l) => (
                <tr key={l.id} class={l.inPeriod ? undefined : 'row--muted'}>
                  <td>{l.status === 'pending' ? <a href={`/staff/credits/${l.id}`}>{l.controlNo}</a> : l.controlNo}</td>
                  <td>{day(ctx, l.activityDate)}{!l.inPeriod && ` (${t('credits.outsidePeriod')})`}</td>
                  <td>{l.code} {l.name}</td>
                  <td>{t(`credits.source.${l.source}`)}</td>
                  <td>{l.credits}</td>
                  <td>{l.status === 'approved' ? l.counted : '—'}</td>
                  <td><StatusBadge ctx={ctx} status={l.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ReasonTemplatesPage({ ctx, values, errors }: { ctx: PageContext; values: FormValues; errors?: FormErrors }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.reasonsTitle')} errors={errors} fieldLabels={labelsFor(ctx, { templates: 'staff.reasonTemplates' })}>
      <p><a href="/staff/credits">{t('staff.creditsQueueTitle')}</a></p>
      <h1>{t('staff.reasonsTitle')}</h1>
      {ctx.can('credits.editReasons') ? (
        <form method="post" action="/staff/credits/reasons" novalidate>
          <Csrf ctx={ctx} />
          <Field ctx={ctx} name="templates" label="staff.reasonTemplates" hint="staff.reasonsHint" multiline errors={errors} values={values} maxLength={5000} />
          <div class="actions"><button type="submit" class="button">{t('common.save')}</button></div>
        </form>
      ) : (
        <fieldset disabled class="read-only">
          <Field ctx={ctx} name="templates" label="staff.reasonTemplates" hint="staff.reasonsHint" multiline errors={errors} values={values} maxLength={5000} />
        </fieldset>
      )}
    </Layout>
  );
}

/** 事務局: add a credit for a member by hand; the reason goes on the record's history and the audit trail. */
export function StaffCreditPage({ ctx, member, values, errors }: { ctx: PageContext; member: Member; values: FormValues; errors?: FormErrors }) {
  const t = ctx.t;
  const back = `/staff/members/${member.member_number}`;
  return (
    <Layout ctx={ctx} title={t('m360.addCredit')} errors={errors}
      fieldLabels={labelsFor(ctx, { code: 'm360.creditCode', activityDate: 'credits.activityDate', credits: 'm360.creditsAmount', reason: 'm360.creditReason' })}>
      <p><a href={back}>{`${member.member_number} ${fullName(member)}`}</a></p>
      <h1>{t('m360.addCredit')}</h1>
      <form method="post" action={`${back}/credits/new`} novalidate class="narrow">
        <Csrf ctx={ctx} />
        <Field ctx={ctx} name="code" label="m360.creditCode" hint="m360.creditCodeHint" required errors={errors} values={values} width="m" maxLength={40} spellcheck={false} autocomplete="off" />
        <Field ctx={ctx} name="activityDate" label="credits.activityDate" type="date" required errors={errors} values={values} />
        <Field ctx={ctx} name="credits" label="m360.creditsAmount" inputMode="numeric" required errors={errors} values={values} width="s" maxLength={5} autocomplete="off" />
        <Field ctx={ctx} name="reason" label="m360.creditReason" multiline required errors={errors} values={values} maxLength={1000} />
        <div class="actions">
          <button type="submit" class="button">{t('m360.addCredit')}</button>
          <a href={back} class="button button--quiet">{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}
