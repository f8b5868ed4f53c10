import type { Member, StaffUser } from '../../platform/db/schema';
import { formatDateTime } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, NewPasswordFields, Select } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { formatDate } from '../members/views';
import { fullName } from '../members/service';
import type { Verification } from '../checkin/service';
import { MemberActions } from './member-360-views';
import { staffStatus } from './service';
import { STAFF_ROLES, type StaffRole } from '../../platform/policy';

const ROLE_LABEL = { staff: 'staff.role.staff', admin: 'staff.role.admin', auditor: 'staff.role.auditor' } as const satisfies Record<StaffRole, string>;
const roleOptions = (ctx: PageContext) => STAFF_ROLES.map((r) => ({ value: r, label: ctx.t(ROLE_LABEL[r]) }));

export function StaffLoginPage({ ctx, errors, values, message }: { ctx: PageContext; errors?: FormErrors; values?: FormValues; message?: string }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.loginTitle')} errors={errors} fieldLabels={labelsFor(ctx, { email: 'staff.email', password: 'staff.password' })}>
      <div class="narrow">
        <h1>{t('staff.loginTitle')}</h1>
        {message && <div class="notice notice--warning" role="alert"><p>{message}</p></div>}
        <form method="post" action="/staff/login" novalidate>
          <Csrf ctx={ctx} />
          <Field ctx={ctx} name="email" label="staff.email" type="email" autocomplete="username" required errors={errors} values={values} spellcheck={false} maxLength={254} />
          <Field ctx={ctx} name="password" label="staff.password" type="password" autocomplete="current-password" required errors={errors} keepValue={false} maxLength={1000} />
          <div class="actions"><button type="submit" class="button">{t('staff.loginSubmit')}</button></div>
        </form>
      </div>
    </Layout>
  );
}

export function SecondFactorPage({ ctx, errors, message }: { ctx: PageContext; errors?: FormErrors; message?: string }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.totpTitle')} errors={errors} fieldLabels={labelsFor(ctx, { code: 'staff.totpCode' })}>
      <div class="narrow">
        <h1>{t('staff.totpTitle')}</h1>
        {message && <div class="notice notice--warning" role="alert"><p>{message}</p></div>}
        <p>{t('staff.totpLead')}</p>
        <form method="post" action="/staff/login/verify" novalidate>
          <Csrf ctx={ctx} />
          <Field ctx={ctx} name="code" label="staff.totpCode" autocomplete="one-time-code" inputMode="text" required errors={errors} width="s" maxLength={40} spellcheck={false} />
          <div class="actions"><button type="submit" class="button">{t('staff.totpSubmit')}</button></div>
        </form>
      </div>
    </Layout>
  );
}

export function EnrolPage({ ctx, secret, qr, errors }: { ctx: PageContext; secret: string; qr: string; errors?: FormErrors }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.enrolTitle')} errors={errors} fieldLabels={labelsFor(ctx, { code: 'staff.totpCode' })}>
      <div class="narrow">
        <h1>{t('staff.enrolTitle')}</h1>
        <p>{t('staff.enrolLead')}</p>
        <figure class="qr"><img src={qr} width={240} height={240} alt={t('staff.enrolQrAlt')} /></figure>
        <p>{t('staff.enrolSecret')}: <code class="break" data-testid="totp-secret">{secret}</code></p>
        <form method="post" action="/staff/enrol" novalidate>
          <Csrf ctx={ctx} />
          <Field ctx={ctx} name="code" label="staff.totpCode" autocomplete="one-time-code" inputMode="numeric" required errors={errors} width="s" maxLength={40} />
          <div class="actions"><button type="submit" class="button">{t('staff.totpSubmit')}</button></div>
        </form>
      </div>
    </Layout>
  );
}

export function RecoveryCodesPage({ ctx, codes }: { ctx: PageContext; codes: string[] }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.recoveryTitle')}>
      <h1>{t('staff.recoveryTitle')}</h1>
      <p>{t('staff.recoveryLead')}</p>
      <ul class="recovery-codes">{codes.map((c) => <li key={c}><code>{c}</code></li>)}</ul>
      <p><a class="button" href="/staff">{t('staff.recoveryContinue')}</a></p>
    </Layout>
  );
}

export function MemberSearchPage({ ctx, query, results, limit }: { ctx: PageContext; query: string; results?: Member[]; limit: number }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.searchTitle')}>
      <h1>{t('staff.searchTitle')}</h1>
      <form method="get" action="/staff" class="search-form" role="search">
        <div class="field">
          <label for="q" class="field__label">{t('staff.searchLabel')}</label>
          <p id="q-hint" class="field__hint">{t('staff.searchHint')}</p>
          <input id="q" name="q" type="search" class="input" value={query} aria-describedby="q-hint" maxLength={200} autocomplete="off" spellcheck={false} />
        </div>
        <button type="submit" class="button">{t('common.search')}</button>
      </form>
      {results && (
        <section aria-labelledby="results-h">
          <h2 id="results-h">{t('staff.searchCount', { count: results.length })}</h2>
          {results.length >= limit && <p class="muted">{t('staff.searchMore', { count: limit })}</p>}
          {results.length === 0 ? <p>{t('staff.searchNone')}</p> : (
            <div class="table-wrap">
              <table class="table">
                <thead><tr>
                  <th scope="col">{t('profile.memberNumber')}</th><th scope="col">{t('profile.name')}</th>
                  <th scope="col">{t('profile.kana')}</th><th scope="col">{t('profile.email')}</th><th scope="col">{t('profile.phone')}</th>
                  <th scope="col">{t('profile.organisation')}</th>
                </tr></thead>
                <tbody>
                  {results.map((m) => (
                    <tr key={m.id}>
                      <td><a href={`/staff/members/${m.member_number}`}>{m.member_number}</a></td>
                      <td>{fullName(m)}</td>
                      <td>{`${m.family_name_kana} ${m.given_name_kana}`}</td>
                      <td class="break">{m.email}</td>
                      <td>{m.phone}</td>
                      <td>{m.organisation}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </Layout>
  );
}

export function StaffMemberPage({ ctx, member, children }: { ctx: PageContext; member: Member; children?: preact.ComponentChildren }) {
  const t = ctx.t;
  const rows: [string, string][] = [
    [t('profile.memberNumber'), member.member_number],
    [t('profile.name'), fullName(member)],
    [t('profile.kana'), `${member.family_name_kana} ${member.given_name_kana}`],
    [t('profile.birthDate'), formatDate(ctx, member.birth_date)],
    [t('profile.email'), member.email],
    [t('profile.phone'), member.phone],
    [t('profile.postalCode'), `〒${member.postal_code}`],
    [t('profile.prefecture'), member.prefecture],
    [t('profile.address1'), member.address_line1],
    [t('profile.address2'), member.address_line2],
    [t('profile.organisation'), member.organisation],
    [t('profile.specialistNumber'), member.specialist_number ?? t('profile.notCertified')],
    [t('profile.certPeriod'), member.cert_period_start && member.cert_period_end
      ? t('profile.certPeriodValue', { start: formatDate(ctx, member.cert_period_start), end: formatDate(ctx, member.cert_period_end) })
      : t('profile.notCertified')],
  ];
  return (
    <Layout ctx={ctx} title={`${t('staff.memberTitle')} ${member.member_number}`}>
      <p><a href="/staff">{t('common.back')}</a></p>
      <h1>{`${t('staff.memberTitle')}: ${fullName(member)}（${member.member_number}）`}</h1>
      <dl class="summary">{rows.map(([k, v]) => <div class="summary__row" key={k}><dt>{k}</dt><dd class="break">{v}</dd></div>)}</dl>
      <MemberActions ctx={ctx} member={member} />
      {children}
    </Layout>
  );
}

export function QrVerifyPage({ ctx, values, errors, result }: { ctx: PageContext; values?: FormValues; errors?: FormErrors; result?: Verification }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('qr.verifyTitle')} errors={errors} fieldLabels={labelsFor(ctx, { code: 'qr.verifyCode' })}>
      <h1>{t('qr.verifyTitle')}</h1>
      {result && (
        <div class={result.status === 'valid' ? 'status-valid' : 'status-invalid'} role="status">
          <p><strong>{t(result.status === 'valid' ? 'qr.valid' : result.status === 'expired' ? 'qr.expired' : 'qr.invalid')}</strong></p>
          {result.status !== 'invalid' && (
            <dl class="summary">
              <div class="summary__row"><dt>{t('profile.memberNumber')}</dt><dd><a href={`/staff/members/${result.payload.m}`}>{result.payload.m}</a></dd></div>
              <div class="summary__row"><dt>{t('qr.expiresAt')}</dt><dd>{formatDateTime(new Date(result.payload.exp * 1000), ctx.locale)}</dd></div>
            </dl>
          )}
        </div>
      )}
      {ctx.can('checkin.verifyQr') && (
        <form method="post" action="/staff/qr" novalidate>
          <Csrf ctx={ctx} />
          <Field ctx={ctx} name="code" label="qr.verifyCode" hint="qr.verifyHint" required multiline errors={errors} values={values} spellcheck={false} />
          <div class="actions"><button type="submit" class="button">{t('qr.verifySubmit')}</button></div>
        </form>
      )}
      <p><a href="/checkin/public-key.pem">{t('qr.publicKey')}</a></p>
    </Layout>
  );
}

export function AccountsPage({ ctx, users, selfId }: { ctx: PageContext; users: StaffUser[]; selfId: number }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.accountsTitle')}>
      <h1>{t('staff.accountsTitle')}</h1>
      <p><a class="button" href="/staff/accounts/new">{t('staff.invite')}</a></p>
      <div class="table-wrap">
        <table class="table">
          <thead><tr>
            <th scope="col">{t('staff.displayName')}</th><th scope="col">{t('staff.email')}</th><th scope="col">{t('staff.role')}</th>
            <th scope="col">{t('staff.status')}</th><th scope="col">{t('staff.lastLogin')}</th><th scope="col"><span class="visually-hidden">{t('common.edit')}</span></th>
          </tr></thead>
          <tbody>
            {users.map((u) => {
              const status = staffStatus(u);
              return (
                <tr key={u.id}>
                  <td>{u.display_name}</td>
                  <td class="break">{u.email}</td>
                  <td>
                    {u.id === selfId ? t(ROLE_LABEL[u.role]) : (
                      <form method="post" action={`/staff/accounts/${u.id}/role`} class="inline-form">
                        <Csrf ctx={ctx} />
                        <label class="visually-hidden" for={`role-${u.id}`}>{`${t('staff.role')}: ${u.display_name}`}</label>
                        <select id={`role-${u.id}`} name="role" class="input">
                          {roleOptions(ctx).map((o) => <option key={o.value} value={o.value} selected={o.value === u.role}>{o.label}</option>)}
                        </select>
                        <button type="submit" class="button button--quiet" aria-label={`${t('staff.setRole')}: ${u.display_name}`}>{t('staff.setRole')}</button>
                      </form>
                    )}
                  </td>
                  <td>{t(status === 'active' ? 'staff.statusActive' : status === 'disabled' ? 'staff.statusDisabled' : 'staff.statusInvited')}</td>
                  <td>{u.last_login_at ? formatDateTime(u.last_login_at, ctx.locale) : ''}</td>
                  <td>
                    {u.id !== selfId && (
                      <div class="actions">
                        <form method="post" action={`/staff/accounts/${u.id}/${u.disabled_at ? 'enable' : 'disable'}`}>
                          <Csrf ctx={ctx} />
                          <button type="submit" class="button button--quiet" aria-label={`${t(u.disabled_at ? 'staff.enable' : 'staff.disable')}: ${u.display_name}`}>
                            {t(u.disabled_at ? 'staff.enable' : 'staff.disable')}
                          </button>
                        </form>
                        {u.totp_enrolled_at && (
                          <form method="post" action={`/staff/accounts/${u.id}/reset-2fa`}>
                            <Csrf ctx={ctx} />
                            <button type="submit" class="button button--quiet" aria-label={`${t('staff.reset2fa')}: ${u.display_name}`}>{t('staff.reset2fa')}</button>
                          </form>
                        )}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export function InvitePage({ ctx, errors, values }: { ctx: PageContext; errors?: FormErrors; values?: FormValues }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.invite')} errors={errors} fieldLabels={labelsFor(ctx, { email: 'staff.email', displayName: 'staff.displayName', role: 'staff.role' })}>
      <h1>{t('staff.invite')}</h1>
      <form method="post" action="/staff/accounts/new" novalidate class="narrow">
        <Csrf ctx={ctx} />
        <Field ctx={ctx} name="email" label="staff.email" type="email" required errors={errors} values={values} spellcheck={false} maxLength={254} />
        <Field ctx={ctx} name="displayName" label="staff.displayName" required errors={errors} values={values} maxLength={100} />
        <Select ctx={ctx} name="role" label="staff.role" required errors={errors} values={values ?? { role: 'staff' }}
          options={roleOptions(ctx)} hint="staff.roleHint" />
        <div class="actions">
          <button type="submit" class="button">{t('staff.invite')}</button>
          <a class="button button--quiet" href="/staff/accounts">{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}

export function AcceptInvitePage({ ctx, token, errors, invalid }: { ctx: PageContext; token: string; errors?: FormErrors; invalid?: boolean }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.acceptTitle')} errors={errors} fieldLabels={labelsFor(ctx, { password: 'reset.newPassword', confirm: 'reset.confirmPassword' })}>
      <div class="narrow">
        <h1>{t('staff.acceptTitle')}</h1>
        {invalid ? <div class="notice notice--warning" role="alert"><p>{t('staff.inviteInvalid')}</p></div> : (
          <>
            <p>{t('staff.acceptLead')}</p>
            <form method="post" action={`/staff/invite/${encodeURIComponent(token)}`} novalidate>
              <Csrf ctx={ctx} />
              <NewPasswordFields ctx={ctx} errors={errors} />
              <div class="actions"><button type="submit" class="button">{t('reset.setSubmit')}</button></div>
            </form>
          </>
        )}
      </div>
    </Layout>
  );
}
