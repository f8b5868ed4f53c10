import { formatDateTime } from '../../platform/japanese';
import type { FormErrors, FormValues, PageContext } from '../../platform/views/context';
import { Csrf, Field, labelsFor } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import type { ApiTokenRow } from './service';

/** API連携トークン: the list, the form that issues one, and the new token shown once after issuing it. */
export function ApiTokensPage({ ctx, tokens, created, errors, values }: {
  ctx: PageContext; tokens: ApiTokenRow[]; created?: { name: string; token: string }; errors?: FormErrors; values?: FormValues;
}) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('api.tokensTitle')} errors={errors} fieldLabels={labelsFor(ctx, { name: 'api.name' })}>
      <h1>{t('api.tokensTitle')}</h1>
      {created && (
        <div class="notice notice--success" role="status">
          <h2>{t('api.createdTitle')}</h2>
          <p>{t('api.createdLead')}</p>
          <dl class="summary">
            <div class="summary__row"><dt>{t('api.name')}</dt><dd class="break">{created.name}</dd></div>
            <div class="summary__row"><dt>{t('api.token')}</dt><dd><code class="break" data-testid="api-token">{created.token}</code></dd></div>
          </dl>
        </div>
      )}
      <p>{t('api.tokensLead')}</p>
      <p><a href="/api/openapi.json">{t('api.docs')}</a></p>

      <section aria-labelledby="new-token-h">
        <h2 id="new-token-h">{t('api.newTitle')}</h2>
        <form method="post" action="/staff/api-tokens" novalidate class="narrow">
          <Csrf ctx={ctx} />
          <Field ctx={ctx} name="name" label="api.name" hint="api.nameHint" required errors={errors} values={values} maxLength={100} />
          <div class="actions"><button type="submit" class="button">{t('api.create')}</button></div>
        </form>
      </section>

      <section aria-labelledby="tokens-h">
        <h2 id="tokens-h">{t('api.listTitle')}</h2>
        {tokens.length === 0 ? <p>{t('api.none')}</p> : (
          <>
            <p class="muted">{t('api.revokeHint')}</p>
            <div class="table-wrap">
              <table class="table">
                <thead><tr>
                  <th scope="col">{t('api.name')}</th><th scope="col">{t('api.colPrefix')}</th><th scope="col">{t('api.colCreated')}</th>
                  <th scope="col">{t('api.colLastUsed')}</th><th scope="col">{t('api.colStatus')}</th>
                  <th scope="col"><span class="visually-hidden">{t('api.colActions')}</span></th>
                </tr></thead>
                <tbody>
                  {tokens.map((tok) => (
                    <tr key={tok.id}>
                      <td class="break">{tok.name}</td>
                      <td><code>{tok.token_prefix}…</code></td>
                      <td>{formatDateTime(tok.created_at, ctx.locale)}<br /><span class="muted">{tok.created_by_name}</span></td>
                      <td>{tok.last_used_at ? formatDateTime(tok.last_used_at, ctx.locale) : t('api.neverUsed')}</td>
                      <td>{tok.revoked_at ? t('api.statusRevoked', { date: formatDateTime(tok.revoked_at, ctx.locale) }) : t('api.statusActive')}</td>
                      <td>
                        {!tok.revoked_at && (
                          <form method="post" action={`/staff/api-tokens/${tok.id}/revoke`}>
                            <Csrf ctx={ctx} />
                            <button type="submit" class="button button--secondary" aria-label={`${t('api.revoke')}: ${tok.name}`}>{t('api.revoke')}</button>
                          </form>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </Layout>
  );
}
