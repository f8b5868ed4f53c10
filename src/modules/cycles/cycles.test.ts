import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { type TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { makeRenewalReady, seedCreditRules, signInMember, signInStaff } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { Member } from '../../platform/db/schema';
import { formValuesOf } from './schemas';

let t: TestApp;
let admin: TestClient;
let seq = 180000;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await seedCreditRules(t, 2026);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
  admin = (await signInStaff(t, { role: 'admin' })).c;
});
afterAll(() => t.close());

const cycleOf = (fiscalYear: number) => t.db.selectFrom('renewal_cycles').selectAll().where('fiscal_year', '=', fiscalYear).executeTakeFirstOrThrow();
const auditRows = (action: string) => t.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

/** The edit form as the browser sends it: every shown field with its stored value, then the changes. */
async function edit(c: TestClient, fiscalYear: number, changes: Record<string, string>) {
  const cycle = await cycleOf(fiscalYear);
  await c.get(`/staff/cycles/${cycle.id}`);
  return c.post(`/staff/cycles/${cycle.id}`, { ...formValuesOf(cycle), ...changes });
}

/** A 2026年度 renewal target who may submit: 年会費 paid, 60 credits. */
async function submittedRenewal(): Promise<Member> {
  const m = await createMember(t.db, { member_number: String(++seq) });
  await makeRenewalReady(t, m.id);
  const c = await signInMember(t, m.member_number);
  await c.get('/applications/new');
  await c.post('/applications/new', { type: 'renewal' });
  await c.get('/applications/new/renewal');
  await c.post('/applications/new/renewal', {
    baseQualification: 'sogo_naika', baseQualificationNumber: '12345678', baseQualificationYear: '2019', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31', abroad: 'no',
  });
  const no = (await c.get('/profile/detail')).body.match(/href="\/applications\/(SN-\d+)"/)![1]!;
  await c.get(`/applications/${no}`);
  expect((await c.post(`/applications/${no}/submit`, {})).headers.location).toBe(`/applications/${no}/submitted`);
  return m;
}

describe('更新サイクル: who may see it', () => {
  it('a member is sent to the staff login; a clerk without admin gets 403 and changes nothing', async () => {
    const m = await createMember(t.db, { member_number: String(++seq) });
    const member = await signInMember(t, m.member_number);
    for (const url of ['/staff/cycles', '/staff/fees']) {
      const res = await member.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/staff\/login/);
    }

    const { c: clerk } = await signInStaff(t, { role: 'staff' });
    const home = await clerk.get('/staff');
    expect(textOf(home.body)).not.toContain('更新サイクル');
    expect(textOf(home.body)).not.toContain('料金区分');
    expect((await clerk.get('/staff/cycles')).statusCode).toBe(403);
    expect((await clerk.get('/staff/fees')).statusCode).toBe(403);
    const current = await cycleOf(2026);
    expect((await clerk.get(`/staff/cycles/${current.id}`)).statusCode).toBe(403);
    await clerk.get('/staff');
    expect((await clerk.post('/staff/cycles/clone', { from: String(current.id) })).statusCode).toBe(403);
    expect((await clerk.post(`/staff/cycles/${current.id}`, { ...formValuesOf(current), required_credits: '10' })).statusCode).toBe(403);
    expect((await clerk.post('/staff/fees/annual_fee', { amount: '1', methods: 'slip', tax_category: 'non_taxable' })).statusCode).toBe(403);
    expect((await clerk.post('/staff/fees/dispatches', { dispatches: '01-10' })).statusCode).toBe(403);
    expect(await t.db.selectFrom('renewal_cycles').select('fiscal_year').where('fiscal_year', '>', 2026).execute()).toEqual([]);
    expect((await cycleOf(2026)).required_credits).toBe(50);
    expect((await t.services.billing.feeType('annual_fee')).amount).toBe(15_000);
    expect(await t.services.billing.slipDispatchSlots()).toHaveLength(4);

    expect(textOf((await admin.get('/staff')).body)).toContain('更新サイクル');
  });
});

describe('次年度のサイクルを作成', () => {
  it('lists the cycles with 和暦, clones the current one a year on (audited), and refuses the same year twice', async () => {
    const list = await admin.get('/staff/cycles');
    expect(list.statusCode).toBe(200);
    const text = textOf(list.body);
    expect(text).toContain('2026年度（令和8年度） 現在');
    expect(text).toContain('2027年3月31日（令和9年）');
    expect(text).toContain('50 単位（上限 18）');
    expect(text).toContain('2027年度（令和9年度）のサイクルを作成します');

    const source = await cycleOf(2026);
    const res = await admin.post('/staff/cycles/clone', { from: String(source.id) });
    expect(res.statusCode).toBe(303);
    const next = await cycleOf(2027);
    expect(res.headers.location).toBe(`/staff/cycles/${next.id}`);
    expect(next).toMatchObject({
      name_ja: '2027年度更新', name_en: 'Fiscal 2027 renewal', period_end: '2028-03-31', required_credits: 50, self_report_cap: 18,
      category_minimums: source.category_minimums, group_limits: source.group_limits, new_period_start: '2028-04-01', new_period_end: '2033-03-31',
      last_annual_fee_year: 2027, renewal_fee_code: 'renewal_fee', window_opens_on: '2027-04-01', window_closes_on: '2028-01-31', payment_due_on: '2028-02-28',
      study_abroad: source.study_abroad,
    });
    const [row] = await auditRows('cycle.created');
    expect(row).toMatchObject({ actor_type: 'staff', subject_type: 'renewal_cycle', subject_id: '2027', detail: { clonedFrom: 2026 } });
    expect(row!.after).toMatchObject({ fiscal_year: 2027, period_end: '2028-03-31' });
    expect(textOf((await admin.get(res.headers.location as string)).body)).toContain('次年度のサイクルを作成しました');

    await admin.get('/staff/cycles');
    const again = await admin.post('/staff/cycles/clone', { from: String(source.id) });
    expect(again.statusCode).toBe(409);
    expect(textOf(again.body)).toContain('2027年度のサイクルはすでにあります');
    expect(await t.db.selectFrom('renewal_cycles').select('id').where('fiscal_year', '=', 2027).execute()).toHaveLength(1);
    expect(await auditRows('cycle.created')).toHaveLength(1);
  });
});

describe('更新サイクルの編集', () => {
  it('refuses bad values with Japanese messages, the summary and the input kept (400), and changes nothing', async () => {
    const res = await edit(admin, 2027, {
      required_credits: '40', self_report_cap: '４５', window_opens_on: '2027-04-01', window_closes_on: '2027-03-01', payment_due_on: 'あした',
      category_minimums: 'I 10', new_period_start: '2028-02-30', name_ja: '',
    });
    expect(res.statusCode).toBe(400);
    const text = textOf(res.body);
    expect(text).toContain('入力内容に問題があります');
    for (const m of ['自己申告単位の上限は必要単位数以下にしてください', '申請受付［終了］は［開始］より後の日付にしてください', '更新料の支払期日: 日付で入力してください',
      '区分ごとの最低単位: 1行に1つ「名前: 数」の形で入力してください', '新しい認定期間［開始］: 日付で入力してください', '名称（日本語）: 入力してください']) expect(text).toContain(m);
    expect(res.body).toContain('value="あした"');
    expect(res.body).toContain('value="４５"');
    expect((await cycleOf(2027)).required_credits).toBe(50);

    const due = await edit(admin, 2027, { payment_due_on: '2027-03-01' });
    expect(due.statusCode).toBe(400);
    expect(textOf(due.body)).toContain('更新料の支払期日は申請受付［開始］より後の日付にしてください');
    const fee = await edit(admin, 2027, { renewal_fee_code: 'no_such_fee' });
    expect(fee.statusCode).toBe(400);
    expect(textOf(fee.body)).toContain('登録されている料金区分から選んでください');
  });

  it('saves full-width digits and 年月日 dates, audits before/after of what changed, and the rules use the value at once', async () => {
    const m = await createMember(t.db, { member_number: String(++seq), cert_period_end: '2027-03-31' });
    // Read once, so this process has the cycle cached.
    expect((await t.services.credits.transcript(m.id)).transcript.required).toBe(50);

    const res = await edit(admin, 2026, { required_credits: '５５', window_closes_on: '２０２７年２月１５日', category_minimums: 'I: 12\nannual_meeting: 1', group_limits: 'regional_meeting：８' });
    expect(res.statusCode).toBe(303);
    expect(textOf((await admin.get(res.headers.location as string)).body)).toContain('更新サイクルを保存しました');
    const cycle = await cycleOf(2026);
    expect(cycle).toMatchObject({ required_credits: 55, window_closes_on: '2027-02-15', category_minimums: [{ category: 'I', min: 12 }, { kind: 'annual_meeting', minCount: 1 }],
      group_limits: [{ group: 'regional_meeting', maxPerPeriod: 8 }] });

    const [row] = await auditRows('cycle.updated');
    expect(row).toMatchObject({ subject_id: '2026', actor_type: 'staff' });
    expect(row!.before).toEqual({ required_credits: 50, window_closes_on: '2027-01-31', category_minimums: [{ category: 'I', min: 10 }], group_limits: [{ group: 'regional_meeting', maxPerPeriod: 10 }] });
    expect(row!.after).toEqual({ required_credits: 55, window_closes_on: '2027-02-15', category_minimums: [{ category: 'I', min: 12 }, { kind: 'annual_meeting', minCount: 1 }],
      group_limits: [{ group: 'regional_meeting', maxPerPeriod: 8 }] });

    const { transcript } = await t.services.credits.transcript(m.id);
    expect(transcript.required).toBe(55);
    expect(transcript.byKind).toEqual([expect.objectContaining({ kind: 'annual_meeting', minCount: 1 })]);
    expect(textOf((await admin.get(`/staff/cycles/${cycle.id}`)).body)).toContain('2027年2月15日（令和9年）');

    // The same values again: nothing written, nothing audited.
    const same = await edit(admin, 2026, {});
    expect(textOf((await admin.get(same.headers.location as string)).body)).toContain('変更はありませんでした');
    expect(await auditRows('cycle.updated')).toHaveLength(1);

    await edit(admin, 2026, { required_credits: '50', category_minimums: 'I: 10', group_limits: 'regional_meeting: 10', window_closes_on: '2027-01-31' });
    expect((await t.services.credits.transcript(m.id)).transcript.required).toBe(50);
  });

  it('once a renewal is submitted: outcome fields are read-only and refused (409), names and later dates still save', async () => {
    const before = await cycleOf(2026);
    const page = await admin.get(`/staff/cycles/${before.id}`);
    expect(page.body).toContain('name="required_credits"');
    expect(textOf(page.body)).not.toContain('変更不可');

    await submittedRenewal();
    const locked = await admin.get(`/staff/cycles/${before.id}`);
    const text = textOf(locked.body);
    expect(text).toContain('提出済みの更新申請が 1 件あります');
    expect(text).toMatch(/必要単位数 変更不可 50/);
    for (const f of ['required_credits', 'self_report_cap', 'category_minimums', 'period_end', 'new_period_end', 'last_annual_fee_year', 'renewal_fee_code', 'abroad_waives', 'window_opens_on']) {
      expect(locked.body).not.toContain(`name="${f}"`);
    }
    for (const f of ['name_ja', 'name_en', 'window_closes_on', 'payment_due_on']) expect(locked.body).toContain(`name="${f}"`);
    expect(textOf((await admin.get('/staff/cycles')).body)).toMatch(/2026年度更新 .* 1 件 ロック中/);

    const audits = (await auditRows('cycle.updated')).length;
    const refused = await admin.post(`/staff/cycles/${before.id}`, { name_ja: '2026年度更新（改）', required_credits: '40', abroad_waives: 'no' });
    expect(refused.statusCode).toBe(409);
    expect(textOf(refused.body)).toContain('提出済みの更新申請があるため、次の項目は変更できません: 必要単位数、留学の扱い');
    expect(refused.body).toContain('value="2026年度更新（改）"');
    await admin.get(`/staff/cycles/${before.id}`);
    const earlier = await admin.post(`/staff/cycles/${before.id}`, { window_closes_on: '2027-01-10' });
    expect(earlier.statusCode).toBe(409);
    expect(textOf(earlier.body)).toContain('次の項目は変更できません: 申請受付［終了］');
    expect(await cycleOf(2026)).toEqual(before);
    expect(await auditRows('cycle.updated')).toHaveLength(audits);

    await admin.get(`/staff/cycles/${before.id}`);
    const ok = await admin.post(`/staff/cycles/${before.id}`, { name_ja: '2026年度 認定更新', window_closes_on: '2027-02-28', payment_due_on: '2027-03-15' });
    expect(ok.statusCode).toBe(303);
    expect(await cycleOf(2026)).toMatchObject({ name_ja: '2026年度 認定更新', window_closes_on: '2027-02-28', payment_due_on: '2027-03-15', required_credits: 50 });
    const last = (await auditRows('cycle.updated')).at(-1)!;
    expect(last.before).toEqual({ name_ja: '2026年度更新', window_closes_on: '2027-01-31', payment_due_on: '2027-02-28' });

    // The next year's cycle has no submitted renewal: still fully editable.
    expect((await edit(admin, 2027, { required_credits: '45' })).statusCode).toBe(303);
    expect((await cycleOf(2027)).required_credits).toBe(45);
  });
});

describe('料金区分と払込票の発送日', () => {
  it('an amount change applies to new invoices only, is audited, and the page says so', async () => {
    const old = await createMember(t.db, { member_number: String(++seq) });
    await t.services.billing.createAnnualFees(2026, [old.id]);
    const page = textOf((await admin.get('/staff/fees')).body);
    expect(page).toContain('金額を変更しても、作成済みの請求の金額は変わりません');
    expect(page).toMatch(/年会費 annual_fee ¥15,000 ペイジー \/ 払込票 不課税 05-31/);

    await admin.get('/staff/fees/annual_fee');
    const bad = await admin.post('/staff/fees/annual_fee', { amount: '0', tax_category: 'non_taxable', due_month_day: '02-30' });
    expect(bad.statusCode).toBe(400);
    const errors = textOf(bad.body);
    for (const m of ['金額は1～1,000,000円の整数で入力してください', '支払方法を1つ以上選んでください', '「月-日」の形の実在する日付で入力してください']) expect(errors).toContain(m);
    expect(bad.body).toContain('value="02-30"');

    await admin.get('/staff/fees/annual_fee');
    const saved = await admin.post('/staff/fees/annual_fee', { amount: '１６,０００', methods: ['payeasy', 'card'], tax_category: 'non_taxable', due_month_day: '６月３０日' });
    expect(saved.statusCode).toBe(303);
    expect(await t.services.billing.feeType('annual_fee')).toMatchObject({ amount: 16_000, methods: ['card', 'payeasy'], due_month_day: '06-30' });
    const [row] = await auditRows('fee_type.updated');
    expect(row).toMatchObject({ subject_id: 'annual_fee', before: { amount: 15_000, methods: ['payeasy', 'slip'], due_month_day: '05-31' }, after: { amount: 16_000, due_month_day: '06-30' } });

    const [oldInvoice] = await t.services.billing.listForMember(old.id);
    expect(oldInvoice!.invoice).toMatchObject({ amount: 15_000, due_on: '2026-05-31' });
    const fresh = await createMember(t.db, { member_number: String(++seq) });
    await t.services.billing.createAnnualFees(2026, [fresh.id]);
    const [newInvoice] = await t.services.billing.listForMember(fresh.id);
    expect(newInvoice!.invoice).toMatchObject({ amount: 16_000, due_on: '2026-06-30' });
  });

  it('slip dispatch dates: validated MM-DD list, at least one, audited, and the next dispatch follows them', async () => {
    expect(await t.services.billing.nextSlipDispatch()).toBe('2026-12-07');
    await admin.get('/staff/fees');
    const empty = await admin.post('/staff/fees/dispatches', { dispatches: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(textOf(empty.body)).toContain('1行に1つ「月-日」の形の実在する日付を入力してください');
    await admin.get('/staff/fees');
    const impossible = await admin.post('/staff/fees/dispatches', { dispatches: '07-01\n13-01' });
    expect(impossible.statusCode).toBe(400);
    expect(impossible.body).toContain('13-01');

    await admin.get('/staff/fees');
    expect((await admin.post('/staff/fees/dispatches', { dispatches: '７-１\n01-10\n01-10' })).statusCode).toBe(303);
    expect(await t.services.billing.slipDispatchSlots()).toEqual([{ month: 1, day: 10 }, { month: 7, day: 1 }]);
    // 10 January 2027 is a Sunday and the 11th 成人の日: the next business day.
    expect(await t.services.billing.nextSlipDispatch()).toBe('2027-01-12');
    const [row] = await auditRows('setting.slip_dispatches_changed');
    expect(row).toMatchObject({ before: expect.arrayContaining([{ month: 12, day: 5 }]), after: [{ month: 1, day: 10 }, { month: 7, day: 1 }] });
    expect(textOf((await admin.get('/staff/fees')).body)).toContain('2027年1月12日（令和9年）');
  });
});
