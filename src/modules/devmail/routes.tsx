import type { FastifyInstance } from 'fastify';
import type { Mailer } from '../../platform/mail/mailer';
import { formatDateTime } from '../../platform/japanese';
import { Layout } from '../../platform/views/layout';
import type { Web } from '../../platform/web';

/** Links in a mail body made clickable, so a developer can follow a reset link from here. */
function linkify(text: string) {
  return text.split(/(https?:\/\/[^\s]+)/g).map((part, i) => (i % 2 === 1 ? <a href={part} key={i}>{part}</a> : part));
}

/** /dev/mail: every mail the development server wrote, newest first. Not registered in production. */
export function devMailRoutes(app: FastifyInstance, deps: { web: Web; mailer: Mailer }) {
  const { web, mailer } = deps;
  app.get<{ Querystring: { id?: string } }>('/dev/mail', async (req, reply) => {
    const mails = await mailer.recent();
    const ctx = web.context(req, reply);
    const t = ctx.t;
    return web.render(
      reply,
      <Layout ctx={ctx} title={t('devmail.title')}>
        <h1>{t('devmail.title')}</h1>
        <p>{t('devmail.lead')}</p>
        {mails.length === 0 ? <p>{t('devmail.none')}</p> : mails.map((m) => (
          <article class="card" key={m.id}>
            <h2>{m.subject}</h2>
            <dl class="summary">
              <div class="summary__row"><dt>{t('devmail.to')}</dt><dd class="break">{m.to_address}</dd></div>
              <div class="summary__row"><dt>{t('devmail.status')}</dt><dd>{m.status}</dd></div>
              <div class="summary__row"><dt>{t('devmail.sentAt')}</dt><dd>{formatDateTime(m.created_at, ctx.locale)}</dd></div>
            </dl>
            <pre class="break">{linkify(m.text_body)}</pre>
          </article>
        ))}
      </Layout>,
    );
  });
}
