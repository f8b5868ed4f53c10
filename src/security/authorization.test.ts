import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createServices } from '../app';
import { loadConfig } from '../platform/config';
import { can, POLICY, routeTable, STAFF_SESSION_ROUTES, type StaffAction, type StaffRoute } from '../platform/policy';
import { FEE_TYPES } from '../seed/billing';
import { createTestApp, type TestApp } from '../test/app';
import { TestClient, textOf } from '../test/client';
import { createMember } from '../test/factories';
import { seedCreditRules, signInMember, signInStaff } from '../test/sign-in';
import { formatCertificateNo } from '../modules/certificates/format';

/**
 * Authorization over the app's whole route table (decisions/0016, issue 8). Every route the app
 * registers (the onRoute hook of installPolicy) must be classified: staff routes by the policy action
 * their guard names, every other route in CLASSES below. A route added without a class fails the first
 * test. Then every route is called, each method, with REAL ids of another member's records, as each
 * kind of visitor, and the database (every table but sessions) and the upload folder are compared
 * before and after each refused call.
 */
type RouteClass = 'public' | 'member' | 'staff' | 'admin' | 'api-token' | 'gateway-signature' | 'dev-only';

/** Every route that is not a staff route naming a policy action. */
const CLASSES: Record<string, RouteClass> = {
  // Platform and public pages
  'GET /assets/tokens.css': 'public',
  'GET /assets/*': 'public',
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /lang/:locale': 'public',
  'GET /guide': 'public',
  'GET /faq': 'public',
  'GET /legal/tokushoho': 'public',
  'GET /checkin/public-key.pem': 'public',
  'GET /verify/:code': 'public',
  // Member sign-in and the links mailed to a member (the random token is the capability)
  'GET /login': 'public',
  'POST /login': 'public',
  'POST /logout': 'public',
  'GET /password/forgot': 'public',
  'POST /password/forgot': 'public',
  'GET /password/reset/:token': 'public',
  'POST /password/reset/:token': 'public',
  'GET /profile/email/confirm/:token': 'public',
  // Staff sign-in steps and invitations (STAFF_SESSION_ROUTES)
  'GET /staff/login': 'public',
  'POST /staff/login': 'public',
  'GET /staff/login/verify': 'public',
  'POST /staff/login/verify': 'public',
  'GET /staff/enrol': 'public',
  'POST /staff/enrol': 'public',
  'POST /staff/logout': 'public',
  'GET /staff/invite/:token': 'public',
  'POST /staff/invite/:token': 'public',
  // The member portal
  'GET /': 'member',
  'GET /profile': 'member',
  'GET /profile/detail': 'member',
  'GET /profile/email': 'member',
  'POST /profile/email': 'member',
  'GET /profile/address': 'member',
  'POST /profile/address': 'member',
  'POST /profile/reminders': 'member',
  'GET /profile/deadlines.ics': 'member',
  'GET /credits': 'member',
  'GET /credits.csv': 'member',
  'GET /credits.pdf': 'member',
  'GET /credits/new': 'member',
  'POST /credits/new': 'member',
  'GET /credits/catalogue': 'member',
  'GET /credits/catalogue/suggest': 'member',
  'GET /credits/:no': 'member',
  'GET /credits/:no/edit': 'member',
  'POST /credits/:no/edit': 'member',
  'POST /credits/:no/files': 'member',
  'GET /credits/:no/files/:fileId': 'member',
  'GET /credits/:no/request': 'member',
  'POST /credits/:no/request': 'member',
  'GET /credits/:no/recall': 'member',
  'POST /credits/:no/recall': 'member',
  'GET /applications/new': 'member',
  'POST /applications/new': 'member',
  'GET /applications/new/:type': 'member',
  'POST /applications/new/:type': 'member',
  'GET /applications/:no': 'member',
  'POST /applications/:no/files': 'member',
  'GET /applications/:no/files/:fileId': 'member',
  'GET /applications/:no/edit': 'member',
  'POST /applications/:no/edit': 'member',
  'POST /applications/:no/delete': 'member',
  'POST /applications/:no/submit': 'member',
  'GET /applications/:no/submitted': 'member',
  'GET /applications/:no/withdraw': 'member',
  'POST /applications/:no/withdraw': 'member',
  'GET /applications/:no/withdrawn': 'member',
  'GET /billing': 'member',
  'GET /billing/:no': 'member',
  'GET /billing/:no/pay': 'member',
  'POST /billing/:no/pay': 'member',
  'GET /billing/:no/pay/gateway': 'member',
  'GET /billing/:no/return': 'member',
  'GET /billing/:no/slip': 'member',
  'POST /billing/:no/slip': 'member',
  'GET /billing/:no/receipt.pdf': 'member',
  'GET /certificates/:no/pdf': 'member',
  'GET /checkin-qr': 'member',
  'POST /checkin-qr': 'member',
  // Machines: the provider API (bearer token) and the gateways' signed notifications
  'GET /api/openapi.json': 'public',
  'GET /api/problems/:slug': 'public',
  'POST /api/v1/credits': 'api-token',
  'GET /metrics': 'api-token',
  'POST /payments/notify/:gateway': 'gateway-signature',
  // Development only: never registered in production (checked below)
  'GET /dev/mail': 'dev-only',
  'GET /sandbox-gateway/pay/:ref': 'dev-only',
  'POST /sandbox-gateway/pay/:ref': 'dev-only',
  'GET /sandbox-gateway/console': 'dev-only',
  'POST /sandbox-gateway/console/:ref/paid': 'dev-only',
  'POST /sandbox-gateway/console/:ref/act': 'dev-only',
  'POST /sandbox-gateway/console/hold': 'dev-only',
  'POST /sandbox-gateway/console/deliver': 'dev-only',
};

const keyOf = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const isStaffUrl = (url: string) => url === '/staff' || url.startsWith('/staff/') || url.startsWith('/staff.');
const staffClass = (action: StaffAction): RouteClass => ((POLICY[action] as readonly string[]).includes('staff') ? 'staff' : 'admin');

function classOf(route: StaffRoute): RouteClass | undefined {
  if (isStaffUrl(route.url) && !STAFF_SESSION_ROUTES.has(route.url)) return route.action ? staffClass(route.action) : undefined;
  return CLASSES[keyOf(route)];
}

/** The routes Fastify's router holds, read from printRoutes: a cross-check that the hook saw every route. */
function routerRoutes(tree: string): Set<string> {
  const found = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = line.match(/^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const url = stack.join('').replace(/^\/\//, '/');
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) found.add(`${method} ${url}`);
  }
  return found;
}

let t: TestApp;
const NOW = new Date('2026-11-23T10:00:00+09:00');
const system = { type: 'system' as const, id: null };
const PDF = Buffer.from('%PDF-1.7\n% proof\n1 0 obj<<>>endobj\n%%EOF\n');

/** Member A's records, by the ids and numbers their URLs carry. */
const a = {} as { number: string; applicationNo: string; withdrawalNo: string; applicationFileId: string; creditNo: string; draftCreditNo: string; creditFileId: string;
  invoiceNo: string; paidInvoiceNo: string; certificateNo: string; gatewayRef: string; memberId: number };
let owner: TestClient;
/** The certificate is of a member whose renewal is complete (A's is a draft). */
let certificateHolder: TestClient;
/** Real ids for the `:id` of staff URLs, by the URL's record prefix. */
const staffIds: Record<string, string> = {};
let other: TestClient;
let anonymous: TestClient;
const staffClients = {} as Record<'staff' | 'admin' | 'auditor', TestClient>;

async function renewalDraft(c: TestClient): Promise<string> {
  await c.get('/applications/new');
  expect((await c.post('/applications/new', { type: 'renewal' })).headers.location).toBe('/applications/new/renewal');
  await c.get('/applications/new/renewal');
  const saved = await c.post('/applications/new/renewal', {
    baseQualification: 'sogo_naika', baseQualificationNumber: '12345678', baseQualificationYear: '2019', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31',
    abroad: 'yes', abroadDepartedOn: '2025-09-01', abroadStatus: 'ongoing',
  });
  expect(saved.statusCode, textOf(saved.body).slice(0, 300)).toBe(303);
  return (await c.get('/profile/detail')).body.match(/href="\/applications\/(SN-\d+)"/)![1]!;
}

async function withdrawalDraft(c: TestClient): Promise<string> {
  await c.get('/applications/new');
  await c.post('/applications/new', { type: 'withdrawal' });
  await c.get('/applications/new/withdrawal');
  expect((await c.post('/applications/new/withdrawal', { withdrawalReason: 'retirement' })).statusCode).toBe(303);
  const numbers = [...(await c.get('/profile/detail')).body.matchAll(/href="\/applications\/(SN-\d+)"/g)].map((m) => m[1]!);
  return numbers.find((n) => n !== a.applicationNo)!;
}

async function selfReport(c: TestClient): Promise<string> {
  const entry = await t.db.selectFrom('credit_catalogue').selectAll().where('code', '=', 'REL-ANNUAL').executeTakeFirstOrThrow();
  await c.get(`/credits/new?catalogue=${entry.id}`);
  const res = await c.post('/credits/new', { catalogueId: String(entry.id), activityDate: '2025-06-01', detailTitle: '第122回日本内科学会総会・講演会', detailSource: 'Circ J 90(3)' });
  expect(res.statusCode, textOf(res.body).slice(0, 300)).toBe(303);
  return String(res.headers.location).replace('/credits/', '');
}

beforeAll(async () => {
  // /metrics is then a bearer-token route like the provider API (without a token it answers loopback only).
  t = await createTestApp({ METRICS_TOKEN: 'metrics-token-for-the-authorization-test-0123' });
  t.clock.set(NOW);
  await seedCreditRules(t, 2026);
  await t.services.billing.seedFeeTypes(FEE_TYPES);

  // Member A: a draft renewal with its 在籍証明書, a pending self-report with proof and a draft one,
  // an unpaid 専門医更新料 with a live payment attempt, a paid 年会費 with its receipt, a certificate.
  const m = await createMember(t.db, { member_number: '190001' });
  Object.assign(a, { number: m.member_number, memberId: m.id });
  owner = await signInMember(t, m.member_number);
  a.applicationNo = await renewalDraft(owner);
  await owner.get(`/applications/${a.applicationNo}`);
  expect((await owner.postMultipart(`/applications/${a.applicationNo}/files`, {}, [{ name: 'file', filename: '在籍証明書.pdf', type: 'application/pdf', data: PDF }])).statusCode).toBe(303);
  a.withdrawalNo = await withdrawalDraft(owner);
  a.applicationFileId = (await owner.get(`/applications/${a.applicationNo}`)).body.match(new RegExp(`/applications/${a.applicationNo}/files/(\\d+)`))![1]!;

  a.creditNo = await selfReport(owner);
  await owner.get(`/credits/${a.creditNo}`);
  expect((await owner.postMultipart(`/credits/${a.creditNo}/files`, {}, [{ name: 'file', filename: 'badge.pdf', type: 'application/pdf', data: PDF }])).statusCode).toBe(303);
  a.creditFileId = (await owner.get(`/credits/${a.creditNo}`)).body.match(new RegExp(`/credits/${a.creditNo}/files/(\\d+)`))![1]!;
  await owner.get(`/credits/${a.creditNo}/request`);
  expect((await owner.post(`/credits/${a.creditNo}/request`, { comment: '' })).statusCode).toBe(303);
  a.draftCreditNo = await selfReport(owner);
  BODIES['POST /credits/:no/edit']!.catalogueId = String((await t.db.selectFrom('credit_catalogue').select('id').where('code', '=', 'REL-ANNUAL').executeTakeFirstOrThrow()).id);

  const invoice = await t.services.billing.createInvoice(system, { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:authz:${m.id}`, dueOn: '2027-01-31' });
  a.invoiceNo = invoice.control_no;
  await owner.get(`/billing/${a.invoiceNo}/pay`);
  expect((await owner.post(`/billing/${a.invoiceNo}/pay`, { method: 'konbini' })).statusCode).toBe(303);
  a.gatewayRef = (await t.db.selectFrom('payment_attempts').select('gateway_ref').where('invoice_id', '=', invoice.id).executeTakeFirstOrThrow()).gateway_ref ?? '';

  await t.services.billing.createAnnualFees(2026, [m.id]);
  const annual = (await t.services.billing.listForMember(m.id)).find((v) => v.invoice.fee_type === 'annual_fee')!.invoice;
  await t.services.billing.markPaid(system, annual.id, { method: 'slip', paidOn: '2026-05-20', reference: 'T', reason: 'test' }, 'ja', { notify: false });
  a.paidInvoiceNo = annual.control_no;
  expect((await owner.get(`/billing/${a.paidInvoiceNo}/receipt.pdf`)).statusCode).toBe(200);

  // A certificate of a completed renewal (A's, in the previous cycle, as the certificates module leaves it).
  const cycle = await t.db.selectFrom('renewal_cycles').select('id').where('fiscal_year', '=', 2026).executeTakeFirstOrThrow();
  const holder = await createMember(t.db, { member_number: '190003' });
  await t.db.insertInto('applications').values({ member_id: holder.id, cycle_id: cycle.id, type: 'renewal', status: 'completed', completed_at: NOW,
    granted_period_start: '2027-04-01', granted_period_end: '2032-03-31' }).execute();
  const { issued } = await t.services.certificates.issueAll(system);
  a.certificateNo = formatCertificateNo(issued.find((c) => c.member_id === holder.id)!.serial);
  certificateHolder = await signInMember(t, holder.member_number);

  // The staff pages of those records: A's pending self-report, renewal, invoice; the certificate; a notice.
  const idOf = async (table: 'credits' | 'applications' | 'invoices', column: 'control_no' | 'application_no', value: string) =>
    String((await t.db.selectFrom(table).select('id').where(column as never, '=', value as never).executeTakeFirstOrThrow()).id);
  staffIds['/staff/credits/:id'] = await idOf('credits', 'control_no', a.creditNo);
  staffIds['/staff/applications/:id'] = await idOf('applications', 'application_no', a.applicationNo);
  staffIds['/staff/invoices/:id'] = await idOf('invoices', 'control_no', a.invoiceNo);
  staffIds['/staff/certificates/:id'] = String(issued[0]!.id);
  staffIds['/staff/notices/:id'] = String((await t.services.notices.create(system, { title_ja: '更新のお知らせ', body_ja: '本文', title_en: 'Renewal', body_en: 'Body',
    publish_from: NOW, publish_until: null })).id);

  // Money no invoice could take (a transfer for A's paid 年会費): the 過入金 page and its decision forms.
  const over = await t.services.overpayments.record(t.db, system, { invoiceId: annual.id, memberId: m.id, source: 'import', sourceRef: 'authz:1', amount: 15000,
    receivedOn: '2026-06-01', method: 'transfer', reference: 'T-1' });
  staffIds['/staff/billing/overpayments/:id'] = String(over!.id);

  // Member B, the one who tries; the staff roles; the signed out.
  other = await signInMember(t, (await createMember(t.db, { member_number: '190002' })).member_number);
  anonymous = new TestClient(t.app);
  for (const role of ['staff', 'admin', 'auditor'] as const) staffClients[role] = (await signInStaff(t, { role })).c;
}, 180_000);
afterAll(() => t.close());

/** A concrete URL for a route pattern, with member A's real ids and numbers. */
function concrete(url: string): string {
  const params: Record<string, string> = {
    ':fileId': url.startsWith('/credits') || url.startsWith('/staff/credits') ? a.creditFileId : a.applicationFileId,
    ':number': a.number,
    ':token': 'not-a-real-token-0123456789abcdef',
    ':ref': a.gatewayRef || 'none',
    ':gateway': 'sandbox',
    ':locale': 'en',
    ':type': 'renewal',
    ':code': 'AAAAAAAAAAAAAAAAAAAAAA',
    ':slug': 'duplicate-external-id',
  };
  let out = url.replace('*', 'site.css');
  // The pending self-report (with its proof) for recall and the file; the draft for what changes a draft.
  if (url.startsWith('/credits/:no')) out = out.replace(':no', /\/(recall|files\/:fileId)$|^\/credits\/:no$/.test(url) ? a.creditNo : a.draftCreditNo);
  if (url.startsWith('/applications/:no')) out = out.replace(':no', url.includes('/withdraw') ? a.withdrawalNo : a.applicationNo);
  if (url.startsWith('/billing/:no')) out = out.replace(':no', url.endsWith('receipt.pdf') ? a.paidInvoiceNo : a.invoiceNo);
  if (url.startsWith('/certificates/:no')) out = out.replace(':no', a.certificateNo);
  for (const [prefix, id] of Object.entries(staffIds)) if (url.startsWith(prefix)) out = out.replace(':id', id);
  for (const [p, v] of Object.entries(params)) out = out.replace(p, v);
  return out.replace(/:[A-Za-z]+/g, '1');
}

/** A body that would change something if the route let the caller in: the IDOR calls must fail for the right reason. */
const BODIES: Record<string, Record<string, string>> = {
  'POST /credits/:no/edit': { activityDate: '2025-07-01', detailTitle: '書き換え', detailSource: 'x' },
  'POST /credits/:no/request': { comment: 'B' },
  'POST /credits/:no/recall': { comment: 'B' },
  'POST /applications/:no/edit': { baseQualification: 'sogo_naika', baseQualificationNumber: '87654321', baseQualificationYear: '2019', basePeriodStart: '2019-04-01',
    basePeriodEnd: '2024-03-31', abroad: 'no' },
  'POST /billing/:no/pay': { method: 'card' },
};
const MULTIPART = new Set(['POST /credits/:no/files', 'POST /applications/:no/files']);

async function call(c: TestClient, method: string, pattern: string, url: string, empty = false) {
  if (method === 'GET') return c.get(url);
  await c.get(c === anonymous ? '/login' : c === owner || c === other ? '/profile' : '/staff');
  if (MULTIPART.has(`${method} ${pattern}`) && !empty) return c.postMultipart(url, {}, [{ name: 'file', filename: 'x.pdf', type: 'application/pdf', data: PDF }]);
  return c.post(url, empty ? {} : BODIES[`${method} ${pattern}`] ?? {});
}

let tableNames: string[] = [];
/** Every row of every table but sessions and rate-limit counters (touched by requests), as one fingerprint per table. */
async function snapshot(): Promise<Record<string, string>> {
  if (tableNames.length === 0) {
    tableNames = (await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name NOT IN ('sessions', 'rate_limits', 'kysely_migration', 'kysely_migration_lock') ORDER BY 1`.execute(t.db)).rows.map((r) => r.name);
  }
  const union = tableNames.map((n) => `SELECT '${n}' AS name, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS f FROM "${n}" x`).join(' UNION ALL ');
  const rows = (await sql<{ name: string; f: string }>`${sql.raw(union)}`.execute(t.db)).rows;
  const uploads = path.join(t.config.dataDir, 'uploads');
  const files = fs.existsSync(uploads) ? fs.readdirSync(uploads, { recursive: true }).length : 0;
  return { ...Object.fromEntries(rows.map((r) => [r.name, r.f])), uploads: String(files) };
}

function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after).filter((k) => before[k] !== after[k]);
}

describe('the route table', () => {
  it('classifies every route the app registers (a new route without a class fails here)', () => {
    const unclassified = routeTable(t.app).filter((r) => !classOf(r)).map(keyOf);
    expect(unclassified).toEqual([]);
  });

  it('has no class for a route that no longer exists', () => {
    const present = new Set(routeTable(t.app).map(keyOf));
    expect(Object.keys(CLASSES).filter((k) => !present.has(k))).toEqual([]);
  });

  it('holds every route the router knows (nothing registered before the hook was installed)', () => {
    const recorded = new Set(routeTable(t.app).map(keyOf));
    // find-my-way prints a wildcard child (the static files' `/assets/*`) under the root: match it by its method and star.
    const wildcard = (k: string) => k.endsWith('*') && [...recorded].some((r) => r.startsWith(k.split(' ')[0]!) && r.endsWith('/*'));
    const missing = [...routerRoutes(t.app.printRoutes({ commonPrefix: false }))].filter((k) => !recorded.has(k) && !wildcard(k));
    expect(missing).toEqual([]);
    expect(recorded.size).toBeGreaterThan(180);
  });

  it('has routes of every class, and the staff and admin classes agree with the policy table', () => {
    const counts: Record<string, number> = {};
    for (const r of routeTable(t.app)) counts[classOf(r)!] = (counts[classOf(r)!] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['admin', 'api-token', 'dev-only', 'gateway-signature', 'member', 'public', 'staff']);
    for (const r of routeTable(t.app).filter((x) => classOf(x) === 'admin')) expect(can({ id: 0, role: 'staff' }, r.action!), keyOf(r)).toBe(false);
  });

  it('registers no development route in production', async () => {
    const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: t.config.databaseUrl, BASE_URL: 'https://koushin.test', SMTP_HOST: '127.0.0.1',
      MAIL_FROM: 'Koushin <no-reply@koushin.test>', SESSION_SECRET: t.config.sessionSecret, PAYMENT_GATEWAY: 'none', DATA_DIR: t.config.dataDir });
    const deps = { config, db: t.db, jobs: t.jobs, clock: t.clock, mailTransport: null };
    const app = await createApp(deps, createServices(deps));
    await app.ready();
    try {
      const routes = routeTable(app);
      expect(routes.filter((r) => CLASSES[keyOf(r)] === 'dev-only').map(keyOf)).toEqual([]);
      expect(routes.filter((r) => !classOf(r)).map(keyOf)).toEqual([]);
      expect(routes.length).toBeGreaterThan(180);
    } finally {
      await app.close();
    }
  });
});

describe('static files', () => {
  it('list no folder and reach nothing outside public/ (no source, no uploads)', async () => {
    for (const url of ['/assets/', '/assets/%2e%2e/package.json', '/assets/..%2fpackage.json', '/assets/../src/app.tsx', '/assets/%2e%2e/%2e%2e/.data/uploads/']) {
      const res = await anonymous.get(url);
      expect.soft(res.statusCode, url).toBe(404);
      expect.soft(res.body, url).not.toMatch(/"dependencies"|createApp|Index of/);
    }
  });
});

describe('every route × the signed out', () => {
  it('members\' routes send to /login, staff routes to /staff/login, machines are refused, public pages answer; nothing changes', async () => {
    const before = await snapshot();
    for (const route of routeTable(t.app)) {
      const cls = classOf(route)!;
      const label = `${cls} ${keyOf(route)}`;
      // The sandbox gateway's console pays any payment by design (a simulated bank, never in production, checked above).
      if (cls === 'dev-only' && route.method !== 'GET') continue;
      const res = await call(anonymous, route.method, route.url, concrete(route.url));
      if (cls === 'member') {
        expect.soft(res.statusCode, label).toBe(303);
        expect.soft(String(res.headers.location), label).toMatch(/^\/login(\?|$)/);
      } else if (cls === 'staff' || cls === 'admin') {
        expect.soft(res.statusCode, label).toBe(303);
        expect.soft(String(res.headers.location), label).toMatch(/^\/staff\/login/);
      } else if (cls === 'api-token') {
        expect.soft(res.statusCode, label).toBe(401);
      } else if (cls === 'gateway-signature') {
        expect.soft(res.statusCode, label).toBe(400);
      } else {
        expect.soft(res.statusCode, label).toBeLessThan(500);
        expect.soft([401, 403], label).not.toContain(res.statusCode);
      }
    }
    // Public forms (sign-in attempts, reset requests) write their throttle rows and the check-in key is made on first use;
    // no record of a member changes.
    const diff = changed(before, await snapshot()).filter((n) => !['login_attempts', 'audit_log', 'settings'].includes(n));
    expect(diff).toEqual([]);
  });
});

/** Member routes that take a record's id or number: the IDOR surface. */
const recordRoutes = () => routeTable(t.app).filter((r) => classOf(r) === 'member' && /:(no|fileId)/.test(r.url));

describe('member B with member A\'s ids (IDOR)', () => {
  it('A, the owner, can open every record page with these ids (so the ids are real)', async () => {
    for (const route of recordRoutes().filter((r) => r.method === 'GET')) {
      const res = await (route.url.startsWith('/certificates/') ? certificateHolder : owner).get(concrete(route.url));
      expect.soft(res.statusCode, keyOf(route)).not.toBe(404);
      expect.soft(res.statusCode, keyOf(route)).toBeLessThan(500);
    }
  });

  it('every record route, every method, answers 404 to B and changes nothing', async () => {
    const routes = recordRoutes();
    expect(routes.length).toBeGreaterThan(25);
    for (const route of routes) {
      // A POST twice: with a body that would change the record, and with none (the refusal comes before the form is read).
      for (const body of route.method === 'GET' ? ['none'] : ['valid', 'empty']) {
        const label = `${keyOf(route)} (${body})`;
        const before = await snapshot();
        const res = await call(other, route.method, route.url, concrete(route.url), body === 'empty');
        expect.soft(res.statusCode, label).toBe(404);
        expect.soft(res.body, label).not.toContain(a.number);
        expect.soft(res.body, label).not.toContain('%PDF');
        expect.soft(changed(before, await snapshot()), label).toEqual([]);
      }
    }
  });

  it('B\'s own pages never list A\'s records', async () => {
    for (const url of ['/', '/profile', '/profile/detail', '/credits', '/credits.csv', '/billing']) {
      const body = (await other.get(url)).body;
      for (const id of [a.applicationNo, a.creditNo, a.draftCreditNo, a.invoiceNo, a.paidInvoiceNo]) expect.soft(body, `${url} ${id}`).not.toContain(id);
    }
  });
});

describe('staff routes × a member, a clerk on admin routes, an auditor on writes', () => {
  it('a member\'s session on any staff route is sent to the staff login, never content; nothing changes', async () => {
    const before = await snapshot();
    for (const route of routeTable(t.app).filter((r) => ['staff', 'admin'].includes(classOf(r)!))) {
      const res = await call(other, route.method, route.url, concrete(route.url));
      expect.soft(res.statusCode, keyOf(route)).toBe(303);
      expect.soft(String(res.headers.location), keyOf(route)).toMatch(/^\/staff\/login/);
    }
    expect(changed(before, await snapshot())).toEqual([]);
  });

  it('a clerk on every admin route gets 403; nothing changes', async () => {
    const admin = routeTable(t.app).filter((r) => classOf(r) === 'admin');
    expect(admin.length).toBeGreaterThan(10);
    const before = await snapshot();
    for (const route of admin) expect.soft((await call(staffClients.staff, route.method, route.url, concrete(route.url))).statusCode, keyOf(route)).toBe(403);
    expect(changed(before, await snapshot()).filter((n) => n !== 'audit_log')).toEqual([]);
  });

  it('an auditor on every state-changing staff route gets 403; nothing changes', async () => {
    const writes = routeTable(t.app).filter((r) => ['staff', 'admin'].includes(classOf(r)!) && r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(40);
    const before = await snapshot();
    for (const route of writes) expect.soft((await call(staffClients.auditor, route.method, route.url, concrete(route.url))).statusCode, keyOf(route)).toBe(403);
    expect(changed(before, await snapshot())).toEqual([]);
  });

  it('each role gets the staff pages the policy names for it (GETs with real ids)', async () => {
    for (const route of routeTable(t.app).filter((r) => r.method === 'GET' && ['staff', 'admin'].includes(classOf(r)!))) {
      for (const role of ['staff', 'admin', 'auditor'] as const) {
        const res = await staffClients[role].get(concrete(route.url));
        const label = `${role} ${keyOf(route)}`;
        if (can({ id: 0, role }, route.action!)) expect.soft(res.statusCode, label).not.toBe(403);
        else expect.soft(res.statusCode, label).toBe(403);
        expect.soft(res.statusCode, label).toBeLessThan(500);
      }
    }
  });
});

/** The staff route a form's action or a link's href reaches, if any. */
function staffRouteOf(method: string, href: string): StaffRoute | undefined {
  const pathOnly = href.split(/[?#]/)[0]!.replace(/&amp;/g, '&');
  return routeTable(t.app).find((r) => r.method === method && isStaffUrl(r.url) && !STAFF_SESSION_ROUTES.has(r.url)
    && new RegExp(`^${r.url.replace(/[.]/g, '\\.').replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(pathOnly));
}

/** What a page offers: each POST form's action, each link to a staff page, with the policy action it needs. */
function offers(html: string): { kind: 'form' | 'link'; href: string; action: StaffAction }[] {
  const found: { kind: 'form' | 'link'; href: string; action: StaffAction }[] = [];
  for (const m of html.matchAll(/<form\b[^>]*>/g)) {
    if (!/method="post"/i.test(m[0])) continue;
    const href = m[0].match(/action="([^"]*)"/)?.[1] ?? '';
    const route = staffRouteOf('POST', href);
    if (route?.action) found.push({ kind: 'form', href, action: route.action });
  }
  for (const m of html.matchAll(/<a\b[^>]*href="(\/staff[^"]*)"/g)) {
    const route = staffRouteOf('GET', m[1]!);
    if (route?.action) found.push({ kind: 'link', href: m[1]!, action: route.action });
  }
  return found;
}

describe('staff pages offer each role only what it may use', () => {
  it('an auditor sees no button, form or link whose request the policy refuses them; a clerk sees them on the same pages', async () => {
    const pages = routeTable(t.app).filter((r) => r.method === 'GET' && classOf(r) === 'staff' && can({ id: 0, role: 'auditor' }, r.action!));
    let clerkWrites = 0;
    for (const route of pages) {
      const url = concrete(route.url);
      const auditorPage = await staffClients.auditor.get(url);
      if (!String(auditorPage.headers['content-type']).startsWith('text/html')) continue;
      const refused = offers(auditorPage.body).filter((o) => !can({ id: 0, role: 'auditor' }, o.action));
      expect.soft(refused, `auditor ${url}`).toEqual([]);
      clerkWrites += offers((await staffClients.staff.get(url)).body).filter((o) => o.kind === 'form' && !can({ id: 0, role: 'auditor' }, o.action)).length;
    }
    // The clerk's pages have the buttons: the check above looks where they are.
    expect(clerkWrites).toBeGreaterThan(15);
  });

  it('a clerk sees no administrator\'s button or link', async () => {
    for (const route of routeTable(t.app).filter((r) => r.method === 'GET' && classOf(r) === 'staff')) {
      const page = await staffClients.staff.get(concrete(route.url));
      if (!String(page.headers['content-type']).startsWith('text/html')) continue;
      expect.soft(offers(page.body).filter((o) => !can({ id: 0, role: 'staff' }, o.action)), `staff ${route.url}`).toEqual([]);
    }
  });
});

describe('staff URLs naming two records', () => {
  it('a member\'s mail or an application\'s file asked for under another record answers 404', async () => {
    const c = staffClients.staff;
    await c.get(`/staff/members/${a.number}`);
    expect((await c.post(`/staff/members/${a.number}/reset-link`, {})).statusCode).toBe(303);
    const mail = await t.db.selectFrom('mails').select('id').where('member_id', '=', a.memberId).orderBy('id').executeTakeFirstOrThrow();
    expect((await c.get(`/staff/members/${a.number}/mails/${mail.id}`)).statusCode).toBe(200);
    expect((await c.get(`/staff/members/190002/mails/${mail.id}`)).statusCode).toBe(404);
    const renewalId = staffIds['/staff/applications/:id']!;
    const withdrawal = await t.db.selectFrom('applications').select('id').where('application_no', '=', a.withdrawalNo).executeTakeFirstOrThrow();
    expect((await c.get(`/staff/applications/${renewalId}/files/${a.applicationFileId}`)).statusCode).toBe(200);
    expect((await c.get(`/staff/applications/${withdrawal.id}/files/${a.applicationFileId}`)).statusCode).toBe(404);
  });
});
