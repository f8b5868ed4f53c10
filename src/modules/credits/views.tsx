import type { ComponentChildren } from 'preact';
import type { CatalogueEntry, CreditCategory, CreditEvent, CreditFile, CreditKind, CreditStatus } from '../../platform/db/schema';
import { dateOnly, formatDateEn, formatDateJa, formatDateTime } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import type { CreditRecord } from './service';
import type { LedgerLine, Transcript, TranscriptLine } from './rules';

export const KINDS: CreditKind[] = ['annual_meeting', 'regional_meeting', 'elearning', 'related_meeting', 'paper', 'other'];

export const day = (ctx: PageContext, value: string | null) =>
  value ? (ctx.locale === 'ja' ? formatDateJa(dateOnly(value), false) : formatDateEn(dateOnly(value), false)) : '';

export const entryName = (ctx: PageContext, e: { name_ja: string; name_en: string }) => (ctx.locale === 'en' && e.name_en ? e.name_en : e.name_ja);

export function StatusBadge({ ctx, status }: { ctx: PageContext; status: CreditStatus }) {
  return <span class={`badge badge--${status}`}>{ctx.t(`credits.status.${status}`)}</span>;
}

/** Server-rendered SVG: a progress bar of the total against the requirement. No script, scales with the page. */
export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const ratio = max > 0 ? Math.min(1, value / max) : 1;
  return (
    <svg class="progress" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label={label}>
      <rect x="0" y="0" width="100" height="8" rx="2" class="progress__track" />
      <rect x="0" y="0" width={(ratio * 100).toFixed(1)} height="8" rx="2" class={ratio >= 1 ? 'progress__fill progress__fill--done' : 'progress__fill'} />
    </svg>
  );
}

function CategoryChart({ ctx, transcript, categories }: { ctx: PageContext; transcript: Transcript; categories: CreditCategory[] }) {
  const max = Math.max(1, ...transcript.byCategory.map((c) => Math.max(c.counted, c.min)));
  const name = (code: string) => {
    const c = categories.find((x) => x.code === code);
    return c ? `${code} ${ctx.locale === 'en' ? c.name_en : c.name_ja}` : code;
  };
  const rowH = 28;
  return (
    <figure class="category-chart">
      <svg viewBox={`0 0 320 ${transcript.byCategory.length * rowH}`} role="img" aria-labelledby="cat-caption" width="100%">
        {transcript.byCategory.map((c, i) => (
          <g key={c.code} transform={`translate(0 ${i * rowH})`}>
            <rect x="120" y="6" width={((200 * c.counted) / max).toFixed(1)} height="16" class="chart__bar" />
            {c.min > 0 && <line x1={120 + (200 * c.min) / max} x2={120 + (200 * c.min) / max} y1="2" y2="26" class="chart__min" />}
            <text x="0" y="19" class="chart__label">{c.code}</text>
            <text x="116" y="19" text-anchor="end" class="chart__value">{c.counted}</text>
          </g>
        ))}
      </svg>
      <figcaption id="cat-caption">
        <ul class="category-list">
          {transcript.byCategory.map((c) => (
            <li key={c.code}>
              <strong>{name(c.code)}</strong>: {c.counted} {ctx.locale === 'ja' ? '単位' : 'credits'}
              {c.min > 0 && <> — {ctx.t(c.missing > 0 ? 'credits.categoryMin' : 'credits.categoryMinMet', { min: c.min, missing: c.missing })}</>}
            </li>
          ))}
          {transcript.byKind.map((k) => (
            <li key={k.kind}>
              <strong>{ctx.t(`credits.kind.${k.kind}`)}</strong>: {ctx.t(k.missing > 0 ? 'credits.kindMin' : 'credits.kindMinMet', { count: k.count, min: k.minCount, missing: k.missing })}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

function LedgerTable({ ctx, lines, categories, link = true }: { ctx: PageContext; lines: TranscriptLine[]; categories: CreditCategory[]; link?: boolean }) {
  const t = ctx.t;
  if (lines.length === 0) return <p>{t('credits.none')}</p>;
  const cat = (code: string) => categories.find((c) => c.code === code);
  return (
    <div class="table-wrap" role="region" aria-label={t('credits.listTitle')} tabIndex={0}>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('credits.col.controlNo')}</th>
            <th scope="col">{t('credits.col.date')}</th>
            <th scope="col">{t('credits.col.name')}</th>
            <th scope="col">{t('credits.col.category')}</th>
            <th scope="col">{t('credits.col.source')}</th>
            <th scope="col">{t('credits.col.credits')}</th>
            <th scope="col">{t('credits.col.counted')}</th>
            <th scope="col">{t('credits.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.id} class={l.inPeriod ? undefined : 'row--muted'}>
              <td>{link && l.source === 'self_report' ? <a href={`/credits/${l.controlNo}`}>{l.controlNo}</a> : l.controlNo}</td>
              <td>{day(ctx, l.activityDate)}{!l.inPeriod && <> <span class="badge badge--ended">{t('credits.outsidePeriod')}</span></>}</td>
              <td><span class="muted">{l.code}</span> {l.name}</td>
              <td><abbr title={cat(l.categoryCode) ? (ctx.locale === 'en' ? cat(l.categoryCode)!.name_en : cat(l.categoryCode)!.name_ja) : undefined}>{l.categoryCode}</abbr></td>
              <td>{t(`credits.source.${l.source}`)}</td>
              <td>{l.credits}</td>
              <td>{l.status === 'approved' ? l.counted : '—'}{l.trimmedBy && l.notCounted > 0 && <span class="muted"> ({t(`credits.trim.${l.trimmedBy}`)}: −{l.notCounted})</span>}</td>
              <td><StatusBadge ctx={ctx} status={l.status} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TranscriptPage({ ctx, transcript, categories, sort, capReached }: {
  ctx: PageContext; transcript: Transcript; categories: CreditCategory[]; sort: 'newest' | 'oldest'; capReached: boolean;
}) {
  const t = ctx.t;
  const lines = sort === 'oldest' ? [...transcript.lines].reverse() : transcript.lines;
  const s = transcript.selfReport;
  return (
    <Layout ctx={ctx} title={t('credits.title')}>
      <h1>{t('credits.title')}</h1>
      {transcript.period
        ? <p>{t('credits.periodLine', { start: day(ctx, transcript.period.start), end: day(ctx, transcript.period.end) })}</p>
        : <div class="notice notice--warning"><p>{t('credits.noPeriod')}</p></div>}
      <section class="card" aria-labelledby="total-h">
        <h2 id="total-h">{t('credits.total')}</h2>
        <p class="big-number">{t('credits.totalValue', { total: transcript.total, required: transcript.required })}</p>
        <ProgressBar value={transcript.total} max={transcript.required} label={t('credits.chartLabel', { total: transcript.total, required: transcript.required })} />
        <p>{transcript.missing > 0 ? t('credits.missing', { missing: transcript.missing }) : t('credits.enough')}</p>
        {transcript.pending.count > 0 && <p>{t('credits.pendingLine', { count: transcript.pending.count, credits: transcript.pending.credits })}</p>}
      </section>
      <section class="card" aria-labelledby="self-h">
        <h2 id="self-h">{t('credits.selfReport')}</h2>
        <p>{t('credits.selfReportValue', { counted: s.counted, cap: s.cap, approved: s.approved, pending: s.pending })}</p>
        <ProgressBar value={s.approved + s.pending} max={s.cap} label={t('credits.selfReportValue', { counted: s.counted, cap: s.cap, approved: s.approved, pending: s.pending })} />
        <p>{capReached ? t('credits.capReached', { cap: s.cap, used: s.approved + s.pending }) : t('credits.capRoom', { remaining: s.remaining, cap: s.cap })}</p>
        {!capReached && <p><a class="button button--secondary" href="/credits/new">{t('credits.newSelfReport')}</a></p>}
      </section>
      <section class="card" aria-labelledby="cat-h">
        <h2 id="cat-h">{t('credits.byCategory')}</h2>
        <CategoryChart ctx={ctx} transcript={transcript} categories={categories} />
      </section>
      {transcript.trims.length > 0 && (
        <section class="card" aria-labelledby="trim-h">
          <h2 id="trim-h">{t('credits.trimsTitle')}</h2>
          <ul>
            {transcript.trims.map((x) => (
              <li key={x.reason}>{t(`credits.trim.${x.reason}`)}: {t('credits.trimValue', { credits: x.credits, count: x.count })}</li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="list-h">
        <h2 id="list-h">{t('credits.listTitle')}</h2>
        <p class="actions">
          <a href={`/credits?sort=${sort === 'newest' ? 'oldest' : 'newest'}`}>{t(sort === 'newest' ? 'credits.sortOldest' : 'credits.sortNewest')}</a>
          <a href="/credits.csv" download>{t('credits.downloadCsv')}</a>
          <a href="/credits.pdf" download>{t('credits.downloadPdf')}</a>
        </p>
        <LedgerTable ctx={ctx} lines={lines} categories={categories} />
      </section>
    </Layout>
  );
}

/** The 単位情報 related list on 会員情報照会: the latest records, 「新規」 and 「すべて表示」. */
export function CreditsRelated({ ctx, latest, room }: { ctx: PageContext; latest: LedgerLine[]; room: { used: number; cap: number; remaining: number } }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="related-credits-h">
      <h3 id="related-credits-h">{t('credits.listTitle')}</h3>
      <p class="actions">
        {room.remaining <= 0
          ? <span>{t('credits.capReached', { cap: room.cap, used: room.used })}</span>
          : <a class="button button--secondary" href="/credits/new" data-dialog>{t('common.create')}</a>}
        <a href="/credits">{t('credits.showAll')}</a>
      </p>
      <script src="/assets/suggest.js" defer />
      <script src="/assets/dialog.js" defer />
      {latest.length === 0 ? <p>{t('credits.none')}</p> : (
        <ul class="related-list">
          {latest.map((l) => (
            <li key={l.id}>
              {l.source === 'self_report' ? <a href={`/credits/${l.controlNo}`}>{l.controlNo}</a> : l.controlNo}{' '}
              {day(ctx, l.activityDate)} {l.name} ({l.credits}) <StatusBadge ctx={ctx} status={l.status} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const formLabels = {
  catalogueId: 'credits.code', activityDate: 'credits.activityDate', detailTitle: 'credits.meetingName', detailSource: 'credits.journal',
} as const;

export function SelfReportFormPage({ ctx, entry, query, matches, errors, values, message, action, title, room }: {
  ctx: PageContext; entry?: CatalogueEntry; query: string; matches: CatalogueEntry[]; errors?: FormErrors; values: FormValues;
  message?: string; action: string; title: string; room?: string;
}) {
  const t = ctx.t;
  const detailLabel = entry?.detail_kind === 'paper' ? 'credits.paperTitle' : 'credits.meetingName';
  const base = action;
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, { ...formLabels, detailTitle: detailLabel })}>
      <h1>{title}</h1>
      <p>{t('credits.newLead')}</p>
      {room && <p class="muted">{room}</p>}
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      <section class="card" aria-labelledby="code-h">
        <h2 id="code-h">{t('credits.code')}</h2>
        {entry ? (
          <div>
            <p class="field__label">{t('credits.codeSelected')}</p>
            <p><strong>{entry.code}</strong> {entryName(ctx, entry)}（{entry.credits}{ctx.locale === 'ja' ? '単位' : ' credits'}・{t(`credits.kind.${entry.kind}`)}）</p>
            <p><a href={`${base}?change=1`}>{t('credits.codeChange')}</a></p>
          </div>
        ) : (
          <>
            <form method="get" action={base} role="search" class="search-form" data-suggest="/credits/catalogue/suggest">
              <div class="field">
                <label for="q" class="field__label">{t('credits.code')}</label>
                <p id="q-hint" class="field__hint">{t('credits.codeHint')}</p>
                {errors?.catalogueId && <p id="catalogueId" class="field__error" tabIndex={-1}>{t(errors.catalogueId)}</p>}
                <input id="q" name="q" type="search" class="input" value={query} aria-describedby="q-hint" maxLength={100} autocomplete="off" />
              </div>
              <button type="submit" class="button button--secondary">{t('common.search')}</button>
            </form>
            <p><a href={`/credits/catalogue?return=${encodeURIComponent(base)}`}>🔍 {t('credits.codeLookup')}</a></p>
            {query && (matches.length === 0 ? <p>{t('credits.lookupNone')}</p> : (
              <ul class="suggestions" id="suggestions">
                {matches.map((m) => (
                  <li key={m.id}><a href={`${base}?catalogue=${m.id}`}><strong>{m.code}</strong> {entryName(ctx, m)}（{m.credits}）</a></li>
                ))}
              </ul>
            ))}
          </>
        )}
      </section>
      {entry && (
        <form method="post" action={action} novalidate>
          <Csrf ctx={ctx} />
          <input type="hidden" name="catalogueId" value={String(entry.id)} />
          <Field ctx={ctx} name="activityDate" label="credits.activityDate" hint="credits.activityDateHint" type="date" required errors={errors} values={values} />
          {entry.detail_kind !== 'none' && (
            <Field ctx={ctx} name="detailTitle" label={detailLabel} hint={entry.detail_kind === 'meeting_name' ? 'credits.meetingNameHint' : undefined} required errors={errors} values={values} maxLength={300} />
          )}
          {entry.detail_kind === 'paper' && (
            <Field ctx={ctx} name="detailSource" label="credits.journal" hint="credits.journalHint" required errors={errors} values={values} maxLength={300} />
          )}
          <div class="actions">
            <button type="submit" class="button">{t('common.save')}</button>
            <a class="button button--quiet" href="/credits">{t('common.cancel')}</a>
          </div>
        </form>
      )}
      <script src="/assets/suggest.js" defer />
    </Layout>
  );
}

export function CatalogueLookupPage({ ctx, filters, results, categories, returnTo }: {
  ctx: PageContext; filters: { q: string; kind: string; category: string; year: string }; results: CatalogueEntry[]; categories: CreditCategory[]; returnTo: string;
}) {
  const t = ctx.t;
  const thisYear = new Date().getFullYear();
  const years = Array.from({ length: 7 }, (_, i) => thisYear - i);
  return (
    <Layout ctx={ctx} title={t('credits.lookupTitle')}>
      <h1>{t('credits.lookupTitle')}</h1>
      <form method="get" action="/credits/catalogue" class="filters">
        <input type="hidden" name="return" value={returnTo} />
        <div class="field">
          <label class="field__label" for="lq">{t('credits.lookupWords')}</label>
          <input id="lq" name="q" class="input" type="search" value={filters.q} maxLength={100} />
        </div>
        <div class="field">
          <label class="field__label" for="lkind">{t('credits.lookupKind')}</label>
          <select id="lkind" name="kind" class="input">
            <option value="">{t('credits.lookupAll')}</option>
            {KINDS.map((k) => <option key={k} value={k} selected={filters.kind === k}>{t(`credits.kind.${k}`)}</option>)}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="lcat">{t('credits.lookupCategory')}</label>
          <select id="lcat" name="category" class="input">
            <option value="">{t('credits.lookupAll')}</option>
            {categories.map((c) => <option key={c.code} value={c.code} selected={filters.category === c.code}>{`${c.code} ${ctx.locale === 'en' ? c.name_en : c.name_ja}`}</option>)}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="lyear">{t('credits.lookupYear')}</label>
          <select id="lyear" name="year" class="input">
            <option value="">{t('credits.lookupAll')}</option>
            {years.map((y) => <option key={y} value={String(y)} selected={filters.year === String(y)}>{ctx.locale === 'ja' ? `${y}年度` : `FY${y}`}</option>)}
          </select>
        </div>
        <div class="actions"><button type="submit" class="button">{t('common.search')}</button></div>
      </form>
      {results.length === 0 ? <p>{t('credits.lookupNone')}</p> : (
        <div class="table-wrap" role="region" aria-label={t('credits.lookupTitle')} tabIndex={0}>
          <table class="table">
            <thead><tr>
              <th scope="col">{t('credits.col.code')}</th><th scope="col">{t('credits.col.name')}</th><th scope="col">{t('credits.lookupKind')}</th>
              <th scope="col">{t('credits.col.category')}</th><th scope="col">{t('credits.col.credits')}</th><th scope="col">{t('credits.lookupPeriod')}</th>
              <th scope="col"><span class="visually-hidden">{t('credits.lookupSelect')}</span></th>
            </tr></thead>
            <tbody>
              {results.map((e) => (
                <tr key={e.id}>
                  <td>{e.code}</td><td>{entryName(ctx, e)}</td><td>{t(`credits.kind.${e.kind}`)}</td><td>{e.category_code}</td><td>{e.credits}</td>
                  <td>{e.activity_from || e.activity_to ? `${day(ctx, e.activity_from)} – ${day(ctx, e.activity_to)}` : ''}</td>
                  <td><a href={`${returnTo}?catalogue=${e.id}`} aria-label={`${t('credits.lookupSelect')}: ${entryName(ctx, e)}`}>{t('credits.lookupSelect')}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

function History({ ctx, events }: { ctx: PageContext; events: CreditEvent[] }) {
  const t = ctx.t;
  if (events.length === 0) return <p>{t('credits.historyNone')}</p>;
  const actorLabel = (type: string) => t(type === 'staff' ? 'credits.actor.staff' : type === 'member' ? 'credits.actor.member' : 'credits.actor.system');
  return (
    <div class="table-wrap" role="region" aria-label={t('credits.history')} tabIndex={0}>
      <table class="table">
        <thead><tr><th scope="col">{t('credits.event.at')}</th><th scope="col">{t('credits.event.action')}</th><th scope="col">{t('credits.event.actor')}</th><th scope="col">{t('credits.comment')}</th></tr></thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.occurred_at, ctx.locale)}</td>
              <td>{t(`credits.event.${e.action as 'create'}`)}</td>
              <td>{actorLabel(e.actor_type)}</td>
              <td class="break">{e.comment}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FileList({ ctx, files, href }: { ctx: PageContext; files: CreditFile[]; href: (f: CreditFile) => string }) {
  if (files.length === 0) return <p>{ctx.t('credits.noFiles')}</p>;
  return (
    <ul class="file-list">
      {files.map((f) => <li key={f.id}><a href={href(f)}>{f.original_name}</a> <span class="muted">({Math.ceil(f.size_bytes / 1024)} KB)</span></li>)}
    </ul>
  );
}

export function RecordSummary({ ctx, record, children }: { ctx: PageContext; record: CreditRecord; children?: ComponentChildren }) {
  const { credit, entry } = record;
  const t = ctx.t;
  return (
    <dl class="summary">
      <div class="summary__row"><dt>{t('credits.col.controlNo')}</dt><dd>{credit.control_no}</dd></div>
      <div class="summary__row"><dt>{t('credits.col.status')}</dt><dd><StatusBadge ctx={ctx} status={credit.status} /></dd></div>
      <div class="summary__row"><dt>{t('credits.code')}</dt><dd>{entry.code}</dd></div>
      <div class="summary__row"><dt>{t('credits.entryName')}</dt><dd>{entryName(ctx, entry)}</dd></div>
      <div class="summary__row"><dt>{t('credits.credits')}</dt><dd>{credit.credits}</dd></div>
      <div class="summary__row"><dt>{t('credits.activityDate')}</dt><dd>{day(ctx, credit.activity_date)}</dd></div>
      {credit.detail_title && <div class="summary__row"><dt>{t(entry.detail_kind === 'paper' ? 'credits.paperTitle' : 'credits.meetingName')}</dt><dd class="break">{credit.detail_title}</dd></div>}
      {credit.detail_source && <div class="summary__row"><dt>{t('credits.journal')}</dt><dd class="break">{credit.detail_source}</dd></div>}
      {children}
    </dl>
  );
}

export function CreditRecordPage({ ctx, record, uploadError }: { ctx: PageContext; record: CreditRecord; uploadError?: string }) {
  const t = ctx.t;
  const { credit } = record;
  const editable = credit.status === 'draft' || credit.status === 'rejected';
  const base = `/credits/${credit.control_no}`;
  return (
    <Layout ctx={ctx} title={`${t('credits.recordTitle')} ${credit.control_no}`}>
      <p><a href="/credits">{t('credits.title')}</a></p>
      <h1>{`${t('credits.recordTitle')} ${credit.control_no}`}</h1>
      {credit.status === 'draft' && <div class="notice notice--warning"><p>{t('credits.draftNotice')}</p></div>}
      {credit.status === 'pending' && <div class="notice"><p>{t('credits.pendingNotice')}</p></div>}
      {credit.status === 'approved' && <div class="notice notice--success"><p>{t('credits.approvedNotice')}</p></div>}
      {credit.status === 'rejected' && (
        <div class="notice notice--error">
          <h2>{t('credits.rejectedReason')}</h2>
          <p class="break">{credit.rejection_reason}</p>
          <p>{t('credits.rejectedLead')}</p>
        </div>
      )}
      <RecordSummary ctx={ctx} record={record} />
      {editable && (
        <p class="actions">
          <a class="button button--secondary" href={`${base}/edit`}>{t('credits.edit')}</a>
          <a class="button" href={`${base}/request`}>{t('credits.requestApproval')}</a>
        </p>
      )}
      <section class="card" aria-labelledby="proof-h">
        <h2 id="proof-h">{t('credits.proofTitle')}</h2>
        <FileList ctx={ctx} files={record.files} href={(f) => `${base}/files/${f.id}`} />
        {editable && (
          <form method="post" action={`${base}/files`} enctype="multipart/form-data" novalidate>
            <Csrf ctx={ctx} />
            <div class={`field${uploadError ? ' field--error' : ''}`}>
              <label for="file" class="field__label">{t('credits.file')}</label>
              <p id="file-hint" class="field__hint">{t('credits.proofHint')}</p>
              {uploadError && <p id="file-error" class="field__error" role="alert">{uploadError}</p>}
              <input id="file" name="file" type="file" multiple accept="application/pdf,image/jpeg,image/png" class="input"
                aria-describedby={uploadError ? 'file-hint file-error' : 'file-hint'} />
            </div>
            <button type="submit" class="button button--secondary">{t('credits.upload')}</button>
          </form>
        )}
      </section>
      <section class="card" aria-labelledby="history-h">
        <h2 id="history-h">{t('credits.history')}</h2>
        <History ctx={ctx} events={record.events} />
        {credit.status === 'pending' && <p><a class="button button--secondary" href={`${base}/recall`}>{t('credits.recall')}</a></p>}
      </section>
    </Layout>
  );
}

/** One page per confirmation step (承認申請 → 送信, 取り消し): impossible to mistake for having sent. */
export function ConfirmPage({ ctx, record, title, lead, action, button, message }: {
  ctx: PageContext; record: CreditRecord; title: string; lead: string; action: string; button: string; message?: string;
}) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={title}>
      <p><a href={`/credits/${record.credit.control_no}`}>{t('common.back')}</a></p>
      <h1>{title}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      <div class="notice notice--warning"><p><strong>{lead}</strong></p></div>
      <RecordSummary ctx={ctx} record={record} />
      <form method="post" action={action} novalidate>
        <Csrf ctx={ctx} />
        <Field ctx={ctx} name="comment" label="credits.comment" hint="credits.commentHint" multiline maxLength={1000} />
        <div class="actions">
          <button type="submit" class="button">{button}</button>
          <a class="button button--quiet" href={`/credits/${record.credit.control_no}`}>{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}

export function CapReachedPage({ ctx, cap, used }: { ctx: PageContext; cap: number; used: number }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('credits.newTitle')}>
      <h1>{t('credits.newTitle')}</h1>
      <div class="notice notice--warning" role="alert"><p>{t('credits.capReached', { cap, used })}</p></div>
      <p><a href="/credits">{t('credits.title')}</a></p>
    </Layout>
  );
}
