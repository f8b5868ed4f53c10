import type { Member } from '../../platform/db/schema';
import { dateOnly, formatDateEn, formatDateJa } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, Select } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import { PREFECTURES } from './prefectures';
import { fullName } from './service';

export function formatDate(ctx: PageContext, value: string | null): string {
  if (!value) return '';
  return ctx.locale === 'ja' ? formatDateJa(dateOnly(value)) : formatDateEn(dateOnly(value));
}

export function ProfileListPage({ ctx, member }: { ctx: PageContext; member: Member }) {
  return (
    <Layout ctx={ctx} title={ctx.t('profile.listTitle')}>
      <h1>{ctx.t('profile.listTitle')}</h1>
      <p>{ctx.t('profile.listLead')}</p>
      <div class="table-wrap">
      <table class="table">
        <thead>
          <tr><th scope="col">{ctx.t('profile.memberNumber')}</th><th scope="col">{ctx.t('profile.name')}</th></tr>
        </thead>
        <tbody>
          <tr>
            <td>{member.member_number}</td>
            <td><a href="/profile/detail">{fullName(member)}</a></td>
          </tr>
        </tbody>
      </table>
      </div>
    </Layout>
  );
}

function Row({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <div class="summary__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * 会員情報照会. Later modules add their related lists (申請情報, 単位情報, 請求) through `related`,
 * each a section with its own heading, shown under 関連情報.
 */
export function ProfilePage({ ctx, member, related }: { ctx: PageContext; member: Member; related?: preact.ComponentChildren }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('profile.title')}>
      <h1>{t('profile.title')}</h1>
      <section aria-labelledby="basic-h" class="card">
        <h2 id="basic-h">{t('profile.basic')}</h2>
        <dl class="summary">
          <Row label={t('profile.memberNumber')}>{member.member_number}</Row>
          <Row label={t('profile.name')}>{fullName(member)}</Row>
          <Row label={t('profile.kana')}>{`${member.family_name_kana} ${member.given_name_kana}`}</Row>
          <Row label={t('profile.birthDate')}>{formatDate(ctx, member.birth_date)}</Row>
          <Row label={t('profile.email')}>
            <span class="break">{member.email}</span>{' '}
            <a href="/profile/email" class="row-action">{t('profile.changeEmail')}</a>
          </Row>
          <Row label={t('profile.phone')}>{member.phone}</Row>
        </dl>
      </section>
      <section aria-labelledby="mailing-h" class="card">
        <h2 id="mailing-h">{t('profile.mailing')}</h2>
        <dl class="summary">
          <Row label={t('profile.postalCode')}>〒{member.postal_code}</Row>
          <Row label={t('profile.prefecture')}>{member.prefecture}</Row>
          <Row label={t('profile.address1')}>{member.address_line1}</Row>
          <Row label={t('profile.address2')}>{member.address_line2}</Row>
          <Row label={t('profile.organisation')}>{member.organisation}</Row>
        </dl>
        <p><a href="/profile/address" class="button button--secondary">{t('profile.changeAddress')}</a></p>
      </section>
      <section aria-labelledby="cert-h" class="card">
        <h2 id="cert-h">{t('profile.certification')}</h2>
        <dl class="summary">
          <Row label={t('profile.specialistNumber')}>{member.specialist_number ?? t('profile.notCertified')}</Row>
          <Row label={t('profile.certPeriod')}>
            {member.cert_period_start && member.cert_period_end
              ? t('profile.certPeriodValue', { start: formatDate(ctx, member.cert_period_start), end: formatDate(ctx, member.cert_period_end) })
              : t('profile.notCertified')}
          </Row>
        </dl>
      </section>
      {/* A plain group, not a region: each related list is its own region (a page finds 「新規」 by the list it belongs to). */}
      {related && (
        <div class="related">
          <h2 id="related-h">{t('profile.related')}</h2>
          {related}
        </div>
      )}
    </Layout>
  );
}

export function EmailChangePage({ ctx, member, errors, values }: { ctx: PageContext; member: Member; errors?: FormErrors; values?: FormValues }) {
  return (
    <Layout ctx={ctx} title={ctx.t('profile.emailTitle')} errors={errors} fieldLabels={labelsFor(ctx, { email: 'profile.newEmail' })}>
      <h1>{ctx.t('profile.emailTitle')}</h1>
      <p>{ctx.t('profile.emailLead')}</p>
      <dl class="summary"><Row label={ctx.t('profile.email')}><span class="break">{member.email}</span></Row></dl>
      <form method="post" action="/profile/email" novalidate>
        <Csrf ctx={ctx} />
        <Field ctx={ctx} name="email" label="profile.newEmail" type="email" autocomplete="email" required errors={errors} values={values} spellcheck={false} />
        <div class="actions">
          <button type="submit" class="button">{ctx.t('profile.emailSendSubmit')}</button>
          <a href="/profile/detail" class="button button--quiet">{ctx.t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}

export function MessagePage({ ctx, title, message }: { ctx: PageContext; title: string; message: string }) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p><a href="/profile/detail">{ctx.t('profile.title')}</a></p>
    </Layout>
  );
}

const addressLabels = {
  postal_code: 'profile.postalCode',
  prefecture: 'profile.prefecture',
  address_line1: 'profile.address1',
  address_line2: 'profile.address2',
  organisation: 'profile.organisation',
} as const;

export function AddressPage({ ctx, errors, values }: { ctx: PageContext; errors?: FormErrors; values: FormValues }) {
  return (
    <Layout ctx={ctx} title={ctx.t('profile.addressTitle')} errors={errors} fieldLabels={labelsFor(ctx, addressLabels)}>
      <h1>{ctx.t('profile.addressTitle')}</h1>
      <p>{ctx.t('profile.addressLead')}</p>
      <form method="post" action="/profile/address" novalidate>
        <Csrf ctx={ctx} />
        <Field ctx={ctx} name="postal_code" label="profile.postalCode" hint="profile.postalCodeHint" required errors={errors} values={values}
          autocomplete="postal-code" inputMode="numeric" width="s" maxLength={20} />
        <Select ctx={ctx} name="prefecture" label="profile.prefecture" required errors={errors} values={values} autocomplete="address-level1"
          placeholder="profile.selectPrefecture" options={PREFECTURES.map((p) => ({ value: p, label: p }))} />
        <Field ctx={ctx} name="address_line1" label="profile.address1" required errors={errors} values={values} autocomplete="address-line1" maxLength={200} />
        <Field ctx={ctx} name="address_line2" label="profile.address2" errors={errors} values={values} autocomplete="address-line2" maxLength={200} />
        <Field ctx={ctx} name="organisation" label="profile.organisation" errors={errors} values={values} autocomplete="organization" maxLength={200} />
        <div class="actions">
          <button type="submit" class="button">{ctx.t('common.save')}</button>
          <a href="/profile/detail" class="button button--quiet">{ctx.t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}
