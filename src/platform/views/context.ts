import type { Locale, MessageKey, Translate } from '../i18n';
import type { StaffAction } from '../policy';

export interface NavTab {
  href: string;
  label: MessageKey;
}

/** What every page needs from the request, built once per request by the platform (app.ts). */
export interface PageContext {
  t: Translate;
  locale: Locale;
  path: string;
  csrfToken: string;
  societyName: string;
  realm: 'member' | 'staff' | 'public';
  /** Tabs of the logged-in area; empty when nobody is logged in. */
  tabs: NavTab[];
  userName?: string;
  /** A read-only staff role (auditor): the page says so; every change it tries answers 403. */
  readOnly?: boolean;
  /**
   * May the signed-in staff user take this action (platform/policy.ts)? A page shows a button or a form only
   * when its POST would be let in, so an auditor sees no button that answers 403. False outside the staff realm.
   */
  can(action: StaffAction): boolean;
  flash?: MessageKey;
  requestId: string;
}

/** Field name → message; rendered inline beside the field and, once, in the error summary. */
export type FormErrors = Partial<Record<string, MessageKey>>;
export type FormValues = Record<string, string>;
