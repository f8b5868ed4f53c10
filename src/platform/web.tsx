import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Actor } from './audit';
import type { Config } from './config';
import { can, type StaffRole } from './policy';
import { isLocale, type Locale, type MessageKey, type Translate, translator } from './i18n';
import { cookieName } from './security/cookies';
import type { Session } from './security/sessions';
import type { NavTab, PageContext } from './views/context';

export interface AuthUser {
  id: number;
  displayName: string;
  role?: StaffRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    t: Translate;
    flashKey?: MessageKey;
    memberSession?: Session;
    member?: AuthUser;
    staffSession?: Session;
    staff?: AuthUser;
  }
}

/** Staff tabs only administrators see (their routes are guarded by requireAdmin as well). */
const ADMIN_ONLY_TABS = new Set(['/staff/accounts', '/staff/api-tokens', '/staff/cycles', '/staff/fees']);

export const FLASH_COOKIE = 'flash';
export const LANG_COOKIE = 'lang';

/** The flash and language cookies' names on the wire (`__Host-` over HTTPS). */
export const webCookies = (secure: boolean) => ({
  flash: cookieName(FLASH_COOKIE, { secure, path: '/' }),
  lang: cookieName(LANG_COOKIE, { secure, path: '/' }),
});

/** A path whose every segment decodes: a malformed escape (%E0%A4%A) is rewritten to a 404 that keeps the security headers. */
export function decodablePath(url: string): boolean {
  try {
    for (const segment of (url.split('?')[0] ?? '').split('/')) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

const REDIRECT_BASE = 'http://koushin.invalid';

/**
 * Only a local path may be a redirect target: no open redirects through ?next=. The raw value may hold no control
 * character, no whitespace and no backslash anywhere (browsers drop tab/CR/LF and read `\` as `/`, so `/\t/evil`
 * becomes `//evil`); it must parse, by WHATWG URL rules against a dummy origin, to that origin with a path starting
 * with a single `/`; the normalised path, query and fragment are returned. Anything else is the fallback.
 */
export function safeLocalPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 500) return fallback;
  if (/[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\\]/.test(next)) return fallback;
  if (!next.startsWith('/') || next.startsWith('//')) return fallback;
  // An encoded slash or backslash in the path is never one of ours and only helps a proxy that decodes it.
  if (/%(2f|5c)/i.test(next.split(/[?#]/)[0] ?? '')) return fallback;
  let url: URL;
  try {
    url = new URL(next, REDIRECT_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== REDIRECT_BASE || !url.pathname.startsWith('/') || url.pathname.startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

export interface Web {
  context(req: FastifyRequest, reply: FastifyReply, realm?: PageContext['realm']): PageContext;
  render(reply: FastifyReply, page: VNode, status?: number): FastifyReply;
  redirect(reply: FastifyReply, url: string, flash?: MessageKey): FastifyReply;
  actor(req: FastifyRequest): Actor;
  resolveLocale(req: FastifyRequest): Locale;
}

export function createWeb(config: Config, tabs: { member: NavTab[]; staff: NavTab[] }): Web {
  const secure = config.isProduction;
  const cookies = webCookies(secure);
  const flashOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true } as const;
  return {
    context(req, reply, realm) {
      const r = realm ?? (req.staff ? 'staff' : req.member ? 'member' : 'public');
      const user = r === 'staff' ? req.staff : r === 'member' ? req.member : undefined;
      const staffTabs = tabs.staff.filter((tab) => !ADMIN_ONLY_TABS.has(tab.href) || req.staff?.role === 'admin');
      if (req.flashKey) reply.clearCookie(cookies.flash, flashOptions);
      return {
        t: req.t,
        locale: req.locale,
        path: req.url.split('?')[0] ?? '/',
        csrfToken: reply.generateCsrf(),
        societyName: config.societyName[req.locale],
        realm: r,
        tabs: user ? (r === 'staff' ? staffTabs : tabs.member) : [],
        userName: user?.displayName,
        readOnly: r === 'staff' && req.staff?.role === 'auditor',
        can: (action) => r === 'staff' && !!req.staff && can({ id: req.staff.id, role: req.staff.role ?? 'auditor' }, action),
        flash: req.flashKey,
        requestId: String(req.id),
      };
    },
    render(reply, page, status = 200) {
      return reply
        .status(status)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(`<!doctype html>${renderToString(page)}`);
    },
    redirect(reply, url, flash) {
      if (flash) reply.setCookie(cookies.flash, flash, { ...flashOptions, maxAge: 60 });
      return reply.redirect(url, 303);
    },
    actor(req) {
      if (req.staff) return { type: 'staff', id: req.staff.id, ip: req.ip, requestId: String(req.id) };
      if (req.member) return { type: 'member', id: req.member.id, ip: req.ip, requestId: String(req.id) };
      return { type: 'anonymous', id: null, ip: req.ip, requestId: String(req.id) };
    },
    resolveLocale(req) {
      const fromCookie = req.cookies[cookies.lang];
      if (isLocale(fromCookie)) return fromCookie;
      const accept = String(req.headers['accept-language'] ?? '');
      return /^\s*en\b/i.test(accept) ? 'en' : 'ja';
    },
  };
}

export { translator };
