import type { PageContext } from './context';
import { Layout } from './layout';

const KEYS = {
  400: ['error.400.title', 'error.400.body'],
  403: ['error.403.title', 'error.403.body'],
  404: ['error.404.title', 'error.404.body'],
  409: ['error.409.title', 'error.409.body'],
  429: ['error.429.title', 'error.429.body'],
  500: ['error.500.title', 'error.500.body'],
  503: ['error.503.title', 'error.503.body'],
} as const;

export function ErrorPage({ ctx, status, message }: { ctx: PageContext; status: number; message?: string }) {
  const [title, body] = KEYS[status as keyof typeof KEYS] ?? KEYS[500];
  const home = ctx.realm === 'staff' ? '/staff' : '/';
  return (
    <Layout ctx={ctx} title={ctx.t(title)}>
      <h1>{ctx.t(title)}</h1>
      {message && <p class="notice notice--error" role="alert">{message}</p>}
      <p>{ctx.t(body, { requestId: ctx.requestId })}</p>
      <p><a href={home}>{ctx.t('error.homeLink')}</a></p>
    </Layout>
  );
}
