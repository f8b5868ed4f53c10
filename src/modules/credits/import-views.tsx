import type { CreditImportRow } from '../../platform/db/schema';
import { formatDateTime } from '../../platform/japanese';
import type { PageContext } from '../../platform/views/context';
import { Csrf, CsvFileField } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import type { ImportPreview, ImportStatus } from './import';
import { IMPORT_STATUSES, MAX_IMPORT_ROWS } from './import';
import type { CreditImportSummary } from './import-repository';

/** How many rows of each table the preview shows; the CSV report has every row. */
export const PREVIEW_PROBLEM_ROWS = 1000;
export const PREVIEW_OK_ROWS = 100;

const encodingName = (e: string) => (e === 'shift_jis' ? 'Shift_JIS' : 'UTF-8');

export function ImportUploadPage({ ctx, recent, message }: { ctx: PageContext; recent: CreditImportSummary[]; message?: string }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('import.title')} errors={message ? { file: 'import.fileProblem' } : undefined} fieldLabels={{ file: t('import.file') }}>
      <h1>{t('import.title')}</h1>
      <p>{t('import.lead')}</p>
      {ctx.can('credits.import') && <form method="post" action="/staff/credits/import" enctype="multipart/form-data" novalidate class="narrow">
        {/* The token comes before the file: the CSRF check reads the fields parsed ahead of it. */}
        <Csrf ctx={ctx} />
        <CsvFileField ctx={ctx} label="import.file" hint={t('import.fileHint', { max: MAX_IMPORT_ROWS })} message={message} />
        <div class="actions"><button type="submit" class="button">{t('import.preview')}</button></div>
      </form>}
      <section aria-labelledby="recent-h">
        <h2 id="recent-h">{t('import.recent')}</h2>
        {recent.length === 0 ? <p>{t('import.recentNone')}</p> : (
          <div class="table-wrap" role="region" aria-labelledby="recent-h" tabIndex={0}>
            <table class="table dense">
              <thead><tr>
                <th scope="col">{t('import.uploadedAt')}</th><th scope="col">{t('import.fileName')}</th>
                <th scope="col">{t('import.rows')}</th><th scope="col">{t('import.state')}</th>
              </tr></thead>
              <tbody>
                {recent.map((r) => (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.created_at, ctx.locale)}</td>
                    <td class="break"><a href={`/staff/credits/import/${r.id}`}>{r.file_name}</a></td>
                    <td>{r.row_count}</td>
                    <td>{r.committed_at ? t('import.stateCommitted', { count: r.imported ?? 0 }) : t('import.stateUncommitted')}</td>
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

function RowsTable({ ctx, id, caption, rows }: { ctx: PageContext; id: string; caption: string; rows: { row: CreditImportRow; status: ImportStatus }[] }) {
  const t = ctx.t;
  return (
    <div class="table-wrap" role="region" aria-labelledby={id} tabIndex={0}>
      <table class="table dense">
        <caption class="visually-hidden">{caption}</caption>
        <thead><tr>
          <th scope="col">{t('import.col.line')}</th><th scope="col">{t('import.col.member')}</th><th scope="col">{t('import.col.code')}</th>
          <th scope="col">{t('import.col.date')}</th><th scope="col">{t('import.col.externalId')}</th><th scope="col">{t('import.col.status')}</th>
        </tr></thead>
        <tbody>
          {rows.map(({ row, status }) => (
            <tr key={row.line} data-status={status}>
              <td>{row.line}</td><td>{row.member}</td><td>{row.code}</td><td>{row.date}</td><td class="break">{row.externalId}</td>
              <td>{status === 'ok' ? t('import.status.ok') : <strong>{t(`import.status.${status}`)}</strong>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ImportPreviewPage({ ctx, preview, message }: { ctx: PageContext; preview: ImportPreview; message?: string }) {
  const t = ctx.t;
  const { summary, counts } = preview;
  const all = preview.rows.map((row, i) => ({ row, status: preview.statuses[i]! }));
  const problems = all.filter((r) => r.status !== 'ok');
  const good = all.filter((r) => r.status === 'ok');
  const committed = !!summary.committed_at;
  const facts: [string, string][] = [
    [t('import.fileName'), summary.file_name],
    [t('import.encoding'), encodingName(summary.encoding)],
    [t('import.header'), t(summary.had_header ? 'import.headerYes' : 'import.headerNo')],
    [t('import.rows'), String(summary.row_count)],
    [t('import.uploadedAt'), formatDateTime(summary.created_at, ctx.locale)],
  ];
  if (summary.committed_at) facts.push([t('import.committedAt'), formatDateTime(summary.committed_at, ctx.locale)]);
  return (
    <Layout ctx={ctx} title={t('import.previewTitle')}>
      <p><a href="/staff/credits/import">{t('import.title')}</a></p>
      <h1>{t('import.previewTitle')}</h1>
      {message && <div class="notice notice--warning" role="alert"><p>{message}</p></div>}
      {committed && <div class="notice notice--success" role="status"><p>{t('import.committed', { count: summary.imported ?? 0 })}</p></div>}
      {!committed && preview.sameFile?.committed_at && (
        <div class="notice notice--warning" role="status"><p>{t('import.sameFile', { date: formatDateTime(preview.sameFile.committed_at, ctx.locale) })}</p></div>
      )}
      <dl class="summary">{facts.map(([k, v]) => <div class="summary__row" key={k}><dt>{k}</dt><dd class="break">{v}</dd></div>)}</dl>

      <section aria-labelledby="counts-h">
        <h2 id="counts-h">{t(committed ? 'import.countsCommitted' : 'import.counts')}</h2>
        <table class="table dense">
          <thead><tr><th scope="col">{t('import.col.status')}</th><th scope="col">{t('import.col.count')}</th></tr></thead>
          <tbody>
            {IMPORT_STATUSES.filter((s) => s === 'ok' || counts[s] > 0).map((s) => (
              <tr key={s} data-count={s}><th scope="row">{t(`import.status.${s}`)}</th><td>{counts[s]}</td></tr>
            ))}
          </tbody>
        </table>
        <p><a href={`/staff/credits/import/${summary.id}/report.csv`}>{t('import.reportCsv')}</a></p>
      </section>

      {!committed && ctx.can('credits.import') && (counts.ok > 0 ? (
        <form method="post" action={`/staff/credits/import/${summary.id}/commit`} class="card">
          <Csrf ctx={ctx} />
          <p>{t('import.commitLead')}</p>
          <div class="actions"><button type="submit" class="button">{t('import.commit', { count: counts.ok })}</button></div>
        </form>
      ) : <p class="notice notice--warning">{t('import.nothingToCommit')}</p>)}

      {problems.length > 0 && (
        <section aria-labelledby="problems-h">
          <h2 id="problems-h">{t('import.problems', { count: problems.length })}</h2>
          {problems.length > PREVIEW_PROBLEM_ROWS && <p>{t('import.firstRows', { shown: PREVIEW_PROBLEM_ROWS })}</p>}
          <RowsTable ctx={ctx} id="problems-h" caption={t('import.problems', { count: problems.length })} rows={problems.slice(0, PREVIEW_PROBLEM_ROWS)} />
        </section>
      )}
      {good.length > 0 && (
        <section aria-labelledby="good-h">
          <h2 id="good-h">{t(committed ? 'import.goodRowsCommitted' : 'import.goodRows', { count: good.length })}</h2>
          {good.length > PREVIEW_OK_ROWS && <p>{t('import.firstRows', { shown: PREVIEW_OK_ROWS })}</p>}
          <RowsTable ctx={ctx} id="good-h" caption={t('import.goodRows', { count: good.length })} rows={good.slice(0, PREVIEW_OK_ROWS)} />
        </section>
      )}
      <p><a class="button button--secondary" href="/staff/credits/import">{t('import.another')}</a></p>
    </Layout>
  );
}
