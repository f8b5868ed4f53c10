import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test/app';
import { TestClient } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { answered, type OneConnectionApp, withOneConnectionApp } from '../../test/pool';
import { makeRenewalReady, seedCreditRules, signInMember, signInStaff } from '../../test/sign-in';
import type { Member } from '../../platform/db/schema';
import { FEE_TYPES } from '../../seed/billing';

/** The renewal application (STEP①–④), its withdrawal and the secretariat's actions on it, on an app whose pool holds one connection (see test/pool.ts). */
let t: TestApp;
let one: OneConnectionApp;

withOneConnectionApp('2026-11-23T10:00:00+09:00', async (t) => {
  await seedCreditRules(t, 2026);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
}, (...apps) => ([t, one] = apps));

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

const renewalForm = { baseQualification: 'sogo_naika', baseQualificationNumber: '12345678', baseQualificationYear: '2019', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31', abroad: 'no' };
const applicationOf = (memberId: number, type = 'renewal') =>
  t.db.selectFrom('applications').selectAll().where('member_id', '=', memberId).where('type', '=', type as 'renewal').orderBy('id', 'desc').executeTakeFirstOrThrow();

/** A ready renewal target whose renewal is saved (and `submitted`) through the ordinary app; its member signed in there. */
async function renewal(memberNumber: string, opts: { submitted?: boolean; abroad?: boolean } = {}): Promise<{ m: Member; c: TestClient; no: string }> {
  const m = await createMember(t.db, { member_number: memberNumber });
  await makeRenewalReady(t, m.id);
  const c = await signInMember(t, m.member_number);
  await c.get('/applications/new/renewal');
  const form = opts.abroad ? { ...renewalForm, abroad: 'yes', abroadDepartedOn: '2025-09-01', abroadStatus: 'ongoing' } : renewalForm;
  expect((await c.post('/applications/new/renewal', form)).statusCode).toBe(303);
  const { application_no: no } = await applicationOf(m.id);
  if (opts.submitted) {
    await c.get(`/applications/${no}`);
    expect((await c.post(`/applications/${no}/submit`, {})).statusCode).toBe(303);
  }
  return { m, c, no };
}

describe('withdrawal and the secretariat on a pool of one connection (each used to read the member through the pool inside its transaction)', () => {
  it('辞退申請 → OK: the submitted renewal and its fee are cancelled and the member mailed', async () => {
    const { m, no: renewalNo } = await renewal('175002', { submitted: true });
    const c = new TestClient(one.app);
    await answered('login', c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD }));
    await answered('新規', c.get('/applications/new'));
    await answered('辞退申請 → 次へ', c.post('/applications/new', { type: 'withdrawal' }));
    await answered('the form', c.get('/applications/new/withdrawal'));
    expect((await answered('保存', c.post('/applications/new/withdrawal', { withdrawalReason: 'other', withdrawalReasonOther: '海外で臨床に専念するため' }))).statusCode).toBe(303);
    const { application_no: no } = await applicationOf(m.id, 'withdrawal');
    await answered('the confirmation', c.get(`/applications/${no}/withdraw`));
    expect((await answered('専門医認定辞退申請 → OK', c.post(`/applications/${no}/withdraw`, {}))).headers.location).toBe(`/applications/${no}/withdrawn`);
    expect((await applicationOf(m.id)).application_no).toBe(renewalNo);
    expect((await applicationOf(m.id)).status).toBe('cancelled');
    await t.mail.waitFor(m.email, '専門医認定辞退申請を受理しました');
  });

  it('差し戻し: the renewal back to draft, its fee cancelled, the member mailed', async () => {
    const { m } = await renewal('175003', { submitted: true });
    const app = await applicationOf(m.id);
    const { c: staff } = await signInStaff({ ...t, app: one.app });
    await answered('the application page', staff.get(`/staff/applications/${app.id}`));
    expect((await answered('差し戻し', staff.post(`/staff/applications/${app.id}/revert`, { reason: '基本領域認定番号が申請書と異なります' }))).statusCode).toBe(303);
    expect((await applicationOf(m.id)).status).toBe('draft');
    await t.mail.waitFor(m.email, '専門医資格更新申請を差し戻しました');
  });

  it('在籍証明書の再提出を依頼: the certificate stops counting, the member is mailed', async () => {
    const { m, c, no } = await renewal('175004', { abroad: true });
    await c.get(`/applications/${no}`);
    await c.postMultipart(`/applications/${no}/files`, {}, [{ name: 'file', filename: 'cert.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4\n%%EOF\n') }]);
    const app = await applicationOf(m.id);
    const { c: staff } = await signInStaff({ ...t, app: one.app });
    await answered('the application page', staff.get(`/staff/applications/${app.id}`));
    expect((await answered('再提出を依頼', staff.post(`/staff/applications/${app.id}/request-certificate`, { reason: '在籍期間が読み取れません' }))).statusCode).toBe(303);
    await t.mail.waitFor(m.email, '在籍証明書の再提出のお願い');
  });
});
