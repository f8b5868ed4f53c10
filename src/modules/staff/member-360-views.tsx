import type { AuditRow, Mail, Member } from '../../platform/db/schema';
import { formatDateTime } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, Select } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { PREFECTURES } from '../members/prefectures';
import { fullName } from '../members/service';

/** One uploaded file on the member page, whichever module owns it; `href` is that module's scoped staff route. */
export interface MemberFileRow {
  key: string; name: string; contentType: string; sizeBytes: number; uploadedAt: Date; href: string; context: string; note?: string;
}

export type MemberMailRow = Pick<Mail, 'id' | 'to_address' | 'subject' | 'status' | 'attempts' | 'last_error' | 'created_at' | 'sent_at'>;

const memberHref = (m: Pick<Member, 'member_number'>) => `/staff/members/${m.member_number}`;

/** What staff do from the member page: each is one click from here, its form the second. */
export function MemberActions({ ctx, member }: { ctx: PageContext; member: Member }) {
  const t = ctx.t;
  const base = memberHref(member);
  // Only the actions this role may take (an auditor has none, so the bar is left out).
  if (!(['members.editContact', 'applications.enterPaper', 'credits.addStaffCredit', 'members.sendResetLink'] as const).some((a) => ctx.can(a))) return null;
  return (
    <nav class="card" aria-labelledby="m360-actions-h">
      <h2 id="m360-actions-h">{t('m360.actions')}</h2>
      <div class="actions">
        {ctx.can('members.editContact') && <a class="button button--secondary" href={`${base}/contact`}>{t('m360.editContact')}</a>}
        {ctx.can('applications.enterPaper') && <a class="button button--secondary" href={`${base}/applications/new`}>{t('m360.paperEntry')}</a>}
        {ctx.can('credits.addStaffCredit') && <a class="button button--secondary" href={`${base}/credits/new`}>{t('m360.addCredit')}</a>}
        {ctx.can('members.sendResetLink') && (
          <form method="post" action={`${base}/reset-link`}>
            <Csrf ctx={ctx} />
            <button type="submit" class="button button--secondary">{t('staff.sendReset')}</button>
          </form>
        )}
      </div>
      <p class="field__hint">{t('m360.revertHint')}</p>
    </nav>
  );
}

/** Mails sent to the member: subject, state, date; each opens its text. */
export function MemberMailsSection({ ctx, member, rows }: { ctx: PageContext; member: Member; rows: MemberMailRow[] }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="m360-mails-h">
      <h2 id="m360-mails-h">{t('m360.mails')}</h2>
      {rows.length === 0 ? <p>{t('m360.mailsNone')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <thead><tr>
              <th scope="col">{t('m360.mailDate')}</th><th scope="col">{t('m360.mailSubject')}</th>
              <th scope="col">{t('m360.mailTo')}</th><th scope="col">{t('m360.mailStatus')}</th>
            </tr></thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.sent_at ?? m.created_at, ctx.locale)}</td>
                  <td><a href={`${memberHref(member)}/mails/${m.id}`}>{m.subject}</a></td>
                  <td class="break">{m.to_address}</td>
                  <td>{t(mailState(m))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const mailState = (m: MemberMailRow) => (m.status === 'sent' ? 'm360.mailSent' : m.status === 'failed' || m.last_error ? 'm360.mailFailed' : 'm360.mailQueued');

export function MailPage({ ctx, member, mail }: { ctx: PageContext; member: Member; mail: Mail }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={mail.subject}>
      <p><a href={memberHref(member)}>{`${member.member_number} ${fullName(member)}`}</a></p>
      <h1>{mail.subject}</h1>
      <dl class="summary">
        <div class="summary__row"><dt>{t('m360.mailTo')}</dt><dd class="break">{mail.to_address}</dd></div>
        <div class="summary__row"><dt>{t('m360.mailDate')}</dt><dd>{formatDateTime(mail.sent_at ?? mail.created_at, ctx.locale)}</dd></div>
        <div class="summary__row"><dt>{t('m360.mailStatus')}</dt><dd>{t(mailState(mail))}{mail.last_error ? `（${mail.last_error}）` : ''}</dd></div>
      </dl>
      <pre class="mail-text break">{mail.text_body}</pre>
    </Layout>
  );
}

/** Uploaded files of every module: name, type, size, date, downloaded through the owner's scoped route. */
export function MemberFilesSection({ ctx, rows }: { ctx: PageContext; rows: MemberFileRow[] }) {
  const t = ctx.t;
  const sorted = [...rows].sort((a, b) => b.uploadedAt.getTime() - a.uploadedAt.getTime());
  return (
    <section class="card" aria-labelledby="m360-files-h">
      <h2 id="m360-files-h">{t('m360.files')}</h2>
      {sorted.length === 0 ? <p>{t('m360.filesNone')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <thead><tr>
              <th scope="col">{t('m360.fileName')}</th><th scope="col">{t('m360.fileOf')}</th><th scope="col">{t('m360.fileType')}</th>
              <th scope="col">{t('m360.fileSize')}</th><th scope="col">{t('m360.fileDate')}</th>
            </tr></thead>
            <tbody>
              {sorted.map((f) => (
                <tr key={f.key}>
                  <td class="break"><a href={f.href}>{f.name}</a>{f.note && ` （${f.note}）`}</td>
                  <td>{f.context}</td>
                  <td>{f.contentType.replace(/^(application|image)\//, '').toUpperCase()}</td>
                  <td>{`${Math.max(1, Math.ceil(f.sizeBytes / 1024)).toLocaleString('ja-JP')} KB`}</td>
                  <td>{formatDateTime(f.uploadedAt, ctx.locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const show = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** Before/after of an audit row, one line per changed key, and its detail. */
function changeLines(row: AuditRow): string[] {
  const before = (row.before ?? {}) as Record<string, unknown>;
  const after = (row.after ?? {}) as Record<string, unknown>;
  const asObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const lines: string[] = [];
  if (asObject(before) && asObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
      lines.push(key in before ? `${key}: ${show(before[key])} → ${show(after[key])}` : `${key}: ${show(after[key])}`);
    }
  } else {
    lines.push(`${show(row.before)} → ${show(row.after)}`);
  }
  if (row.detail !== null) {
    const detail = row.detail as unknown;
    lines.push(asObject(detail) ? Object.entries(detail as Record<string, unknown>).map(([k, v]) => `${k}: ${show(v)}`).join('、') : show(detail));
  }
  return lines;
}

/** Everything that changed on this member, newest first, paged (the page number stays in the URL). */
export function AuditTrailSection({ ctx, member, rows, page, more, staffNames }: {
  ctx: PageContext; member: Member; rows: AuditRow[]; page: number; more: boolean; staffNames: Map<number, string>;
}) {
  const t = ctx.t;
  const link = (p: number) => `${memberHref(member)}?auditPage=${p}#m360-audit-h`;
  const actor = (r: AuditRow) => (r.actor_type === 'staff' && r.actor_id !== null ? `${t('m360.actorStaff')} ${staffNames.get(r.actor_id) ?? r.actor_id}`
    : t(r.actor_type === 'member' ? 'm360.actorMember' : r.actor_type === 'system' ? 'm360.actorSystem' : 'm360.actorAnonymous'));
  return (
    <section class="card" aria-labelledby="m360-audit-h">
      <h2 id="m360-audit-h">{t('m360.audit')}</h2>
      {rows.length === 0 ? <p>{t('m360.auditNone')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <thead><tr>
              <th scope="col">{t('m360.auditWhen')}</th><th scope="col">{t('m360.auditWho')}</th><th scope="col">{t('m360.auditAction')}</th>
              <th scope="col">{t('m360.auditSubject')}</th><th scope="col">{t('m360.auditChange')}</th>
            </tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(r.occurred_at, ctx.locale)}</td>
                  <td>{actor(r)}</td>
                  <td><code>{r.action}</code></td>
                  <td>{r.subject_id ?? ''}</td>
                  <td class="break">{changeLines(r).map((l, i) => <div key={i}>{l}</div>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(page > 1 || more) && (
        <nav class="pagination" aria-label={t('m360.auditPages')}>
          <p>{t('m360.auditPage', { page })}</p>
          {page > 1 && <a href={link(page - 1)}>{t('m360.auditNewer')}</a>}{' '}
          {more && <a href={link(page + 1)}>{t('m360.auditOlder')}</a>}
        </nav>
      )}
    </section>
  );
}

const contactLabels = {
  email: 'profile.email', phone: 'profile.phone', postal_code: 'profile.postalCode', prefecture: 'profile.prefecture',
  address_line1: 'profile.address1', address_line2: 'profile.address2', organisation: 'profile.organisation',
} as const;

/** 事務局: correct the member's contact data (a changed email is told to both addresses). */
export function ContactEditPage({ ctx, member, errors, values }: { ctx: PageContext; member: Member; errors?: FormErrors; values: FormValues }) {
  const t = ctx.t;
  const base = memberHref(member);
  return (
    <Layout ctx={ctx} title={t('m360.editContact')} errors={errors} fieldLabels={labelsFor(ctx, contactLabels)}>
      <p><a href={base}>{`${member.member_number} ${fullName(member)}`}</a></p>
      <h1>{t('m360.editContact')}</h1>
      <p>{t('m360.editContactLead')}</p>
      <form method="post" action={`${base}/contact`} novalidate class="narrow">
        <Csrf ctx={ctx} />
        <Field ctx={ctx} name="email" label="profile.email" type="email" required errors={errors} values={values} spellcheck={false} maxLength={254} />
        <Field ctx={ctx} name="phone" label="profile.phone" type="tel" hint="m360.phoneHint" required errors={errors} values={values} width="m" maxLength={30} />
        <Field ctx={ctx} name="postal_code" label="profile.postalCode" hint="profile.postalCodeHint" required errors={errors} values={values} inputMode="numeric" width="s" maxLength={20} />
        <Select ctx={ctx} name="prefecture" label="profile.prefecture" required errors={errors} values={values}
          placeholder="profile.selectPrefecture" options={PREFECTURES.map((p) => ({ value: p, label: p }))} />
        <Field ctx={ctx} name="address_line1" label="profile.address1" required errors={errors} values={values} maxLength={200} />
        <Field ctx={ctx} name="address_line2" label="profile.address2" errors={errors} values={values} maxLength={200} />
        <Field ctx={ctx} name="organisation" label="profile.organisation" errors={errors} values={values} maxLength={200} />
        <div class="actions">
          <button type="submit" class="button">{t('common.save')}</button>
          <a href={base} class="button button--quiet">{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}
