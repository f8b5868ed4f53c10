import type { Notice } from '../../platform/db/schema';
import { formatDateEn, formatDateJa } from '../../platform/japanese';
import type { PageContext } from '../../platform/views/context';
import { Csrf } from '../../platform/views/forms';
import { Layout } from '../../platform/views/layout';

export interface ExternalLink {
  href: string;
  label: 'home.elearning' | 'home.annualMeetings' | 'home.creditTable';
}

export interface HomeModel {
  name: string;
  /** STEP① … STEP⑥ for a renewal target, right under the banner. */
  tasks?: preact.ComponentChildren;
  renewal?: { fiscalYear: number; periodEnd: Date };
  /** A specialist not due this year: where they stand and when they renew. */
  outlook?: { periodStart: Date; periodEnd: Date; renewalYear: number; ended: boolean };
  notices: Notice[];
  links: ExternalLink[];
}

export function HomePage({ ctx, model }: { ctx: PageContext; model: HomeModel }) {
  const t = ctx.t;
  const date = (d: Date) => (ctx.locale === 'ja' ? formatDateJa(d) : formatDateEn(d));
  const shortDate = (d: Date) => (ctx.locale === 'ja' ? formatDateJa(d, false) : formatDateEn(d, false));
  return (
    <Layout ctx={ctx} title={t('home.title')}>
      <h1 class="visually-hidden">{t('home.title')}</h1>
      <p class="welcome">{t('home.welcome', { name: model.name })}</p>
      {model.renewal && (
        <section class="banner" aria-labelledby="renewal-h">
          <h2 id="renewal-h">{t('home.renewalBanner', { year: model.renewal.fiscalYear })}</h2>
          <p>{t('home.renewalLead', { end: date(model.renewal.periodEnd) })}</p>
          <ul>
            <li>{t('home.renewalStart')} <a href="/profile">{t('nav.profile')}</a></li>
            <li><a href="/guide">{t('home.guideLink')}</a></li>
          </ul>
        </section>
      )}
      {model.tasks}
      {model.outlook && (
        <section class="card" aria-labelledby="outlook-h">
          <h2 id="outlook-h">{t('home.outlookTitle')}</h2>
          <p>{t('home.outlookPeriod', { start: date(model.outlook.periodStart), end: date(model.outlook.periodEnd) })}</p>
          <p>{t(model.outlook.ended ? 'home.outlookEnded' : 'home.outlookNext', { year: model.outlook.renewalYear })}</p>
        </section>
      )}
      <section aria-labelledby="qr-h" class="card">
        <h2 id="qr-h">{t('home.qrTitle')}</h2>
        <p>{t('home.qrHint')}</p>
        <form method="post" action="/checkin-qr">
          <Csrf ctx={ctx} />
          <button type="submit" class="button">{t('home.qrButton')}</button>
        </form>
      </section>
      <section aria-labelledby="notices-h" class="card">
        <h2 id="notices-h">{t('home.notices')}</h2>
        {model.notices.length === 0 ? (
          <p>{t('home.noNotices')}</p>
        ) : (
          <ul class="notices">
            {model.notices.map((n) => {
              const title = ctx.locale === 'en' && n.title_en ? n.title_en : n.title_ja;
              const body = ctx.locale === 'en' && n.body_en ? n.body_en : n.body_ja;
              return (
                <li key={n.id}>
                  <article>
                    <h3>
                      <time dateTime={n.publish_from.toISOString()}>{shortDate(n.publish_from)}</time>
                      <span>{title}</span>
                    </h3>
                    {body.split(/\n{2,}/).map((para, i) => <p key={i}>{para}</p>)}
                  </article>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section aria-labelledby="guide-h" class="card">
        <h2 id="guide-h">{t('home.guideLink')}</h2>
        <ul>
          <li><a href="/guide">{t('home.guideLink')}</a></li>
          <li><a href="/faq">{t('home.faqLink')}</a></li>
        </ul>
      </section>
      <section aria-labelledby="links-h" class="card">
        <h2 id="links-h">{t('home.links')}</h2>
        <ul>
          {model.links.map((l) => (
            <li key={l.href}><a href={l.href} rel="noopener noreferrer" target="_blank">{t(l.label)}</a></li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

export function ContentPage({ ctx, title, children }: { ctx: PageContext; title: string; children: preact.ComponentChildren }) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <div class="prose">{children}</div>
    </Layout>
  );
}
