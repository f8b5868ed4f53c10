import { formatDateTime } from '../../platform/japanese';
import type { PageContext } from '../../platform/views/context';
import { Csrf } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';
import type { CheckinPayload } from './service';

export function CheckinQrPage({ ctx, code, payload, png }: { ctx: PageContext; code: string; payload: CheckinPayload; png: string }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('qr.title')}>
      <h1>{t('qr.title')}</h1>
      <p>{t('qr.lead')}</p>
      <figure class="qr">
        <img src={png} width={360} height={360} alt={t('qr.alt', { memberNumber: payload.m })} />
        <figcaption>
          <dl class="summary">
            <div class="summary__row"><dt>{t('profile.memberNumber')}</dt><dd>{payload.m}</dd></div>
            <div class="summary__row"><dt>{t('qr.issuedAt')}</dt><dd>{formatDateTime(new Date(payload.iat * 1000), ctx.locale)}</dd></div>
            <div class="summary__row"><dt>{t('qr.expiresAt')}</dt><dd>{formatDateTime(new Date(payload.exp * 1000), ctx.locale)}</dd></div>
          </dl>
        </figcaption>
      </figure>
      <p><a class="button" href={png} download={`checkin-qr-${payload.m}.png`}>{t('qr.download')}</a></p>
      <p class="muted">{t('qr.offline')}</p>
      <details>
        <summary>{t('qr.verifyCode')}</summary>
        <p><code class="break" data-testid="qr-code-text">{code}</code></p>
      </details>
      <form method="post" action="/checkin-qr">
        <Csrf ctx={ctx} />
        <button type="submit" class="button button--secondary">{t('qr.reissue')}</button>
      </form>
    </Layout>
  );
}
