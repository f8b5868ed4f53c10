import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor, NewPasswordFields } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';

export function LoginPage({ ctx, errors, values, message, next }: {
  ctx: PageContext; errors?: FormErrors; values?: FormValues; message?: string; next?: string;
}) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('login.title')} errors={errors} fieldLabels={labelsFor(ctx, { memberNumber: 'login.memberNumber', password: 'login.password' })}>
      <div class="narrow">
        <h1>{t('login.title')}</h1>
        {message && <div class="notice notice--warning" role="alert"><p>{message}</p></div>}
        <p>{t('login.intro')}</p>
        <form method="post" action="/login" novalidate>
          <Csrf ctx={ctx} />
          {next && <input type="hidden" name="next" value={next} />}
          <Field ctx={ctx} name="memberNumber" label="login.memberNumber" hint="login.memberNumberHint" required errors={errors} values={values}
            autocomplete="username" inputMode="numeric" width="s" maxLength={100} spellcheck={false} />
          <Field ctx={ctx} name="password" label="login.password" hint="login.passwordHint" type="password" required errors={errors}
            autocomplete="current-password" keepValue={false} maxLength={1000} />
          <div class="actions">
            <button type="submit" class="button">{t('login.submit')}</button>
          </div>
        </form>
        <p><a href="/password/forgot">{t('login.forgot')}</a></p>
        <p class="muted">{t('login.firstTime')}</p>
      </div>
    </Layout>
  );
}

export function ForgotPage({ ctx, errors, values, sent }: { ctx: PageContext; errors?: FormErrors; values?: FormValues; sent?: boolean }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('reset.title')} errors={errors} fieldLabels={labelsFor(ctx, { memberNumber: 'login.memberNumber' })}>
      <div class="narrow">
        <h1>{t('reset.title')}</h1>
        {sent ? (
          <div class="notice notice--success" role="status"><p>{t('reset.sent')}</p></div>
        ) : (
          <>
            <p>{t('reset.intro')}</p>
            <form method="post" action="/password/forgot" novalidate>
              <Csrf ctx={ctx} />
              <Field ctx={ctx} name="memberNumber" label="login.memberNumber" hint="login.memberNumberHint" required errors={errors} values={values}
                autocomplete="username" inputMode="numeric" width="s" maxLength={100} spellcheck={false} />
              <div class="actions"><button type="submit" class="button">{t('reset.submit')}</button></div>
            </form>
          </>
        )}
        <p><a href="/login">{t('login.title')}</a></p>
      </div>
    </Layout>
  );
}

export function NewPasswordPage({ ctx, token, errors, invalid }: { ctx: PageContext; token: string; errors?: FormErrors; invalid?: boolean }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('reset.newTitle')} errors={errors} fieldLabels={labelsFor(ctx, { password: 'reset.newPassword', confirm: 'reset.confirmPassword' })}>
      <div class="narrow">
        <h1>{t('reset.newTitle')}</h1>
        {invalid ? (
          <>
            <div class="notice notice--warning" role="alert"><p>{t('reset.linkInvalid')}</p></div>
            <p><a href="/password/forgot">{t('reset.title')}</a></p>
          </>
        ) : (
          <form method="post" action={`/password/reset/${encodeURIComponent(token)}`} novalidate>
            <Csrf ctx={ctx} />
            <input type="text" name="username" autocomplete="username" hidden value="" />
            <NewPasswordFields ctx={ctx} errors={errors} />
            <div class="actions"><button type="submit" class="button">{t('reset.setSubmit')}</button></div>
          </form>
        )}
      </div>
    </Layout>
  );
}
