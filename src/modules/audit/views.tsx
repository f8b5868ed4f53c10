import type { MessageKey } from '../../platform/i18n';
import { formatDateTime } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Field, labelsFor } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import type { AuditEntryView } from './service';

/** The filters (and a cursor) as a query string for the page links and the CSV link. */
function filterQuery(values: FormValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...values, ...extra })) if (v) params.set(k, v);
  return params.toString();
}

const filterLabels = {
  member: 'audit.member', actor: 'audit.actor', action: 'audit.action', from: 'audit.from', to: 'audit.to',
} as const satisfies Record<string, MessageKey>;

const ACTOR_KIND = { staff: 'audit.actor.staff', member: 'audit.actor.member', system: 'audit.actor.system', anonymous: 'audit.actor.anonymous' } as const;

/** A JSON value as one line a person reads: strings bare, the rest as JSON. */
const scalar = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '—' : JSON.stringify(value));

/** before/after as "key: old → new" lines (keys of either side), detail as "key: value" lines. */
export function changeLines(row: Pick<AuditEntryView, 'before' | 'after' | 'detail'>): string[] {
  const asObject = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const lines: string[] = [];
  const before = asObject(row.before);
  const after = asObject(row.after);
  if (before || after) {
    for (const key of new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])) {
      if (before && after) lines.push(`${key}: ${scalar(before[key])} → ${scalar(after[key])}`);
      else if (after) lines.push(`${key}: → ${scalar(after[key])}`);
      else lines.push(`${key}: ${scalar(before![key])} →`);
    }
  } else {
    if (row.before !== null && row.before !== undefined) lines.push(`→ ${scalar(row.before)}`);
    if (row.after !== null && row.after !== undefined) lines.push(`→ ${scalar(row.after)}`);
  }
  const detail = asObject(row.detail);
  if (detail) for (const [key, value] of Object.entries(detail)) lines.push(`${key}: ${scalar(value)}`);
  else if (row.detail !== null && row.detail !== undefined) lines.push(scalar(row.detail));
  return lines;
}

function actorText(ctx: PageContext, r: AuditEntryView): string {
  const kind = ctx.t(ACTOR_KIND[r.actor.kind]);
  if (r.actor.email) return `${kind}: ${r.actor.label} <${r.actor.email}>`;
  if (r.actor.memberNumber) return `${kind}: ${r.actor.memberNumber} ${r.actor.label}`;
  return r.actor.label ? `${kind} ${r.actor.label}` : kind;
}

const subjectText = (r: AuditEntryView) => (r.subject_type ? `${r.subject_type}${r.subject_id ? ` #${r.subject_id}` : ''}` : '');

/** 監査ログ: the filters, a page of rows (newest first), the next page, and the CSV of everything the filters find. */
export function AuditTrailPage({ ctx, values, errors, rows, next, paged }: {
  ctx: PageContext; values: FormValues; errors?: FormErrors; rows?: AuditEntryView[]; next?: string; paged: boolean;
}) {
  const t = ctx.t;
  const pager = rows && (paged || next) && (
    <nav class="pagination" aria-label={t('audit.pages')}>
      {paged && <a href={`/staff/audit?${filterQuery(values)}`}>{t('audit.newest')}</a>}{' '}
      {next && <a href={`/staff/audit?${filterQuery(values, { after: next })}`}>{t('audit.older')}</a>}
    </nav>
  );
  return (
    <Layout ctx={ctx} title={t('audit.title')} errors={errors} fieldLabels={labelsFor(ctx, filterLabels)}>
      <h1>{t('audit.title')}</h1>
      <p>{t('audit.lead')}</p>
      <form method="get" action="/staff/audit" class="filters" role="search" aria-label={t('audit.title')} novalidate>
        <Field ctx={ctx} name="member" label="audit.member" hint="audit.memberHint" errors={errors} values={values} maxLength={20} width="s" inputMode="numeric" />
        <Field ctx={ctx} name="actor" label="audit.actor" hint="audit.actorHint" errors={errors} values={values} maxLength={254} spellcheck={false} />
        <Field ctx={ctx} name="action" label="audit.action" hint="audit.actionHint" errors={errors} values={values} maxLength={100} spellcheck={false} />
        <Field ctx={ctx} name="from" label="audit.from" hint="audit.dateHint" errors={errors} values={values} maxLength={20} width="s" />
        <Field ctx={ctx} name="to" label="audit.to" hint="audit.dateHint" errors={errors} values={values} maxLength={20} width="s" />
        <div class="actions"><button type="submit" class="button">{t('common.search')}</button></div>
      </form>
      {rows && (
        <section aria-labelledby="audit-results">
          <h2 id="audit-results">{t('audit.results')}</h2>
          {rows.length > 0 && <p class="actions"><a class="button button--secondary" href={`/staff/audit.csv?${filterQuery(values)}`} download>{t('audit.csv')}</a></p>}
          {rows.length === 0 ? <p>{t('audit.none')}</p> : (
            <>
              <div class="table-wrap" role="region" aria-label={t('audit.results')} tabIndex={0}>
                <table class="table dense">
                  <thead><tr>
                    <th scope="col">{t('audit.col.at')}</th><th scope="col">{t('audit.actor')}</th><th scope="col">{t('audit.action')}</th>
                    <th scope="col">{t('audit.col.subject')}</th><th scope="col">{t('audit.member')}</th><th scope="col">{t('audit.col.change')}</th>
                  </tr></thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.id}>
                        <td>{formatDateTime(r.occurred_at, ctx.locale)}</td>
                        <td class="break">{actorText(ctx, r)}</td>
                        <td><code>{r.action}</code></td>
                        <td>{subjectText(r)}</td>
                        <td>{r.member ? <><a href={`/staff/members/${r.member.number}`}>{r.member.number}</a> {r.member.name}</> : ''}</td>
                        <td class="break">{changeLines(r).map((line, i) => <div key={i}>{line}</div>)}</td>
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

const CSV_TIME = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

/** The CSV's columns (Japanese, for the office's spreadsheet) and one row of it. */
export const AUDIT_CSV_HEADER = ['日時（日本時間）', '操作者の種別', '操作者', '操作', '対象の種別', '対象ID', '会員番号', '氏名', 'IPアドレス', 'リクエストID', '変更前', '変更後', '詳細'];

export function auditCsvRow(ctx: PageContext, r: AuditEntryView): (string | number | null)[] {
  const actor = r.actor.email ?? r.actor.memberNumber ?? r.actor.label;
  return [
    CSV_TIME.format(r.occurred_at), ctx.t(ACTOR_KIND[r.actor.kind]), actor, r.action, r.subject_type, r.subject_id,
    r.member?.number ?? '', r.member?.name ?? '', r.ip, r.request_id, json(r.before), json(r.after), json(r.detail),
  ];
}
