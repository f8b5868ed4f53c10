import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { seedCreditRules, signInStaff } from '../../test/sign-in';
import { TestClient, textOf } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedCreditRules(t);
});
afterAll(() => t.close());

async function staffClient(role: 'staff' | 'admin') {
  return (await signInStaff(t, { role })).c;
}

const form = {
  code: 'rel-jsim-123', name_ja: '第123回日本内科学会総会・講演会', name_en: '', category_code: 'III', kind: 'related_meeting', credits: '３',
  activity_from: '2026-04-10', activity_to: '2026-04-12', self_reportable: 'on', detail_kind: 'none', limit_group: '', once_per_fiscal_year: '',
};

describe('単位マスター maintenance', () => {
  it('lets staff add an entry that members can then find, and refuses a duplicate code', async () => {
    const s = await staffClient('staff');
    await s.get('/staff/catalogue/new');
    expect((await s.post('/staff/catalogue/new', form)).statusCode).toBe(303);
    const row = await t.db.selectFrom('credit_catalogue').selectAll().where('code', '=', 'REL-JSIM-123').executeTakeFirstOrThrow();
    expect(row.credits).toBe(3);
    await s.get('/staff/catalogue/new');
    const dup = await s.post('/staff/catalogue/new', form);
    expect(dup.statusCode).toBe(409);
    expect(textOf(dup.body)).toContain('この単位コードは既に使われています');

    const m = await createMember(t.db, { member_number: '170001' });
    const c = new TestClient(t.app);
    await c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD });
    const found = (await c.get(`/credits/catalogue/suggest?q=${encodeURIComponent('内科学会')}`)).json() as { code: string }[];
    expect(found.map((f) => f.code)).toContain('REL-JSIM-123');
  });

  it('refuses bad input with the form kept', async () => {
    const s = await staffClient('staff');
    await s.get('/staff/catalogue/new');
    const res = await s.post('/staff/catalogue/new', { ...form, code: 'bad code!', credits: '0', activity_to: '2026-04-01' });
    expect(res.statusCode).toBe(400);
    const text = textOf(res.body);
    expect(text).toContain('単位コードは半角英数字とハイフンで入力してください');
    expect(text).toContain('単位数は1〜100の整数で入力してください');
    expect(text).toContain('終了日は開始日以降にしてください');
    expect(res.body).toContain('第123回日本内科学会総会・講演会');
  });

  it('lets only an admin retire an entry; a retired entry leaves the suggestions; a used one cannot be deleted', async () => {
    const entry = await t.db.selectFrom('credit_catalogue').selectAll().where('code', '=', 'PAPER-CO').executeTakeFirstOrThrow();
    const staff = await staffClient('staff');
    await staff.get('/staff/catalogue');
    expect((await staff.post(`/staff/catalogue/${entry.id}/retire`, {})).statusCode).toBe(403);

    const m = await createMember(t.db, { member_number: '170002' });
    await t.services.credits.recordEarned({ type: 'system', id: null }, { memberId: m.id, code: 'PAPER-CO', activityDate: '2025-01-01', source: 'staff' });

    const admin = await staffClient('admin');
    await admin.get('/staff/catalogue');
    expect((await admin.post(`/staff/catalogue/${entry.id}/delete`, {})).statusCode).toBe(409);
    expect((await admin.post(`/staff/catalogue/${entry.id}/retire`, {})).statusCode).toBe(303);
    expect((await t.services.credits.searchCatalogue({ q: 'PAPER-CO' })).map((e) => e.code)).not.toContain('PAPER-CO');
    const list = textOf((await admin.get('/staff/catalogue?retired=1&q=PAPER-CO')).body);
    expect(list).toContain('廃止');
    expect(list).toContain('使用中 1 件');
    const audit = await t.db.selectFrom('audit_log').select('action').where('subject_id', '=', 'PAPER-CO').execute();
    expect(audit.map((a) => a.action)).toContain('catalogue.retired');
  });

  it('edits an entry without touching credits already recorded', async () => {
    const m = await createMember(t.db, { member_number: '170003' });
    const credit = await t.services.credits.recordEarned({ type: 'system', id: null }, { memberId: m.id, code: 'REL-STUDY', activityDate: '2025-01-01', source: 'staff' });
    const entry = await t.db.selectFrom('credit_catalogue').selectAll().where('code', '=', 'REL-STUDY').executeTakeFirstOrThrow();
    const s = await staffClient('staff');
    await s.get(`/staff/catalogue/${entry.id}`);
    expect((await s.post(`/staff/catalogue/${entry.id}`, { ...form, code: '', credits: '2', detail_kind: 'meeting_name' })).statusCode).toBe(303);
    expect((await t.db.selectFrom('credit_catalogue').select('credits').where('id', '=', entry.id).executeTakeFirstOrThrow()).credits).toBe(2);
    expect((await t.db.selectFrom('credits').select('credits').where('id', '=', credit!.id).executeTakeFirstOrThrow()).credits).toBe(1);
  });
});
