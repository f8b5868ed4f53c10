import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApp } from './app';
import { can, type StaffRole, staffRouteTable } from './platform/policy';
import { createTestApp, type TestApp } from './test/app';
import { TestClient } from './test/client';
import { createMember } from './test/factories';
import { signInMember, signInStaff } from './test/sign-in';

/**
 * Every staff route of the real app × every kind of visitor. The routes come from the app's own route
 * table (an onRoute hook), so a route added tomorrow is in this test without anyone listing it, and one
 * that names no policy action fails it.
 */
let t: TestApp;
let memberNumber: string;
type Who = 'anonymous' | 'member' | StaffRole;
const clients = {} as Record<Who, TestClient>;
const tokens = {} as Record<Who, string>;

beforeAll(async () => {
  t = await createTestApp();
  const member = await createMember(t.db);
  memberNumber = member.member_number;
  clients.anonymous = new TestClient(t.app);
  clients.member = await signInMember(t, member.member_number);
  for (const role of ['staff', 'admin', 'auditor'] as const) clients[role] = (await signInStaff(t, { role })).c;
  // A CSRF token for each (the staff login page carries one for the signed out; ホーム for the member).
  for (const [who, page] of [['anonymous', '/staff/login'], ['member', '/'], ['staff', '/staff'], ['admin', '/staff'], ['auditor', '/staff']] as const) {
    await clients[who].get(page);
    tokens[who] = clients[who].csrfToken();
  }
});
afterAll(() => t.close());

const auditCount = async () => Number((await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

/** A concrete URL for a route pattern: a real member number, id 1 for records. */
const concrete = (url: string) => url.replace(':number', memberNumber).replace(/:[A-Za-z]+/g, '1');

async function send(who: Who, method: string, url: string) {
  if (method === 'GET') return clients[who].get(url);
  return clients[who].post(url, {}, { csrf: tokens[who] });
}

describe('the staff route table', () => {
  it('lists the staff routes of every module', () => {
    const urls = staffRouteTable(t.app).map((r) => `${r.method} ${r.url}`);
    for (const u of ['GET /staff', 'GET /staff/audit', 'GET /staff/audit.csv', 'POST /staff/credits/:id/approve', 'POST /staff/invoices/:id/paid',
      'POST /staff/accounts/:id/role', 'POST /staff/api-tokens', 'POST /staff/catalogue/:id/retire']) expect(urls).toContain(u);
    expect(urls).not.toContain('POST /staff/login');
    expect(urls.length).toBeGreaterThan(60);
  });

  it('every staff route names its policy action (a new route without allow(...) fails here)', () => {
    const missing = staffRouteTable(t.app).filter((r) => !r.action).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('no state-changing route is open to auditors in the table', () => {
    const open = staffRouteTable(t.app).filter((r) => r.method !== 'GET' && r.action && can({ id: 0, role: 'auditor' }, r.action));
    expect(open).toEqual([]);
  });
});

describe('every staff route × anonymous, member, staff, admin, auditor', () => {
  it('the signed out and members are sent to the staff login; nothing changes', async () => {
    for (const route of staffRouteTable(t.app)) {
      for (const who of ['anonymous', 'member'] as const) {
        const before = await auditCount();
        const res = await send(who, route.method, concrete(route.url));
        expect.soft(res.statusCode, `${who} ${route.method} ${route.url}`).toBe(303);
        expect.soft(res.headers.location, `${who} ${route.method} ${route.url}`).toMatch(/^\/staff\/login/);
        expect.soft(await auditCount(), `${who} ${route.method} ${route.url}`).toBe(before);
      }
    }
  });

  it('a role the policy does not name gets 403 and nothing changes; a role it names is let in', async () => {
    let refused = 0;
    for (const route of staffRouteTable(t.app)) {
      for (const role of ['staff', 'admin', 'auditor'] as const) {
        const allowed = can({ id: 0, role }, route.action!) && !(role === 'auditor' && route.method !== 'GET');
        const label = `${role} ${route.method} ${route.url} (${route.action})`;
        if (allowed && route.method !== 'GET') continue; // a permitted change with made-up ids proves nothing about the policy
        const before = await auditCount();
        const res = await send(role, route.method, concrete(route.url));
        if (allowed) {
          expect.soft(res.statusCode, label).not.toBe(403);
          expect.soft(res.statusCode, label).toBeLessThan(500);
          expect.soft(String(res.headers.location ?? ''), label).not.toMatch(/^\/staff\/login/);
        } else {
          refused += 1;
          expect.soft(res.statusCode, label).toBe(403);
          expect.soft(await auditCount(), label).toBe(before);
        }
      }
    }
    expect(refused).toBeGreaterThan(20);
  });

  it('a clerk without admin is refused the admin pages: accounts, API tokens, catalogue retirement', async () => {
    const c = clients.staff;
    expect((await c.get('/staff/accounts')).statusCode).toBe(403);
    expect((await c.get('/staff/api-tokens')).statusCode).toBe(403);
    await c.get('/staff');
    const before = await auditCount();
    expect((await c.post('/staff/accounts/new', { email: 'new@example.jp', displayName: '新人', role: 'admin' })).statusCode).toBe(403);
    expect(await t.db.selectFrom('staff_users').select('id').where('email', '=', 'new@example.jp').executeTakeFirst()).toBeUndefined();
    expect((await c.post('/staff/catalogue/1/retire', {})).statusCode).toBe(403);
    expect((await c.post('/staff/accounts/1/role', { role: 'admin' })).statusCode).toBe(403);
    expect(await auditCount()).toBe(before);
  });

  it('the staff navigation shows admins their tabs and hides them from clerks and auditors; auditors are told they only read', async () => {
    const tabs = async (role: StaffRole) => (await clients[role].get('/staff')).body;
    expect(await tabs('admin')).toContain('href="/staff/accounts"');
    expect(await tabs('staff')).not.toContain('href="/staff/accounts"');
    expect(await tabs('auditor')).not.toContain('href="/staff/accounts"');
    expect(await tabs('auditor')).toContain('href="/staff/audit"');
    expect(await tabs('auditor')).toContain('監査担当（閲覧のみ）としてログインしています。');
    expect(await tabs('staff')).not.toContain('監査担当（閲覧のみ）としてログインしています。');
  });
});

describe('the central read-only rule', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    // The same composition root plus one staff route registered the way a hurried colleague might: no guard at all.
    app = await createApp({ config: t.config, db: t.db, jobs: t.jobs, clock: t.clock, mailTransport: null }, t.services);
    app.post('/staff/forgotten', async () => 'changed');
    await app.ready();
  });
  afterAll(() => app.close());

  it('refuses an auditor\'s POST to a route that forgot its policy, and the route table reports it', async () => {
    const auditor = (await signInStaff({ ...t, app }, { role: 'auditor' })).c;
    await auditor.get('/staff');
    expect((await auditor.post('/staff/forgotten', {})).statusCode).toBe(403);
    const clerk = (await signInStaff({ ...t, app }, { role: 'staff' })).c;
    await clerk.get('/staff');
    expect((await clerk.post('/staff/forgotten', {})).body).toBe('changed');
    expect(staffRouteTable(app).find((r) => r.url === '/staff/forgotten')).toEqual({ method: 'POST', url: '/staff/forgotten', action: undefined });
  });

  it('an auditor can still sign out', async () => {
    const auditor = (await signInStaff(t, { role: 'auditor' })).c;
    await auditor.get('/staff');
    const res = await auditor.post('/staff/logout', {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/login');
  });
});
