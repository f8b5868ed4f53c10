import type { FastifyInstance, FastifyRequest, preHandlerHookHandler, RouteOptions } from 'fastify';
import { AppError } from './errors';

/** What a secretariat account may be: clerks, administrators, and auditors who only read. */
export const STAFF_ROLES = ['staff', 'admin', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const isStaffRole = (value: unknown): value is StaffRole => STAFF_ROLES.includes(value as StaffRole);

const ALL = ['staff', 'admin', 'auditor'] as const;
const CLERKS = ['staff', 'admin'] as const;
const ADMIN = ['admin'] as const;

/**
 * Every staff action and the roles that may take it: the one table the whole back office is checked
 * against (decisions/0016). A new staff route adds its action here (one line) and names it in
 * `allow(...)`; the route-table test fails for a staff route that names none.
 * Reading (`*.view`, `exports.download`) is open to auditors; changing anything never is.
 */
export const POLICY = {
  // Reading: every role
  'members.view': ALL,
  'credits.view': ALL,
  'catalogue.view': ALL,
  'billing.view': ALL,
  'applications.view': ALL,
  'notices.view': ALL,
  'checkin.view': ALL,
  'audit.view': ALL,
  'dashboard.view': ALL,
  'certificates.view': ALL,
  'exports.download': ALL,
  // The secretariat's daily work: clerks and administrators
  'members.sendResetLink': CLERKS,
  'members.editContact': CLERKS,
  'checkin.verifyQr': CLERKS,
  'checkin.record': CLERKS,
  'credits.review': CLERKS,
  'credits.editReasons': CLERKS,
  'credits.import': CLERKS,
  'credits.addStaffCredit': CLERKS,
  'catalogue.edit': CLERKS,
  'billing.markPaid': CLERKS,
  'billing.cancelInvoice': CLERKS,
  'billing.undoSlip': CLERKS,
  'billing.markSlipsSent': CLERKS,
  'billing.importResults': CLERKS,
  'billing.resolveOverpayments': CLERKS,
  'applications.verify': CLERKS,
  'applications.enterPaper': CLERKS,
  'applications.revert': CLERKS,
  'certificates.manage': CLERKS,
  'notices.manage': CLERKS,
  // Administrators only
  'catalogue.retire': ADMIN,
  'cycles.manage': ADMIN,
  'fees.manage': ADMIN,
  'reminders.manage': ADMIN,
  'staff.accounts': ADMIN,
  'api.tokens': ADMIN,
} as const satisfies Record<string, readonly StaffRole[]>;

export type StaffAction = keyof typeof POLICY;
export const STAFF_ACTIONS = Object.keys(POLICY) as StaffAction[];

/** Who asks: a signed-in staff user (id and role). */
export interface PolicyActor {
  id: number;
  role: StaffRole;
}

/**
 * Rules that depend on the record as well as the role. An administrator never disables or resets
 * the second factor of their own account (nobody would be left to undo it).
 */
const RECORD_RULES: Partial<Record<StaffAction, (actor: PolicyActor, record: { staffId?: number }) => boolean>> = {
  'staff.accounts': (actor, record) => record.staffId === undefined || record.staffId !== actor.id,
};

/** May this actor take this action (on this record, when the rule looks at one)? */
export function can(actor: PolicyActor | undefined, action: StaffAction, record?: { staffId?: number }): boolean {
  if (!actor || !(POLICY[action] as readonly StaffRole[]).includes(actor.role)) return false;
  const rule = RECORD_RULES[action];
  return !rule || !record || rule(actor, record);
}

const actionOf = new WeakMap<object, StaffAction>();

/**
 * The route guard: `{ preHandler: [requireStaff, allow('credits.review')] }`. requireStaff sends the
 * signed-out to the staff login first; this refuses (403) a role the table does not name.
 */
export function allow(action: StaffAction): preHandlerHookHandler {
  const guard: preHandlerHookHandler = async (req) => {
    const user = req.staff;
    if (!user || !can({ id: user.id, role: user.role ?? 'auditor' }, action)) throw new AppError('forbidden');
  };
  actionOf.set(guard, action);
  return guard;
}

/** The action a route's preHandlers name through allow(), if any. */
export function routeAction(preHandler: RouteOptions['preHandler']): StaffAction | undefined {
  const handlers = Array.isArray(preHandler) ? preHandler : preHandler ? [preHandler] : [];
  for (const h of handlers) {
    const action = actionOf.get(h as object);
    if (action) return action;
  }
  return undefined;
}

/** Staff URLs that work before (or without) an active staff session: signing in, enrolment, logout, invitations. */
export const STAFF_SESSION_ROUTES = new Set(['/staff/login', '/staff/login/verify', '/staff/enrol', '/staff/logout', '/staff/invite/:token']);

export interface StaffRoute {
  method: string;
  url: string;
  action: StaffAction | undefined;
}

const isStaffUrl = (url: string) => url === '/staff' || url.startsWith('/staff/') || url.startsWith('/staff.');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const tables = new WeakMap<FastifyInstance, StaffRoute[]>();
const allTables = new WeakMap<FastifyInstance, StaffRoute[]>();

/**
 * Installs the policy on the app, before any route: it records every staff route with the action its
 * guard names (what the route-table test enumerates), and refuses every state-changing staff request
 * of a read-only role centrally, so a route registered without allow() still refuses an auditor.
 */
export function installPolicy(app: FastifyInstance): void {
  const table: StaffRoute[] = [];
  const all: StaffRoute[] = [];
  tables.set(app, table);
  allTables.set(app, all);
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    for (const method of methods) all.push({ method, url: route.url, action: routeAction(route.preHandler) });
    if (!isStaffUrl(route.url) || STAFF_SESSION_ROUTES.has(route.url)) return;
    for (const method of methods) table.push({ method, url: route.url, action: routeAction(route.preHandler) });
  });
  app.addHook('preHandler', async (req: FastifyRequest) => {
    if (!req.staff || SAFE_METHODS.has(req.method)) return;
    const url = req.routeOptions.url ?? '';
    if (!isStaffUrl(url) || STAFF_SESSION_ROUTES.has(url)) return;
    if (req.staff.role === 'auditor') throw new AppError('forbidden');
  });
}

/** Every route of the app, of either realm and none, registered after installPolicy (the authorization test classifies each). */
export function routeTable(app: FastifyInstance): readonly StaffRoute[] {
  return allTables.get(app) ?? [];
}

/** Every staff route of the app with its action (tests read it). */
export function staffRouteTable(app: FastifyInstance): readonly StaffRoute[] {
  return tables.get(app) ?? [];
}
