import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { type TestClient, textOf } from '../../test/client';
import { jobsIdle } from '../../test/jobs-idle';
import { createMember } from '../../test/factories';
import { seedCreditRules, signInMember, signInStaff } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { Member } from '../../platform/db/schema';

let t: TestApp;
let seq = 170000;
const system = { type: 'system' as const, id: null };
const NOW = new Date('2026-11-23T10:00:00+09:00');

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  await seedCreditRules(t, 2026);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});
afterAll(() => t.close());

/** A 2026年度 renewal target (period 2022-04-01 – 2027-03-31) with the fees and credits asked for. */
async function target(opts: { unpaid?: number[]; paid?: number[]; credits?: string[] } = {}): Promise<{ m: Member; c: TestClient }> {
  const m = await createMember(t.db, { member_number: String(++seq) });
  for (const year of [...(opts.paid ?? []), ...(opts.unpaid ?? [])]) await t.services.billing.createAnnualFees(year, [m.id]);
  for (const v of await t.services.billing.listForMember(m.id)) {
    if (opts.paid?.includes(v.invoice.fiscal_year!)) {
      await t.services.billing.markPaid(system, v.invoice.id, { method: 'slip', paidOn: `${v.invoice.fiscal_year}-05-20`, reference: 'T', reason: 'test' }, 'ja', { notify: false });
    }
  }
  const dates: Record<string, string> = { JCS87: '2023-03-14', JCS88: '2024-03-14', JCS89: '2025-03-14', JCS90: '2026-03-14' };
  for (const code of opts.credits ?? []) await t.services.credits.recordEarned(system, { memberId: m.id, code, activityDate: dates[code]!, source: 'attendance' });
  return { m, c: await signInMember(t, m.member_number) };
}
const ready = () => target({ paid: [2025, 2026], credits: ['JCS87', 'JCS88', 'JCS89', 'JCS90'] });

const renewalForm = {
  baseQualification: 'sogo_naika', baseQualificationNumber: '１２３４５６７８', baseQualificationYear: '２０１９', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31', abroad: 'no',
};

/** STEP①: 新規 → 更新申請 → 次へ → form → 保存; returns the 申請番号. */
async function saveRenewal(c: TestClient, fields: Record<string, string> = renewalForm): Promise<string> {
  await c.get('/applications/new');
  const next = await c.post('/applications/new', { type: 'renewal' });
  expect(next.headers.location).toBe('/applications/new/renewal');
  await c.get('/applications/new/renewal');
  const saved = await c.post('/applications/new/renewal', fields);
  expect(saved.statusCode).toBe(303);
  expect(saved.headers.location).toBe('/profile/detail');
  const profile = await c.get('/profile/detail');
  return profile.body.match(/href="\/applications\/(SN-\d+)"/)![1]!;
}

async function applicationRow(no: string) {
  return t.db.selectFrom('applications').selectAll().where('application_no', '=', no).executeTakeFirstOrThrow();
}

describe('STEP① 専門医資格申請情報の作成', () => {
  it('goes 会員情報照会 → 新規 → 更新申請 → 次へ → form → 保存, and says saving is not applying', async () => {
    const { c } = await target();
    const profile = textOf((await c.get('/profile/detail')).body);
    expect(profile).toContain('専門医資格申請情報');
    expect(profile).toContain('申請情報はまだありません');
    await c.get('/applications/new');
    expect((await c.post('/applications/new', {})).statusCode).toBe(400);
    expect(textOf(c.last!.body)).toContain('申請区分を選択してください。');

    const form = textOf((await c.get('/applications/new/renewal')).body);
    for (const label of ['基本領域資格', '基本領域認定番号', '基本領域認定・更新年度', '基本領域認定期間［開始］', '基本領域認定期間［終了］']) expect(form).toContain(label);
    expect(form).toContain('循環器専門医番号ではありません');
    expect(form).toContain('現在の認定期間を入力してください');
    const html = c.last!.body;
    expect(html).not.toContain('name="aclsValidUntil"');
    expect(html).not.toContain('name="licenceDate"');
    expect(form).not.toContain('ACLS資格の有効期限');

    const blank = await c.post('/applications/new/renewal', { baseQualification: '', baseQualificationNumber: 'abc', baseQualificationYear: '', basePeriodStart: '', basePeriodEnd: '' });
    expect(blank.statusCode).toBe(400);
    const errors = textOf(blank.body);
    for (const m of ['基本領域資格を選択してください。', '基本領域認定番号は8桁までの数字で入力してください。', '基本領域認定・更新年度を入力してください。',
      '基本領域認定期間［開始］を日付で入力してください。', '基本領域認定期間［終了］を日付で入力してください。']) expect(errors).toContain(m);
    expect(blank.body).toContain('value="abc"');

    const backwards = await c.post('/applications/new/renewal', { ...renewalForm, basePeriodEnd: '2019-03-31' });
    expect(backwards.statusCode).toBe(400);
    expect(textOf(backwards.body)).toContain('［終了］は［開始］より後の日付');

    await c.get('/applications/new/renewal');
    const saved = await c.post('/applications/new/renewal', renewalForm);
    expect(saved.headers.location).toBe('/profile/detail');
    const after = await c.get('/profile/detail');
    expect(textOf(after.body)).toContain('保存しただけでは申請は完了していません');
    const no = after.body.match(/href="\/applications\/(SN-\d+)"/)![1]!;
    expect(textOf(after.body)).toMatch(new RegExp(`${no} 更新申請 下書き`));
    expect(await applicationRow(no)).toMatchObject({ status: 'draft', type: 'renewal', base_qualification_number: '12345678', base_qualification_year: 2019 });
    const detail = textOf((await c.get(`/applications/${no}`)).body);
    expect(detail).toContain('2019年度（平成31年度）');
    expect(detail).toContain('専門医資格更新申請');
  });

  it('edits and deletes a draft; another member sees neither', async () => {
    const { c } = await target();
    const no = await saveRenewal(c);
    const edit = await c.get(`/applications/${no}/edit`);
    expect(edit.body).toContain('value="12345678"');
    expect((await c.post(`/applications/${no}/edit`, { ...renewalForm, baseQualification: 'geka' })).headers.location).toBe(`/applications/${no}`);
    expect((await applicationRow(no)).base_qualification).toBe('geka');

    const other = (await target()).c;
    expect((await other.get(`/applications/${no}`)).statusCode).toBe(404);
    await other.get('/profile/detail');
    expect((await other.post(`/applications/${no}/delete`, {})).statusCode).toBe(404);

    await c.get(`/applications/${no}`);
    expect((await c.post(`/applications/${no}/delete`, {})).headers.location).toBe('/profile/detail');
    expect(await t.db.selectFrom('applications').select('id').where('application_no', '=', no).execute()).toEqual([]);
  });

  it('新規申請 has its own short form with ACLS and the licence date, and goes to the secretariat for review', async () => {
    const { c } = await target();
    await c.get('/applications/new/initial');
    const blank = await c.post('/applications/new/initial', {});
    expect(blank.statusCode).toBe(400);
    expect(textOf(blank.body)).toContain('ACLS資格の有効期限を日付で入力してください。');
    await c.post('/applications/new/initial', { baseQualification: 'shonika', baseQualificationNumber: '42', licenceDate: '2010-05-01', aclsValidUntil: '2027-12-31' });
    const no = (await c.get('/profile/detail')).body.match(/href="\/applications\/(SN-\d+)"/)![1]!;
    await c.get(`/applications/${no}`);
    expect((await c.post(`/applications/${no}/submit`, {})).headers.location).toBe(`/applications/${no}/submitted`);
    expect((await applicationRow(no)).status).toBe('submitted_for_review');
    expect(await t.db.selectFrom('invoices').select('id').where('business_key', 'like', `%:${(await applicationRow(no)).id}`).execute()).toEqual([]);
  });
});

describe('STEP④ 専門医資格更新申請', () => {
  it('is refused with both reasons and their details, and nothing changes', async () => {
    const { c } = await target({ unpaid: [2025, 2026], credits: ['JCS89'] });
    const no = await saveRenewal(c);
    await c.get(`/applications/${no}`);
    const refused = await c.post(`/applications/${no}/submit`, {});
    expect(refused.statusCode).toBe(409);
    const text = textOf(refused.body);
    expect(text).toContain('年会費のお支払いが未納');
    expect(text).toContain('2025年度 ¥15,000');
    expect(text).toContain('2026年度 ¥15,000');
    expect(text).toContain('未納合計 ¥30,000');
    expect(refused.body).toContain('href="/billing"');
    expect(text).toContain('単位不足');
    expect(text).toContain('あと 35 単位必要です（取得 15 / 必要 50 単位）');
    expect(refused.body).toContain('href="/credits"');
    expect((await applicationRow(no)).status).toBe('draft');
    expect(await t.db.selectFrom('invoices').select('id').where('fee_type', '=', 'renewal_fee').where('business_key', '=', `renewal_fee:application:${(await applicationRow(no)).id}`).execute()).toEqual([]);
  });

  it('on success: 更新申請完了, one 専門医更新料 invoice with the cycle’s due date, audit and mail — even on a double click', async () => {
    const { m, c } = await ready();
    const no = await saveRenewal(c);
    await c.get(`/applications/${no}`);
    const token = c.csrfToken();
    const [a, b] = await Promise.all([c.post(`/applications/${no}/submit`, {}, { csrf: token }), c.post(`/applications/${no}/submit`, {}, { csrf: token })]);
    expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
    const row = await applicationRow(no);
    expect(row.status).toBe('submitted');
    const invoices = await t.db.selectFrom('invoices').selectAll().where('member_id', '=', m.id).where('fee_type', '=', 'renewal_fee').execute();
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ business_key: `renewal_fee:application:${row.id}`, amount: 30000, due_on: '2027-02-28', status: 'unpaid', fiscal_year: 2026 });
    expect(row.invoice_id).toBe(invoices[0]!.id);

    const done = textOf((await c.get(`/applications/${no}/submitted`)).body);
    expect(done).toContain('更新申請完了');
    expect(done).toContain(`管理No ${invoices[0]!.control_no}、¥30,000、支払期日 2027年2月28日`);
    expect(done).toContain('3月中旬以降');
    const mail = await t.mail.waitFor(m.email, '専門医資格更新申請を受け付けました');
    expect(mail.text).toContain(`http://koushin.test/billing/${invoices[0]!.control_no}`);
    const audit = await t.db.selectFrom('audit_log').select('action').where('subject_id', '=', no).execute();
    expect(audit.map((x) => x.action)).toContain('application.submitted');
    expect(textOf((await c.get('/profile/detail')).body)).toMatch(new RegExp(`${no} 更新申請 更新申請完了`));
    // A third try (second tab later) changes nothing either.
    await c.get(`/applications/${no}`);
    expect((await c.post(`/applications/${no}/submit`, {})).statusCode).toBe(303);
    expect(await t.db.selectFrom('invoices').select('id').where('member_id', '=', m.id).where('fee_type', '=', 'renewal_fee').execute()).toHaveLength(1);
    expect((await c.get(`/applications/${no}/edit`)).statusCode).toBe(409);
  });

  it('two drafts submitted at once: one renewal, one invoice; the other is told it is already applied', async () => {
    const { m, c } = await ready();
    const first = await saveRenewal(c);
    const second = await saveRenewal(c, { ...renewalForm, baseQualification: 'geka' });
    await c.get(`/applications/${first}`);
    const token = c.csrfToken();
    const [a, b] = await Promise.all([c.post(`/applications/${first}/submit`, {}, { csrf: token }), c.post(`/applications/${second}/submit`, {}, { csrf: token })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409]);
    expect(textOf((a.statusCode === 409 ? a : b).body)).toContain('この更新年度の更新申請は完了しています');
    expect(await t.db.selectFrom('invoices').select('id').where('member_id', '=', m.id).where('fee_type', '=', 'renewal_fee').execute()).toHaveLength(1);
  });

  it('waives only the credits for a member still abroad', async () => {
    const { c } = await target({ paid: [2026] });
    const no = await saveRenewal(c, { ...renewalForm, abroad: 'yes', abroadDepartedOn: '2025-09-01', abroadStatus: 'ongoing' });
    expect(textOf((await c.get(`/applications/${no}`)).body)).toContain('証明書類未提出');
    expect(textOf(c.last!.body)).toContain('留学により、研修単位取得の条件は免除されます。');
    expect((await c.post(`/applications/${no}/submit`, {})).statusCode).toBe(303);
    expect((await applicationRow(no)).status).toBe('submitted');
  });

  it('takes the 在籍証明書 with the proof upload rules (after submission too); staff verify it', async () => {
    const { c } = await target({ paid: [2026] });
    const no = await saveRenewal(c, { ...renewalForm, abroad: 'yes', abroadDepartedOn: '2025-09-01', abroadStatus: 'ongoing' });
    await c.get(`/applications/${no}`);
    await c.post(`/applications/${no}/submit`, {});
    await c.get(`/applications/${no}`);
    const html = await c.postMultipart(`/applications/${no}/files`, {}, [{ name: 'file', filename: 'page.pdf', type: 'application/pdf', data: Buffer.from('<html><script>alert(1)</script>') }]);
    expect(html.statusCode).toBe(400);
    expect(textOf(html.body)).toContain('証明書類未提出');
    await c.get(`/applications/${no}`);
    const ok = await c.postMultipart(`/applications/${no}/files`, {}, [{ name: 'file', filename: '在籍証明書.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4\n%%EOF\n') }]);
    expect(ok.headers.location).toBe(`/applications/${no}`);
    const page = await c.get(`/applications/${no}`);
    expect(textOf(page.body)).toContain('証明書類提出済み（事務局で確認中）');
    const fileHref = page.body.match(new RegExp(`href="(/applications/${no}/files/\\d+)"`))![1]!;
    expect((await c.get(fileHref)).body).toContain('%PDF-1.4');
    expect((await (await target()).c.get(fileHref)).statusCode).toBe(404);

    const { c: staff } = await signInStaff(t);
    const id = (await applicationRow(no)).id;
    expect(textOf((await staff.get('/staff/applications')).body)).toContain(no);
    expect(textOf((await staff.get(`/staff/applications/${id}`)).body)).toContain('在籍証明書.pdf');
    expect((await staff.post(`/staff/applications/${id}/verify`, {})).headers.location).toBe(`/staff/applications/${id}`);
    expect((await applicationRow(no)).abroad_verified_at).not.toBeNull();
    expect(textOf((await staff.get('/staff/applications')).body)).not.toContain(no);
    expect(textOf((await c.get(`/applications/${no}`)).body)).toContain('証明書類確認済み');
    expect((await staff.post(`/staff/applications/${id}/verify`, { _csrf: staff.csrfToken() }, { csrf: false })).statusCode).toBe(409);
    expect((await c.get(`/staff/applications/${id}`)).statusCode).toBe(303);
  });

  it('a stay of 12 months that ended inside the period earns 12 その他 credits when staff verify the certificate (not a waiver)', async () => {
    const { m, c } = await target({ paid: [2026] });
    const no = await saveRenewal(c, { ...renewalForm, abroad: 'yes', abroadDepartedOn: '2023-04-01', abroadStatus: 'returned', abroadReturnedOn: '2024-04-01' });
    expect(textOf((await c.get(`/applications/${no}`)).body)).toContain('あと 50 単位必要です');
    await c.postMultipart(`/applications/${no}/files`, {}, [{ name: 'file', filename: 'cert.png', type: 'image/png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]) }]);
    const { c: staff } = await signInStaff(t);
    const id = (await applicationRow(no)).id;
    await staff.get(`/staff/applications/${id}`);
    await staff.post(`/staff/applications/${id}/verify`, {});
    const { transcript } = await t.services.credits.transcript(m.id);
    expect(transcript.total).toBe(12);
    expect(transcript.byCategory.find((x) => x.code === 'V')?.counted).toBe(12);
    expect(textOf((await c.get(`/applications/${no}`)).body)).toContain('あと 38 単位必要です');
  });

  it('asks for the return date or 留学中 when abroad', async () => {
    const { c } = await target();
    await c.get('/applications/new/renewal');
    const res = await c.post('/applications/new/renewal', { ...renewalForm, abroad: 'yes', abroadDepartedOn: '' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('出国日を入力してください。');
    expect(textOf(res.body)).toContain('「帰国した」か「留学中」かを選択してください。');
  });
});

describe('STEP⑤⑥ settlement', () => {
  it('a paid 専門医更新料 completes the renewal once, records the new period and mails the member', async () => {
    const { m, c } = await ready();
    const no = await saveRenewal(c);
    await c.get(`/applications/${no}`);
    await c.post(`/applications/${no}/submit`, {});
    const row = await applicationRow(no);
    await t.services.billing.markPaid(system, row.invoice_id!, { method: 'card', paidOn: '2026-11-24', reference: 'R1', reason: 'test' }, 'ja', { notify: false });
    await expect.poll(async () => (await applicationRow(no)).status, { timeout: 10_000 }).toBe('completed');
    expect(await applicationRow(no)).toMatchObject({ granted_period_start: '2027-04-01', granted_period_end: '2032-03-31' });
    await t.mail.waitFor(m.email, '更新手続きが完了しました');
    // Delivered again (a retried job): nothing more happens.
    const invoice = (await t.services.billing.getForStaff(row.invoice_id!)).invoice;
    await t.services.applications.onInvoiceSettled({ invoiceId: invoice.id, controlNo: invoice.control_no, memberId: m.id, feeType: 'renewal_fee', businessKey: invoice.business_key, fiscalYear: 2026, amount: 30000, paidOn: '2026-11-24', method: 'card' });
    const events = await t.db.selectFrom('application_events').select('action').where('application_id', '=', row.id).execute();
    expect(events.filter((e) => e.action === 'complete')).toHaveLength(1);

    await jobsIdle(t);
    expect(t.mail.count(m.email, '更新手続きが完了しました')).toBe(1);
    const home = textOf((await c.get('/')).body);
    expect(home).toContain('更新完了。新しい認定期間は2027年4月1日（令和9年）～2032年3月31日（令和14年）です。');

    // The new period begins on 1 April (Tokyo): the member holds it from then on, once.
    const periodOf = async () => t.db.selectFrom('members').select(['cert_period_start', 'cert_period_end']).where('id', '=', m.id).executeTakeFirstOrThrow();
    const before = await periodOf();
    const now = t.clock.now();
    try {
      t.clock.set(new Date('2027-03-31T23:59:00+09:00'));
      await t.services.applications.startNewPeriods();
      expect(await periodOf()).toEqual(before);
      t.clock.set(new Date('2027-04-01T00:20:00+09:00'));
      expect(await t.services.applications.startNewPeriods()).toBeGreaterThanOrEqual(1);
      expect(await periodOf()).toEqual({ cert_period_start: '2027-04-01', cert_period_end: '2032-03-31' });
      expect(await t.services.applications.startNewPeriods()).toBe(0);
      const audits = await t.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('member_id', '=', m.id).where('action', '=', 'member.period_started').execute();
      expect(audits).toEqual([{ action: 'member.period_started', before: { start: before.cert_period_start, end: before.cert_period_end }, after: { start: '2027-04-01', end: '2032-03-31' } }]);
    } finally {
      t.clock.set(now);
    }
  });
});

describe('STEP⑤ by card through the sandbox gateway', () => {
  it('the gateway’s settlement completes the renewal too', async () => {
    const { c } = await ready();
    const no = await saveRenewal(c);
    await c.get(`/applications/${no}`);
    await c.post(`/applications/${no}/submit`, {});
    const invoice = (await t.services.billing.getForStaff((await applicationRow(no)).invoice_id!)).invoice;
    await c.get(`/billing/${invoice.control_no}/pay`);
    const gatewayUrl = (await c.post(`/billing/${invoice.control_no}/pay`, { method: 'card' })).headers.location as string;
    await c.get(gatewayUrl);
    expect((await c.post(gatewayUrl, { cardNumber: '4242 4242 4242 4242' })).statusCode).toBe(303);
    await expect.poll(async () => (await t.services.billing.getForStaff(invoice.id)).invoice.status, { timeout: 10_000 }).toBe('paid');
    await expect.poll(async () => (await applicationRow(no)).status, { timeout: 10_000 }).toBe('completed');
  });
});

describe('辞退申請', () => {
  it('辞退理由 → 保存 → 専門医認定辞退申請 → OK: accepted, mailed; the submitted renewal and its unpaid fee are cancelled; no renewal afterwards', async () => {
    const { m, c } = await ready();
    const renewalNo = await saveRenewal(c);
    await c.get(`/applications/${renewalNo}`);
    await c.post(`/applications/${renewalNo}/submit`, {});
    const renewal = await applicationRow(renewalNo);

    await c.get('/applications/new');
    expect((await c.post('/applications/new', { type: 'withdrawal' })).headers.location).toBe('/applications/new/withdrawal');
    await c.get('/applications/new/withdrawal');
    const other = await c.post('/applications/new/withdrawal', { withdrawalReason: 'other', withdrawalReasonOther: '' });
    expect(other.statusCode).toBe(400);
    expect(textOf(other.body)).toContain('「その他」を選んだ場合は辞退理由を入力してください。');
    await c.post('/applications/new/withdrawal', { withdrawalReason: 'other', withdrawalReasonOther: '海外で臨床に専念するため' });
    const profile = await c.get('/profile/detail');
    expect(textOf(profile.body)).toContain('保存しただけでは辞退申請は完了していません');
    const no = [...profile.body.matchAll(/href="\/applications\/(SN-\d+)"/g)].map((x) => x[1]!).find((n) => n !== renewalNo)!;

    const confirm = textOf((await c.get(`/applications/${no}/withdraw`)).body);
    expect(confirm).toContain('よろしいですか');
    expect((await c.post(`/applications/${no}/withdraw`, {})).headers.location).toBe(`/applications/${no}/withdrawn`);
    expect(textOf((await c.get(`/applications/${no}/withdrawn`)).body)).toContain('辞退申請完了');
    expect((await applicationRow(no)).status).toBe('withdrawn');
    expect((await applicationRow(renewalNo)).status).toBe('cancelled');
    expect((await t.services.billing.getForStaff(renewal.invoice_id!)).invoice.status).toBe('cancelled');
    await t.mail.waitFor(m.email, '専門医認定辞退申請を受理しました');

    await c.get('/applications/new/renewal');
    const again = await c.post('/applications/new/renewal', renewalForm);
    expect(again.statusCode).toBe(409);
    expect(textOf(again.body)).toContain('辞退申請が完了しています');
    expect(textOf((await c.get('/')).body)).toContain(`辞退申請完了（申請番号 ${no}）`);
  });
});

describe('task list and past cycles', () => {
  it('shows STEP① … STEP⑥ on home with the exact shortfall and links', async () => {
    const { c } = await target({ unpaid: [2026], credits: ['JCS89'] });
    let home = await c.get('/');
    let text = textOf(home.body);
    expect(text).toContain('2026年度更新の手続き');
    expect(text).toContain('未着手 STEP① 専門医資格申請情報の作成');
    expect(text).toContain('要対応 STEP② 年会費のお支払い 未納の年会費があります: 2026年度 ¥15,000（合計 ¥15,000）');
    expect(text).toContain('要対応 STEP③ 単位の取得 あと 35 単位必要です');
    expect(home.body).toContain('href="/applications/new?type=renewal"');
    await saveRenewal(c);
    home = await c.get('/');
    text = textOf(home.body);
    expect(text).toContain('完了 STEP① 専門医資格申請情報の作成');
    expect(text).toContain('下書き STEP④ 専門医資格申請情報の申請');
  });

  it('keeps records of a closed cycle read-only', async () => {
    t.clock.set(new Date('2025-11-01T10:00:00+09:00'));
    try {
      const m = await createMember(t.db, { member_number: String(++seq), cert_period_start: '2021-04-01', cert_period_end: '2026-03-31' });
      const no = await saveRenewal(await signInMember(t, m.member_number));
      t.clock.set(NOW);
      const c = await signInMember(t, m.member_number);
      const page = textOf((await c.get(`/applications/${no}`)).body);
      expect(page).toContain('表示のみで、変更はできません');
      expect(page).not.toContain('専門医資格更新申請');
      expect((await c.get(`/applications/${no}/edit`)).statusCode).toBe(409);
      expect((await c.post(`/applications/${no}/delete`, {})).statusCode).toBe(409);
      expect((await c.post(`/applications/${no}/submit`, {})).statusCode).toBe(409);
    } finally {
      t.clock.set(NOW);
    }
  });
});
