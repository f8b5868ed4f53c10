import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { TestClient, textOf } from '../../test/client';
import { createStaff, nextTotp, TEST_PASSWORD } from '../../test/factories';
import { signInStaff } from '../../test/sign-in';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const roleOf = async (id: number) => (await t.db.selectFrom('staff_users').select('role').where('id', '=', id).executeTakeFirstOrThrow()).role;

describe('the auditor role on 職員アカウント', () => {
  it('an admin invites an auditor: the account is stored read-only and the list says so', async () => {
    const { c } = await signInStaff(t, { role: 'admin' });
    const form = await c.get('/staff/accounts/new');
    expect(textOf(form.body)).toContain('監査担当（閲覧のみ）');
    const res = await c.post('/staff/accounts/new', { email: 'kansa@example.jp', displayName: '監査 一郎', role: 'auditor' });
    expect(res.statusCode).toBe(303);
    const user = await t.db.selectFrom('staff_users').selectAll().where('email', '=', 'kansa@example.jp').executeTakeFirstOrThrow();
    expect(user.role).toBe('auditor');
    const row = await t.db.selectFrom('audit_log').select(['after']).where('action', '=', 'staff.invited').where('subject_id', '=', String(user.id)).executeTakeFirstOrThrow();
    expect(row.after).toEqual({ email: 'kansa@example.jp', role: 'auditor' });
    expect(textOf((await c.get('/staff/accounts')).body)).toContain('監査 一郎');
  });

  it('refuses a role that does not exist', async () => {
    const { c } = await signInStaff(t, { role: 'admin' });
    await c.get('/staff/accounts/new');
    const res = await c.post('/staff/accounts/new', { email: 'boss@example.jp', displayName: 'x', role: 'owner' });
    expect(res.statusCode).toBe(400);
    expect(await t.db.selectFrom('staff_users').select('id').where('email', '=', 'boss@example.jp').executeTakeFirst()).toBeUndefined();
  });

  it('the database refuses a role that does not exist, whatever the code says', async () => {
    await expect(t.db.insertInto('staff_users').values({ email: 'x@example.jp', display_name: 'x', role: 'owner' as 'staff' }).execute()).rejects.toThrow(/staff_users_role_check/);
  });

  it('an admin makes a clerk an auditor: audited before/after, the clerk\'s sessions end, the next login is read-only', async () => {
    const { c } = await signInStaff(t, { role: 'admin' });
    const clerk = await signInStaff(t, { role: 'staff' });
    await c.get('/staff/accounts');
    const res = await c.post(`/staff/accounts/${clerk.staff.id}/role`, { role: 'auditor' });
    expect(res.statusCode).toBe(303);
    expect(textOf((await c.get('/staff/accounts')).body)).toContain('権限を変更しました。');
    expect(await roleOf(clerk.staff.id)).toBe('auditor');
    const row = await t.db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'staff.role_changed').where('subject_id', '=', String(clerk.staff.id)).executeTakeFirstOrThrow();
    expect(row).toEqual({ before: { role: 'staff' }, after: { role: 'auditor' } });

    // The old session is gone: the clerk is sent to sign in again.
    expect((await clerk.c.get('/staff')).headers.location).toMatch(/^\/staff\/login/);
    const again = new TestClient(t.app);
    await again.submit('/staff/login', '/staff/login', { email: clerk.staff.email, password: TEST_PASSWORD });
    await again.get('/staff/login/verify');
    expect((await again.post('/staff/login/verify', { code: await nextTotp(t.clock) })).headers.location).toBe('/staff');
    expect((await again.get('/staff/credits')).statusCode).toBe(200);
    await again.get('/staff/notices');
    expect((await again.post('/staff/notices/new', { title_ja: 'x', body_ja: 'y', publish_from: '2026-04-01T09:00' })).statusCode).toBe(403);
    expect(await t.db.selectFrom('notices').select('id').executeTakeFirst()).toBeUndefined();
  });

  it('an admin cannot change their own role, and a clerk cannot change anyone\'s', async () => {
    const admin = await signInStaff(t, { role: 'admin' });
    await admin.c.get('/staff/accounts');
    expect((await admin.c.post(`/staff/accounts/${admin.staff.id}/role`, { role: 'auditor' })).statusCode).toBe(403);
    expect(await roleOf(admin.staff.id)).toBe('admin');
    const other = await createStaff(t.db, t.config.sessionSecret, { role: 'staff' });
    const clerk = await signInStaff(t, { role: 'staff' });
    await clerk.c.get('/staff');
    expect((await clerk.c.post(`/staff/accounts/${other.id}/role`, { role: 'admin' })).statusCode).toBe(403);
    expect(await roleOf(other.id)).toBe('staff');
  });
});
