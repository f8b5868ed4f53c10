import type { Certificate, Member } from '../../platform/db/schema';
import type { MessageKey } from '../../platform/i18n';
import { formatDateTime, tokyoDate } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { fullName } from '../members/service';
import { formatDate } from '../members/views';
import { formatCertificateNo } from './format';
import type { CertificatesOverview, VerificationView } from './service';

const period = (ctx: PageContext, c: { period_start: string; period_end: string }) => `${formatDate(ctx, c.period_start)} – ${formatDate(ctx, c.period_end)}`;

export function CertificateStatusBadge({ ctx, status }: { ctx: PageContext; status: Certificate['status'] }) {
  return <span class={`badge badge--certificate-${status}`}>{ctx.t(`certificates.status.${status}`)}</span>;
}

const MemberCell = ({ member }: { member: Member }) => <><a href={`/staff/members/${member.member_number}`}>{member.member_number}</a> {fullName(member)}</>;

/** 専門医証 (staff): the cycle's completed renewals still without a certificate, the certificates, the mailings. */
export function StaffCertificatesPage({ ctx, overview }: { ctx: PageContext; overview: CertificatesOverview }) {
  const t = ctx.t;
  const { cycle, pending, certificates, batches, unbatched } = overview;
  return (
    <Layout ctx={ctx} title={t('certificates.title')}>
      <h1>{t('certificates.title')}</h1>
      {!cycle ? <p>{t('certificates.noCycle')}</p> : (
        <>
          <p>{t('certificates.lead', { cycle: ctx.locale === 'en' ? cycle.name_en : cycle.name_ja })}</p>
          <section class="card" aria-labelledby="cert-pending-h">
            <h2 id="cert-pending-h">{t('certificates.pendingTitle', { count: pending.length })}</h2>
            {pending.length === 0 ? <p>{t('certificates.pendingNone')}</p> : (
              <>
                <div class="table-wrap" role="region" aria-labelledby="cert-pending-h" tabIndex={0}>
                  <table class="table dense">
                    <thead><tr>
                      <th scope="col">{t('certificates.col.application')}</th><th scope="col">{t('certificates.col.member')}</th>
                      <th scope="col">{t('certificates.col.period')}</th><th scope="col">{t('certificates.col.completed')}</th>
                    </tr></thead>
                    <tbody>
                      {pending.map(({ application: a, member }) => (
                        <tr key={a.id}>
                          <td>{a.application_no}</td><td><MemberCell member={member} /></td>
                          <td>{a.granted_period_start && a.granted_period_end ? period(ctx, { period_start: a.granted_period_start, period_end: a.granted_period_end }) : '—'}</td>
                          <td>{a.completed_at ? formatDate(ctx, tokyoDate(a.completed_at)) : '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {ctx.can('certificates.manage') && (
                  <form method="post" action="/staff/certificates/issue" class="actions">
                    <Csrf ctx={ctx} />
                    <button type="submit" class="button">{t('certificates.issue')}</button>
                  </form>
                )}
              </>
            )}
          </section>

          <section class="card" aria-labelledby="cert-batches-h">
            <h2 id="cert-batches-h">{t('certificates.batchesTitle')}</h2>
            <p>{t('certificates.unbatched', { count: unbatched })}</p>
            {unbatched > 0 && ctx.can('certificates.manage') && (
              <form method="post" action="/staff/certificates/batches" class="actions">
                <Csrf ctx={ctx} />
                <button type="submit" class="button button--secondary">{t('certificates.createBatch')}</button>
              </form>
            )}
            {batches.length > 0 && (
              <div class="table-wrap" role="region" aria-labelledby="cert-batches-h" tabIndex={0}>
                <table class="table dense">
                  <thead><tr>
                    <th scope="col">{t('certificates.col.batch')}</th><th scope="col">{t('certificates.col.created')}</th><th scope="col">{t('certificates.col.count')}</th>
                    <th scope="col">{t('certificates.col.mailed')}</th><th scope="col">{t('certificates.col.downloads')}</th>
                  </tr></thead>
                  <tbody>
                    {batches.map((b) => (
                      <tr key={b.id}>
                        <td>{t('certificates.batchName', { id: b.id })}</td>
                        <td>{formatDateTime(b.created_at, ctx.locale)}</td>
                        <td class="num">{b.count}</td>
                        <td>{b.mailed_at ? t('certificates.mailedOn', { at: formatDate(ctx, tokyoDate(b.mailed_at)) }) : !ctx.can('certificates.manage') ? '—' : (
                          <form method="post" action={`/staff/certificates/batches/${b.id}/mailed`}>
                            <Csrf ctx={ctx} />
                            <button type="submit" class="button button--secondary">{t('certificates.markMailed')}<span class="visually-hidden"> {t('certificates.batchName', { id: b.id })}</span></button>
                          </form>
                        )}</td>
                        <td>
                          <a href={`/staff/certificates/batches/${b.id}/mailing.csv`}>{t('certificates.csv')}<span class="visually-hidden"> {t('certificates.batchName', { id: b.id })}</span></a>
                          {' ・ '}
                          <a href={`/staff/certificates/batches/${b.id}/labels.pdf`}>{t('certificates.labels')}<span class="visually-hidden"> {t('certificates.batchName', { id: b.id })}</span></a>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section class="card" aria-labelledby="cert-issued-h">
            <h2 id="cert-issued-h">{t('certificates.issuedTitle', { count: certificates.length })}</h2>
            {certificates.length === 0 ? <p>{t('certificates.issuedNone')}</p> : (
              <div class="table-wrap" role="region" aria-labelledby="cert-issued-h" tabIndex={0}>
                <table class="table dense">
                  <thead><tr>
                    <th scope="col">{t('certificates.col.number')}</th><th scope="col">{t('certificates.col.member')}</th><th scope="col">{t('certificates.col.period')}</th>
                    <th scope="col">{t('certificates.col.issued')}</th><th scope="col">{t('certificates.col.status')}</th><th scope="col">{t('certificates.col.batch')}</th>
                    <th scope="col">{t('certificates.col.downloads')}</th>
                  </tr></thead>
                  <tbody>
                    {certificates.map(({ certificate: c, member }) => {
                      const no = formatCertificateNo(c.serial);
                      return (
                        <tr key={c.id}>
                          <td><a href={`/staff/certificates/${c.id}`}>{no}</a></td>
                          <td><MemberCell member={member} /></td>
                          <td>{period(ctx, c)}</td>
                          <td>{formatDate(ctx, tokyoDate(c.issued_at))}</td>
                          <td><CertificateStatusBadge ctx={ctx} status={c.status} /></td>
                          <td>{c.batch_id ? t('certificates.batchName', { id: c.batch_id }) : '—'}</td>
                          <td><a href={`/staff/certificates/${c.id}/pdf`}>PDF<span class="visually-hidden"> {no}</span></a></td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </Layout>
  );
}

const actionLabels = { reissueReason: 'certificates.reissueReason', kind: 'certificates.kindLegend', revokeReason: 'certificates.revokeReason' } as const satisfies Record<string, MessageKey>;

/** One certificate: what is printed, its status, and the two decisions (再発行, 取消 / 辞退). */
export function StaffCertificatePage({ ctx, certificate: c, member, replaces, verifyPath, errors, values, message }: {
  ctx: PageContext; certificate: Certificate; member: Member; replaces?: Certificate; verifyPath: string; errors?: FormErrors; values?: FormValues; message?: string;
}) {
  const t = ctx.t;
  const no = formatCertificateNo(c.serial);
  const title = `${t('certificates.one')} ${no}`;
  const kindError = errors?.kind;
  return (
    <Layout ctx={ctx} title={title} errors={errors} fieldLabels={labelsFor(ctx, actionLabels)}>
      <p><a href="/staff/certificates">{t('certificates.title')}</a></p>
      <h1>{title}</h1>
      {message && <div class="notice notice--error" role="alert"><p>{message}</p></div>}
      <dl class="summary">
        <div class="summary__row"><dt>{t('certificates.col.status')}</dt><dd><CertificateStatusBadge ctx={ctx} status={c.status} />{c.status_reason ? `（${c.status_reason}）` : ''}</dd></div>
        <div class="summary__row"><dt>{t('certificates.col.member')}</dt><dd><MemberCell member={member} /></dd></div>
        <div class="summary__row"><dt>{t('certificates.holderName')}</dt><dd>{c.holder_name}</dd></div>
        <div class="summary__row"><dt>{t('certificates.col.period')}</dt><dd>{period(ctx, c)}</dd></div>
        <div class="summary__row"><dt>{t('certificates.col.issued')}</dt><dd>{formatDateTime(c.issued_at, ctx.locale)}</dd></div>
        {replaces && <div class="summary__row"><dt>{t('certificates.replaces')}</dt><dd><a href={`/staff/certificates/${replaces.id}`}>{formatCertificateNo(replaces.serial)}</a></dd></div>}
        <div class="summary__row"><dt>{t('certificates.col.batch')}</dt><dd>{c.batch_id ? t('certificates.batchName', { id: c.batch_id }) : '—'}</dd></div>
      </dl>
      <p class="actions">
        <a class="button button--secondary" href={`/staff/certificates/${c.id}/pdf`}>{t('certificates.downloadPdf')}</a>
        <a href={verifyPath}>{t('certificates.verifyLink')}</a>
      </p>
      {c.status === 'active' && ctx.can('certificates.manage') && (
        <div class="decision">
          <form method="post" action={`/staff/certificates/${c.id}/reissue`} novalidate class="card">
            <h2>{t('certificates.reissue')}</h2>
            <p>{t('certificates.reissueLead')}</p>
            <Csrf ctx={ctx} />
            <Field ctx={ctx} name="reissueReason" label="certificates.reissueReason" required multiline errors={errors} values={values} maxLength={500} />
            <button type="submit" class="button">{t('certificates.reissue')}</button>
          </form>
          <form method="post" action={`/staff/certificates/${c.id}/revoke`} novalidate class="card">
            <h2>{t('certificates.revoke')}</h2>
            <p>{t('certificates.revokeLead')}</p>
            <Csrf ctx={ctx} />
            <fieldset class={`field${kindError ? ' field--error' : ''}`} id="kind" aria-describedby={kindError ? 'kind-error' : undefined}>
              <legend class="field__label">{t('certificates.kindLegend')}<span class="field__required">{t('common.required')}</span></legend>
              {kindError && <p id="kind-error" class="field__error"><span class="visually-hidden">{t('common.errorPrefix')}: </span>{t(kindError)}</p>}
              {(['revoked', 'withdrawn'] as const).map((k) => (
                <div key={k}><label class="choice"><input type="radio" name="kind" value={k} checked={values?.kind === k} /> {t(`certificates.kind.${k}`)}</label></div>
              ))}
            </fieldset>
            <Field ctx={ctx} name="revokeReason" label="certificates.revokeReason" required multiline errors={errors} values={values} maxLength={500} />
            <button type="submit" class="button button--secondary">{t('certificates.revoke')}</button>
          </form>
        </div>
      )}
    </Layout>
  );
}

/** 専門医証 on the member's home: the PDF of each valid certificate. */
export function MemberCertificates({ ctx, certificates }: { ctx: PageContext; certificates: Certificate[] }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="member-certificates-h">
      <h2 id="member-certificates-h">{t('certificates.memberTitle')}</h2>
      <p>{t('certificates.memberLead')}</p>
      <ul class="related-list">
        {certificates.map((c) => {
          const no = formatCertificateNo(c.serial);
          return (
            <li key={c.id}>
              {t('certificates.memberLine', { no, start: formatDate(ctx, c.period_start), end: formatDate(ctx, c.period_end) })}{' '}
              <a href={`/certificates/${no}/pdf`}>{t('certificates.downloadPdf')}<span class="visually-hidden"> {no}</span></a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** /verify/<code>: only the name, specialty, number, period and status (decisions/0017). */
export function VerifyPage({ ctx, view }: { ctx: PageContext; view: VerificationView }) {
  const t = ctx.t;
  const ok = view.validity === 'valid' || view.validity === 'not_yet';
  return (
    <Layout ctx={ctx} title={t('certificates.verifyTitle')} noindex>
      <h1>{t('certificates.verifyTitle')}</h1>
      <div class={`notice ${ok ? 'notice--success' : 'notice--error'}`} role="status">
        <p><strong>{t(`certificates.validity.${view.validity}`)}</strong></p>
      </div>
      <dl class="summary">
        <div class="summary__row"><dt>{t('certificates.holderName')}</dt><dd>{view.holderName}</dd></div>
        <div class="summary__row"><dt>{t('certificates.specialty')}</dt><dd>{view.specialty[ctx.locale]}</dd></div>
        <div class="summary__row"><dt>{t('certificates.col.number')}</dt><dd>{view.certificateNo}</dd></div>
        <div class="summary__row"><dt>{t('certificates.col.period')}</dt><dd>{`${formatDate(ctx, view.periodStart)} – ${formatDate(ctx, view.periodEnd)}`}</dd></div>
      </dl>
      <p>{t('certificates.verifyNote', { society: ctx.societyName })}</p>
    </Layout>
  );
}
