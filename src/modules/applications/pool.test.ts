import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { TestClient } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { answered, oneConnectionApp } from '../../test/pool';
import { makeRenewalReady, seedCreditRules } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';

/** The renewal application (STEP①–④) on an app whose pool holds one connection (see test/pool.ts). */
let t: TestApp;
let one: Awaited<ReturnType<typeof oneConnectionApp>>;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await seedCreditRules(t, 2026);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
  one = await oneConnectionApp(t);
});
afterAll(async () => {
  await one.close();
  await t.close();
});

describe('renewal on a pool of one connection', () => {
  it('shows the task list, saves the application and submits it (one 専門医更新料 invoice) without a second connection', async () => {
    const m = await createMember(t.db, { member_number: '175001' });
    await makeRenewalReady(t, m.id);

    const c = new TestClient(one.app);
    expect((await answered('login', c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD }))).statusCode).toBe(303);
    expect((await answered('the home page', c.get('/'))).statusCode).toBe(200);
    await answered('新規', c.get('/applications/new'));
    await answered('更新申請 → 次へ', c.post('/applications/new', { type: 'renewal' }));
    await answered('the form', c.get('/applications/new/renewal'));
    const saved = await answered('保存', c.post('/applications/new/renewal', {
      baseQualification: 'sogo_naika', baseQualificationNumber: '12345678', baseQualificationYear: '2019', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31', abroad: 'no',
    }));
    expect(saved.statusCode).toBe(303);
    const no = (await answered('会員情報照会', c.get('/profile/detail'))).body.match(/href="\/applications\/(SN-\d+)"/)![1]!;
    await answered('the application page', c.get(`/applications/${no}`));
    const submitted = await answered('専門医資格更新申請', c.post(`/applications/${no}/submit`, {}));
    expect(submitted.headers.location).toBe(`/applications/${no}/submitted`);

    const row = await t.db.selectFrom('applications').select(['status', 'invoice_id']).where('application_no', '=', no).executeTakeFirstOrThrow();
    expect(row.status).toBe('submitted');
    const invoices = await t.db.selectFrom('invoices').select('id').where('member_id', '=', m.id).where('fee_type', '=', 'renewal_fee').execute();
    expect(invoices.map((i) => i.id)).toEqual([row.invoice_id]);
    await t.mail.waitFor(m.email);
  });
});
