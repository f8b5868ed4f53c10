import type { PaymentImportKind, PaymentImportOutcome, PaymentImportRow } from '../../platform/db/schema';
import type { MessageKey } from '../../platform/i18n';
import { formatDateTime, formatYen } from '../../platform/japanese';
import type { PageContext } from '../../platform/views/context';
import { Csrf, CsvFileField } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { COLUMN_NAMES, IMPORT_KINDS, MAX_RESULT_ROWS, OUTCOMES, type Outcome, parseAmount, REQUIRED, type ResultPreview, TO_OVERPAYMENTS } from './result-import';
import type { PaymentImportSummary } from './result-import-repository';

/** How many rows of each table the preview shows; the CSV report has every row. */
export const PREVIEW_PROBLEM_ROWS = 1000;
export const PREVIEW_MATCHED_ROWS = 200;

const encodingName = (e: string) => (e === 'shift_jis' ? 'Shift_JIS' : 'UTF-8');
const kindKey = (kind: PaymentImportKind) => `resultImport.kind.${kind}` as const;

/** The columns of a kind as the upload page lists them: required ones, then 払込人名 for transfers. */
export function columnsOf(kind: PaymentImportKind): string {
  const names = COLUMN_NAMES[kind];
  const required = REQUIRED[kind].map((c) => names[c]);
  return kind === 'debit' ? required.join('・') : [...required, `${names.payer}（任意）`].join('・');
}

/** The upload form; `message` is the problem with the chosen kind (none chosen) or with the file. */
export function ResultImportUploadPage({ ctx, recent, message, kind }: { ctx: PageContext; recent: PaymentImportSummary[]; message?: string; kind?: string }) {
  const t = ctx.t;
  const chosen = IMPORT_KINDS.find((k) => k === kind);
  const kindError = !!message && !chosen;
  const fileError = !!message && !!chosen;
  const errors = kindError ? { 'kind-postal': 'resultImport.kindRequired' as const } : fileError ? { file: 'resultImport.fileProblem' as const } : undefined;
  return (
    <Layout ctx={ctx} title={t('resultImport.title')} errors={errors} fieldLabels={{ file: t('resultImport.file'), 'kind-postal': t('resultImport.kind') }}>
      <h1>{t('resultImport.title')}</h1>
      <p>{t('resultImport.lead')}</p>
      {ctx.can('billing.importResults') && <form method="post" action="/staff/billing/imports" enctype="multipart/form-data" novalidate class="narrow">
        {/* The token comes before the file: the CSRF check reads the fields parsed ahead of it. */}
        <Csrf ctx={ctx} />
        <fieldset class={`field${kindError ? ' field--error' : ''}`}>
          <legend class="field__label">{t('resultImport.kind')}<span class="field__required">{t('common.required')}</span></legend>
          {kindError && <p class="field__error"><span class="visually-hidden">{t('common.errorPrefix')}: </span>{message}</p>}
          {IMPORT_KINDS.map((k) => (
            <label key={k} class="choice">
              <input type="radio" id={`kind-${k}`} name="kind" value={k} checked={k === (chosen ?? (kindError ? undefined : 'postal'))} aria-describedby={`kind-${k}-columns`} /> {t(kindKey(k))}
            </label>
          ))}
          <ul class="field__hint">
            {IMPORT_KINDS.map((k) => <li key={k} id={`kind-${k}-columns`}>{t('resultImport.columnsOf', { kind: t(kindKey(k)), columns: columnsOf(k) })}</li>)}
          </ul>
        </fieldset>
        <CsvFileField ctx={ctx} label="resultImport.file" hint={t('resultImport.fileHint', { max: MAX_RESULT_ROWS })} message={fileError ? message : undefined} />
        <div class="actions"><button type="submit" class="button">{t('resultImport.preview')}</button></div>
      </form>}
      <section aria-labelledby="recent-h">
        <h2 id="recent-h">{t('resultImport.recent')}</h2>
        {recent.length === 0 ? <p>{t('resultImport.recentNone')}</p> : (
          <div class="table-wrap" role="region" aria-labelledby="recent-h" tabIndex={0}>
            <table class="table dense">
              <thead><tr>
                <th scope="col">{t('resultImport.uploadedAt')}</th><th scope="col">{t('resultImport.kind')}</th><th scope="col">{t('resultImport.fileName')}</th>
                <th scope="col">{t('resultImport.rows')}</th><th scope="col">{t('resultImport.state')}</th>
              </tr></thead>
              <tbody>
                {recent.map((r) => (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.created_at, ctx.locale)}</td>
                    <td>{t(kindKey(r.kind))}</td>
                    <td class="break"><a href={`/staff/billing/imports/${r.id}`}>{r.file_name}</a></td>
                    <td>{r.row_count}</td>
                    <td>{r.applied_at ? t('resultImport.stateApplied') : t('resultImport.stateUnapplied')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

/** The outcome of a row as the report words it, with the amounts or the reason where they matter. */
export function outcomeText(t: PageContext['t'], row: PaymentImportRow, o: PaymentImportOutcome, applied: boolean): string {
  const base = t(`resultImport.outcome.${o.outcome as Outcome}${applied && TO_OVERPAYMENTS.includes(o.outcome as Outcome) ? 'Queued' : ''}` as MessageKey);
  if (o.outcome === 'invalid_row') return `${base}: ${t(`resultImport.invalid.${o.reason as 'amount'}`)}`;
  if (o.outcome === 'debit_failed') return `${base}: ${o.reason}`;
  if (o.outcome === 'amount_mismatch') {
    return `${base}: ${t('resultImport.bothAmounts', { invoice: formatYen(o.invoiceAmount ?? 0), paid: formatYen(parseAmount(row.amount) ?? 0) })}`;
  }
  return base;
}

function RowsTable({ ctx, id, kind, rows, applied }: { ctx: PageContext; id: string; kind: PaymentImportKind; rows: { row: PaymentImportRow; o: PaymentImportOutcome }[]; applied: boolean }) {
  const t = ctx.t;
  const amount = (raw: string) => {
    const n = parseAmount(raw);
    return n === null ? raw : formatYen(n);
  };
  const heads = [t('resultImport.col.line'), kind === 'debit' ? t('resultImport.col.memberYear') : t('resultImport.col.controlNo'), t('resultImport.col.amount'),
    t('resultImport.col.date'), t('resultImport.col.transactionNo'), t('resultImport.col.outcome')];
  return (
    <div class="table-wrap" role="region" aria-labelledby={id} tabIndex={0}>
      {/* On a phone each row becomes a card: every cell carries its column's name (data-label). */}
      <table class="table dense table--stack">
        <thead><tr>{heads.map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
        <tbody>
          {rows.map(({ row, o }) => (
            <tr key={row.line} data-outcome={o.outcome}>
              <td data-label={heads[0]}>{row.line}</td>
              <td data-label={heads[1]} class="break">{kind === 'debit' ? `${row.reference} ${row.year}` : row.reference}{row.payer && <><br />{row.payer}</>}</td>
              <td data-label={heads[2]}>{amount(row.amount)}</td>
              <td data-label={heads[3]}>{row.date}</td>
              <td data-label={heads[4]} class="break">{row.transactionNo}</td>
              <td data-label={heads[5]}>
                {o.outcome === 'matched' ? outcomeText(t, row, o, applied) : <strong>{outcomeText(t, row, o, applied)}</strong>}
                {o.controlNo && kind === 'debit' && <><br />{o.controlNo}</>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ResultImportPreviewPage({ ctx, preview, message }: { ctx: PageContext; preview: ResultPreview; message?: string }) {
  const t = ctx.t;
  const { summary, counts, amounts } = preview;
  const all = preview.rows.map((row, i) => ({ row, o: preview.outcomes[i]! }));
  const problems = all.filter((r) => r.o.outcome !== 'matched');
  const matched = all.filter((r) => r.o.outcome === 'matched');
  const applied = !!summary.applied_at;
  const queued = TO_OVERPAYMENTS.reduce((n, o) => n + counts[o], 0);
  const facts: [string, string][] = [
    [t('resultImport.kind'), t(kindKey(summary.kind))],
    [t('resultImport.fileName'), summary.file_name],
    [t('resultImport.encoding'), encodingName(summary.encoding)],
    [t('resultImport.rows'), String(summary.row_count)],
    [t('resultImport.uploadedAt'), formatDateTime(summary.created_at, ctx.locale)],
  ];
  if (summary.applied_at) facts.push([t('resultImport.appliedAt'), formatDateTime(summary.applied_at, ctx.locale)]);
  return (
    <Layout ctx={ctx} title={t('resultImport.previewTitle')}>
      <p><a href="/staff/billing/imports">{t('resultImport.title')}</a></p>
      <h1>{t('resultImport.previewTitle')}</h1>
      {message && <div class="notice notice--warning" role="alert"><p>{message}</p></div>}
      {applied && <div class="notice notice--success" role="status"><p>{t('resultImport.applied', { count: counts.matched, queued })}</p></div>}
      {!applied && preview.sameFile?.applied_at && (
        <div class="notice notice--warning" role="status"><p>{t('resultImport.sameFile', { date: formatDateTime(preview.sameFile.applied_at, ctx.locale) })}</p></div>
      )}
      <dl class="summary">{facts.map(([k, v]) => <div class="summary__row" key={k}><dt>{k}</dt><dd class="break">{v}</dd></div>)}</dl>

      <section aria-labelledby="counts-h">
        <h2 id="counts-h">{t(applied ? 'resultImport.countsApplied' : 'resultImport.counts')}</h2>
        <div class="table-wrap" role="region" aria-labelledby="counts-h" tabIndex={0}>
          <table class="table dense">
            <thead><tr><th scope="col">{t('resultImport.col.outcome')}</th><th scope="col">{t('resultImport.col.count')}</th><th scope="col">{t('resultImport.col.total')}</th></tr></thead>
            <tbody>
              {OUTCOMES.filter((o) => o === 'matched' || counts[o] > 0).map((o) => (
                <tr key={o} data-count={o}>
                  <th scope="row">{t(`resultImport.outcome.${o}${applied && TO_OVERPAYMENTS.includes(o) ? 'Queued' : ''}` as MessageKey)}</th>
                  <td>{counts[o]}</td><td>{formatYen(amounts[o])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p><a href={`/staff/billing/imports/${summary.id}/report.csv`}>{t('resultImport.reportCsv')}</a></p>
      </section>

      {!applied && ctx.can('billing.importResults') && (counts.matched + queued > 0 ? (
        <form method="post" action={`/staff/billing/imports/${summary.id}/apply`} class="card">
          <Csrf ctx={ctx} />
          <p>{t('resultImport.applyLead')}</p>
          {queued > 0 && <p>{t('resultImport.applyQueuedLead', { count: queued })}</p>}
          <div class="actions"><button type="submit" class="button">{t('resultImport.apply', { count: counts.matched })}</button></div>
        </form>
      ) : <p class="notice notice--warning">{t('resultImport.nothingToApply')}</p>)}

      {problems.length > 0 && (
        <section aria-labelledby="problems-h">
          <h2 id="problems-h">{t('resultImport.problems', { count: problems.length })}</h2>
          {problems.length > PREVIEW_PROBLEM_ROWS && <p>{t('resultImport.firstRows', { shown: PREVIEW_PROBLEM_ROWS })}</p>}
          <RowsTable ctx={ctx} id="problems-h" kind={summary.kind} rows={problems.slice(0, PREVIEW_PROBLEM_ROWS)} applied={applied} />
        </section>
      )}
      {matched.length > 0 && (
        <section aria-labelledby="matched-h">
          <h2 id="matched-h">{t(applied ? 'resultImport.matchedApplied' : 'resultImport.matchedRows', { count: matched.length })}</h2>
          {matched.length > PREVIEW_MATCHED_ROWS && <p>{t('resultImport.firstRows', { shown: PREVIEW_MATCHED_ROWS })}</p>}
          <RowsTable ctx={ctx} id="matched-h" kind={summary.kind} rows={matched.slice(0, PREVIEW_MATCHED_ROWS)} applied={applied} />
        </section>
      )}
      <p><a class="button button--secondary" href="/staff/billing/imports">{t('resultImport.another')}</a></p>
    </Layout>
  );
}
