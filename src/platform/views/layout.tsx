import type { ComponentChildren } from 'preact';
import type { FormErrors, PageContext } from './context';

interface LayoutProps {
  ctx: PageContext;
  title: string;
  errors?: FormErrors;
  /** Labels of the fields with errors, in form order, for the error summary links. */
  fieldLabels?: Record<string, string>;
  /** Pages search engines must not index (public verification pages). */
  noindex?: boolean;
  children: ComponentChildren;
}

function LanguageSwitch({ ctx }: { ctx: PageContext }) {
  const next = encodeURIComponent(ctx.path);
  return (
    <nav class="lang" aria-label={ctx.t('nav.language')}>
      <ul>
        {(['ja', 'en'] as const).map((l) => (
          <li key={l}>
            {l === ctx.locale ? (
              <span aria-current="true" lang={l}>{ctx.t(`lang.${l}`)}</span>
            ) : (
              <a href={`/lang/${l}?next=${next}`} lang={l} hreflang={l}>{ctx.t(`lang.${l}`)}</a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function ErrorSummary({ ctx, errors, fieldLabels }: { ctx: PageContext; errors: FormErrors; fieldLabels?: Record<string, string> }) {
  const entries = Object.entries(errors).filter(([, v]) => v);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} id="error-summary" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{ctx.t('error.summaryTitle')}</h2>
      <ul>
        {entries.map(([field, key]) => (
          <li key={field}>
            <a href={`#${field}`}>{fieldLabels?.[field] ? `${fieldLabels[field]}: ` : ''}{ctx.t(key!)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Layout({ ctx, title, errors, fieldLabels, noindex, children }: LayoutProps) {
  const hasErrors = !!errors && Object.values(errors).some(Boolean);
  const home = ctx.realm === 'staff' ? '/staff' : '/';
  const appName = ctx.realm === 'staff' ? ctx.t('app.backOffice') : ctx.t('app.portal');
  // The tab of the longest matching path is current (/staff/credits/import is 取込, not 承認).
  const currentTab = ctx.tabs
    .filter((tab) => (tab.href === home ? ctx.path === home : ctx.path === tab.href || ctx.path.startsWith(`${tab.href}/`) || ctx.path.startsWith(`${tab.href}.`)))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {noindex && <meta name="robots" content="noindex, nofollow" />}
        <title>{`${hasErrors ? `${ctx.t('common.errorPrefix')}: ` : ''}${title} | ${appName} | ${ctx.societyName}`}</title>
        <link rel="stylesheet" href="/assets/tokens.css" />
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body class={ctx.realm === 'staff' ? 'staff' : undefined}>
        <a class="skip-link" href="#main">{ctx.t('nav.skip')}</a>
        <header class="site-header">
          <div class="site-header__bar">
            <a class="site-header__brand" href={home}>
              <span class="site-header__society">{ctx.societyName}</span>
              <span class="site-header__app">{appName}</span>
            </a>
            <div class="site-header__tools">
              <LanguageSwitch ctx={ctx} />
              {ctx.userName && (
                <form method="post" action={ctx.realm === 'staff' ? '/staff/logout' : '/logout'} class="logout">
                  <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                  <button type="submit" class="button button--quiet">{ctx.t('nav.logout')}</button>
                </form>
              )}
            </div>
          </div>
          {ctx.tabs.length > 0 && (
            <nav class="tabs" aria-label={ctx.t('nav.main')}>
              <ul>
                {ctx.tabs.map((tab) => {
                  const current = tab.href === currentTab;
                  return (
                    <li key={tab.href}>
                      <a href={tab.href} aria-current={current ? 'page' : undefined}>{ctx.t(tab.label)}</a>
                    </li>
                  );
                })}
              </ul>
            </nav>
          )}
        </header>
        <main id="main" tabIndex={-1}>
          {ctx.readOnly && <div class="notice"><p>{ctx.t('staff.readOnlyNotice')}</p></div>}
          {ctx.flash && (
            <div class="notice notice--success" role="status">
              <p>{ctx.t(ctx.flash)}</p>
            </div>
          )}
          {hasErrors && <ErrorSummary ctx={ctx} errors={errors!} fieldLabels={fieldLabels} />}
          {children}
        </main>
        <footer class="site-footer">
          <p>{ctx.societyName}</p>
        </footer>
        {hasErrors && <script src="/assets/focus-errors.js" defer />}
      </body>
    </html>
  );
}
