import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { type TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { seedCreditRules, signInMember, signInStaff } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { Member } from '../../platform/db/schema';
import { searchKey } from '../../platform/japanese';
import { phoneSearchBackfill } from '../../../migrations/0025_member_360';
import { memberSearchText } from '../members/repository';

let t: TestApp;
let staff: TestClient;
let staffId: number;
let seq = 180000;
const system = { type: 'system' as const, id: null };
const NOW = new Date('2026-11-23T10:00:00+09:00');
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  await seedCreditRules(t, 2026);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
  const signed = await signInStaff(t);
  staff = signed.c;
  staffId = signed.staff.id;
});
afterAll(() => t.close());

/** A 2026年度 renewal target; `ready`: both 年会費 paid and 50 credits, so a renewal can be submitted. */
async function target(opts: { ready?: boolean; unpaid?: boolean; overrides?: Partial<Member> } = {}): Promise<Member> {
  const m = await createMember(t.db, { member_number: String(++seq), ...opts.overrides });
  if (opts.ready || opts.unpaid) {
    for (const year of [2025, 2026]) await t.services.billing.createAnnualFees(year, [m.id]);
    if (opts.ready) {
      for (const v of await t.services.billing.listForMember(m.id)) {
        await t.services.billing.markPaid(system, v.invoice.id, { method: 'slip', paidOn: `${v.invoice.fiscal_year}-05-20`, reference: 'T', reason: 'test' }, 'ja', { notify: false });
      }
      const dates: Record<string, string> = { JCS87: '2023-03-14', JCS88: '2024-03-14', JCS89: '2025-03-14', JCS90: '2026-03-14' };
      for (const [code, date] of Object.entries(dates)) await t.services.credits.recordEarned(system, { memberId: m.id, code, activityDate: date, source: 'attendance' });
    }
  }
  return m;
}

const renewalForm = {
  baseQualification: 'sogo_naika', baseQualificationNumber: '１２３４５６７８', baseQualificationYear: '令和元年', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31', abroad: 'no',
};

const applicationOf = (memberId: number) => t.db.selectFrom('applications').selectAll().where('member_id', '=', memberId).orderBy('id', 'desc').executeTakeFirstOrThrow();
const mailsTo = (memberId: number) => t.db.selectFrom('mails').selectAll().where('member_id', '=', memberId).orderBy('id').execute();
const auditOf = (memberId: number, action: string) => t.db.selectFrom('audit_log').selectAll().where('member_id', '=', memberId).where('action', '=', action).execute();
const invoicesOf = (memberId: number) => t.db.selectFrom('invoices').selectAll().where('member_id', '=', memberId).where('fee_type', '=', 'renewal_fee').orderBy('id').execute();

/** 事務局入力（郵送）: the form for the member, 保存 → the record's page; returns its id. */
async function enterPaper(m: Member, fields: Record<string, string> = { ...renewalForm, receivedOn: '２０２６年１１月２０日' }): Promise<number> {
  await staff.get(`/staff/members/${m.member_number}/applications/new`);
  const saved = await staff.post(`/staff/members/${m.member_number}/applications/new`, fields);
  expect(saved.statusCode).toBe(303);
  const id = Number(/\/staff\/applications\/(\d+)$/.exec(saved.headers.location as string)![1]);
  return id;
}

async function attachScan(id: number) {
  await staff.get(`/staff/applications/${id}`);
  const res = await staff.postMultipart(`/staff/applications/${id}/files`, {}, [{ name: 'file', filename: '申請書.pdf', type: 'application/pdf', data: PDF }]);
  expect(res.headers.location).toBe(`/staff/applications/${id}`);
}

/** The member submits a web renewal themselves (STEP① and ④). */
async function webSubmit(m: Member): Promise<string> {
  const c = await signInMember(t, m.member_number);
  await c.get('/applications/new/renewal');
  await c.post('/applications/new/renewal', renewalForm);
  const no = (await applicationOf(m.id)).application_no;
  await c.get(`/applications/${no}`);
  expect((await c.post(`/applications/${no}/submit`, {})).statusCode).toBe(303);
  return no;
}

describe('会員検索', () => {
  it('finds a member by part of the phone number in any width and punctuation, and by half-width kana; the query stays in the URL', async () => {
    const m = await target({ overrides: { phone: '090-8765-4321', family_name_kana: 'ツルミ', given_name_kana: 'ハナコ', family_name: '鶴見', given_name: '花子' } });
    const byPhone = await staff.get(`/staff?q=${encodeURIComponent('０９０ー８７６５')}`);
    expect(textOf(byPhone.body)).toContain(m.member_number);
    expect(textOf(byPhone.body)).toContain('090-8765-4321');
    expect(byPhone.body).toContain('value="０９０ー８７６５"');
    expect(textOf((await staff.get(`/staff?q=${encodeURIComponent('87654321')}`)).body)).toContain(m.member_number);
    expect(textOf((await staff.get(`/staff?q=${encodeURIComponent('ﾂﾙﾐ')}`)).body)).toContain(m.member_number);
    expect(textOf((await staff.get(`/staff?q=${encodeURIComponent('09099999')}`)).body)).not.toContain(m.member_number);
  });

  it('migration 0025 gives members stored before it the same search text as a new member', async () => {
    const m = await target({ overrides: { phone: '０４５－１２３－４５６７' } });
    const before = searchKey([m.member_number, `${m.family_name}${m.given_name}`, `${m.family_name_kana}${m.given_name_kana}`, m.email].join(' ')).concat('|');
    const rollback = new Error('rollback');
    await expect(t.db.transaction().execute(async (tx) => {
      await tx.updateTable('members').set({ search_text: before }).where('id', '=', m.id).execute();
      await phoneSearchBackfill.execute(tx);
      const row = await tx.selectFrom('members').select('search_text').where('id', '=', m.id).executeTakeFirstOrThrow();
      expect(row.search_text).toBe(memberSearchText(m));
      expect(row.search_text.endsWith('0451234567|')).toBe(true);
      throw rollback;
    })).rejects.toBe(rollback);
  });
});

describe('会員360°', () => {
  it('shows eligibility, mails (opening their text), uploaded files and the audit trail; a member is sent to the staff login', async () => {
    const m = await target({ ready: true });
    const id = await enterPaper(m);
    await attachScan(id);
    const page = await staff.get(`/staff/members/${m.member_number}`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('更新申請の要件（今回の更新）');
    expect(text).toContain('申請できます');
    expect(text).toMatch(/研修単位 充足 60 \/ 50 単位/);
    expect(text).toContain('アップロードされたファイル');
    expect(text).toContain('申請書.pdf');
    expect(text).toContain('郵送申請書');
    expect(page.body).toMatch(new RegExp(`href="/staff/applications/${id}/files/\\d+"`));
    expect(text).toContain('変更履歴（監査ログ）');
    expect(text).toContain('application.paper_scan_attached');
    expect(text).toContain('application.created');

    await staff.get(`/staff/applications/${id}`);
    await staff.post(`/staff/applications/${id}/submit`, {});
    const after = await staff.get(`/staff/members/${m.member_number}`);
    expect(textOf(after.body)).toContain('専門医資格更新申請を受け付けました');
    const mailHref = after.body.match(new RegExp(`href="(/staff/members/${m.member_number}/mails/\\d+)"`))![1]!;
    const mail = textOf((await staff.get(mailHref)).body);
    expect(mail).toContain('専門医更新料 ¥30,000');
    const other = await target();
    expect((await staff.get(mailHref.replace(m.member_number, other.member_number))).statusCode).toBe(404);

    const member = await signInMember(t, m.member_number);
    expect((await member.get(`/staff/members/${m.member_number}`)).statusCode).toBe(303);
    expect((await member.get(mailHref)).headers.location).toMatch(/^\/staff\/login/);
  });

  it('pages the audit trail newest first with the page in the URL', async () => {
    const m = await target();
    for (let i = 0; i < 55; i++) {
      await t.db.insertInto('audit_log').values({ actor_type: 'system', actor_id: null, action: `test.step${i}`, member_id: m.id, occurred_at: new Date(NOW.getTime() + i * 1000) }).execute();
    }
    const first = textOf((await staff.get(`/staff/members/${m.member_number}`)).body);
    expect(first).toContain('test.step54');
    expect(first).not.toContain('test.step4 ');
    const second = await staff.get(`/staff/members/${m.member_number}?auditPage=2`);
    expect(textOf(second.body)).toContain('test.step4 ');
    expect(textOf(second.body)).not.toContain('test.step54');
    expect(second.body).toContain('auditPage=1');
  });
});

describe('連絡先の編集', () => {
  it('keeps the input on a 400, then saves, audits before/after, tells both addresses and finds the member by the new phone', async () => {
    const m = await target();
    const url = `/staff/members/${m.member_number}/contact`;
    const form = await staff.get(url);
    expect(form.body).toContain(`value="${m.email}"`);
    const fields = { email: 'new@example.jp', phone: '０６－１１１１－２２２２', postal_code: '５３０-０００１', prefecture: '大阪府', address_line1: '北区梅田1-1', address_line2: '', organisation: '梅田病院' };
    const bad = await staff.post(url, { ...fields, email: 'not-an-email', phone: '12' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('メールアドレスの形式で入力してください');
    expect(textOf(bad.body)).toContain('電話番号を10～15桁の数字で入力してください');
    expect(bad.body).toContain('value="not-an-email"');
    expect(bad.body).toContain('value="北区梅田1-1"');
    expect((await t.services.members.getById(m.id)).email).toBe(m.email);

    const ok = await staff.post(url, fields);
    expect(ok.headers.location).toBe(`/staff/members/${m.member_number}`);
    const saved = await t.services.members.getById(m.id);
    expect(saved).toMatchObject({ email: 'new@example.jp', phone: '06-1111-2222', postal_code: '530-0001', prefecture: '大阪府', organisation: '梅田病院' });
    const [row] = await auditOf(m.id, 'member.contact_changed');
    expect(row).toMatchObject({ actor_type: 'staff', actor_id: staffId });
    expect(row!.before).toMatchObject({ email: m.email, phone: '03-1234-5678', prefecture: '東京都' });
    expect(row!.after).toMatchObject({ email: 'new@example.jp', phone: '06-1111-2222', prefecture: '大阪府' });
    expect((await mailsTo(m.id)).map((x) => x.to_address).sort()).toEqual([m.email, 'new@example.jp'].sort());
    expect(textOf((await staff.get('/staff?q=0611112222')).body)).toContain(m.member_number);
    const page = textOf((await staff.get(`/staff/members/${m.member_number}`)).body);
    expect(page).toContain('member.contact_changed');
    expect(page).toContain(`email: ${m.email} → new@example.jp`);
  });
});

describe('郵送の認定更新申請書 (事務局入力)', () => {
  it('takes the same form with 受付日 (400 keeps the input), needs the scan, and bills the renewal fee as the web submit does', async () => {
    const m = await target({ ready: true });
    const url = `/staff/members/${m.member_number}/applications/new`;
    const form = textOf((await staff.get(url)).body);
    for (const label of ['受付日', '基本領域資格', '基本領域認定番号', '基本領域認定・更新年度']) expect(form).toContain(label);
    const blank = await staff.post(url, { ...renewalForm, baseQualificationNumber: 'abc', receivedOn: '' });
    expect(blank.statusCode).toBe(400);
    expect(textOf(blank.body)).toContain('受付日を日付で入力してください。');
    expect(textOf(blank.body)).toContain('基本領域認定番号は8桁までの数字で入力してください。');
    expect(blank.body).toContain('value="abc"');
    const future = await staff.post(url, { ...renewalForm, receivedOn: '2026-12-24' });
    expect(future.statusCode).toBe(400);
    expect(textOf(future.body)).toContain('受付日に未来の日付は入力できません。');

    const id = await enterPaper(m);
    const draft = await applicationOf(m.id);
    expect(draft).toMatchObject({ id, channel: 'paper', received_on: '2026-11-20', entered_by: staffId, status: 'draft', base_qualification_number: '12345678', base_qualification_year: 2019 });
    const page = textOf((await staff.get(`/staff/applications/${id}`)).body);
    expect(page).toContain('事務局入力（郵送）');
    expect(page).toContain('受付日 2026年11月20日');
    const noScan = await staff.post(`/staff/applications/${id}/submit`, {});
    expect(noScan.statusCode).toBe(409);
    expect(textOf(noScan.body)).toContain('申請書のスキャンを添付してから申請してください');
    expect(await invoicesOf(m.id)).toEqual([]);

    await staff.get(`/staff/applications/${id}`);
    const wrongType = await staff.postMultipart(`/staff/applications/${id}/files`, {}, [{ name: 'file', filename: 'x.pdf', type: 'application/pdf', data: Buffer.from('<html>') }]);
    expect(wrongType.statusCode).toBe(400);
    await attachScan(id);
    await staff.get(`/staff/applications/${id}`);
    const submitted = await staff.post(`/staff/applications/${id}/submit`, {});
    expect(submitted.headers.location).toBe(`/staff/applications/${id}`);
    const [invoice] = await invoicesOf(m.id);
    expect(invoice).toMatchObject({ amount: 30000, status: 'unpaid', business_key: `renewal_fee:application:${id}` });
    expect(await applicationOf(m.id)).toMatchObject({ status: 'submitted', invoice_id: invoice!.id });
    const [submitAudit] = await auditOf(m.id, 'application.submitted');
    expect(submitAudit).toMatchObject({ actor_type: 'staff', actor_id: staffId });
    expect((await mailsTo(m.id)).some((x) => x.subject.includes('専門医資格更新申請を受け付けました（更新料のご案内）'))).toBe(true);
    // The member sees the record entered for them and the invoice.
    const c = await signInMember(t, m.member_number);
    expect(textOf((await c.get(`/applications/${draft.application_no}`)).body)).toContain('事務局入力（郵送）');
    expect(textOf((await c.get('/billing')).body)).toContain(invoice!.control_no);
  });

  it('refuses an ineligible member with the web submit\'s own messages and bills nothing', async () => {
    const m = await target({ unpaid: true });
    const id = await enterPaper(m);
    await attachScan(id);
    await staff.get(`/staff/applications/${id}`);
    const refused = await staff.post(`/staff/applications/${id}/submit`, {});
    expect(refused.statusCode).toBe(409);
    const text = textOf(refused.body);
    expect(text).toContain('更新条件が不足しているため、専門医資格更新の申請を行えませんでした。');
    expect(text).toContain('年会費のお支払いが未納');
    expect(text).toContain('単位不足');
    expect(await invoicesOf(m.id)).toEqual([]);
    expect((await applicationOf(m.id)).status).toBe('draft');
  });
});

describe('差し戻し', () => {
  it('needs a reason; sends the renewal back to draft, cancels the unpaid fee, mails the member, audits; a new submission bills anew', async () => {
    const m = await target({ ready: true });
    const no = await webSubmit(m);
    const app = await applicationOf(m.id);
    await staff.get(`/staff/applications/${app.id}`);
    const noReason = await staff.post(`/staff/applications/${app.id}/revert`, { reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(textOf(noReason.body)).toContain('理由を入力してください。');
    expect((await applicationOf(m.id)).status).toBe('submitted');

    const res = await staff.post(`/staff/applications/${app.id}/revert`, { reason: '基本領域認定番号が申請書と異なります' });
    expect(res.headers.location).toBe(`/staff/applications/${app.id}`);
    expect(await applicationOf(m.id)).toMatchObject({ status: 'draft', invoice_id: null, submitted_at: null, fee_round: 1 });
    const [first] = await invoicesOf(m.id);
    expect(first!.status).toBe('cancelled');
    const mail = (await mailsTo(m.id)).at(-1)!;
    expect(mail.subject).toContain('専門医資格更新申請を差し戻しました');
    expect(mail.text_body).toContain('基本領域認定番号が申請書と異なります');
    const [row] = await auditOf(m.id, 'application.reverted');
    expect(row).toMatchObject({ actor_type: 'staff', actor_id: staffId, before: { status: 'submitted', invoiceId: first!.id }, after: { status: 'draft', invoiceCancelled: true } });
    expect(textOf((await staff.get(`/staff/applications/${app.id}`)).body)).toContain('基本領域認定番号が申請書と異なります');

    const c = await signInMember(t, m.member_number);
    await c.get(`/applications/${no}`);
    expect((await c.post(`/applications/${no}/submit`, {})).statusCode).toBe(303);
    const invoices = await invoicesOf(m.id);
    expect(invoices.map((i) => [i.status, i.business_key])).toEqual([['cancelled', `renewal_fee:application:${app.id}`], ['unpaid', `renewal_fee:application:${app.id}:1`]]);
  });

  it('is refused once the renewal fee is paid, and nothing changes', async () => {
    const m = await target({ ready: true });
    await webSubmit(m);
    const app = await applicationOf(m.id);
    await t.services.billing.markPaid(system, app.invoice_id!, { method: 'slip', paidOn: '2026-11-22', reference: 'T', reason: 'test' }, 'ja', { notify: false });
    await staff.get(`/staff/applications/${app.id}`);
    const res = await staff.post(`/staff/applications/${app.id}/revert`, { reason: '誤り' });
    expect(res.statusCode).toBe(409);
    expect((await applicationOf(m.id)).status).not.toBe('draft');
    expect((await invoicesOf(m.id))[0]!.status).toBe('paid');
    expect(await auditOf(m.id, 'application.reverted')).toEqual([]);
  });
});

describe('a member session on the staff actions', () => {
  it('is sent to the staff login and nothing changes', async () => {
    const m = await target({ ready: true });
    const no = await webSubmit(m);
    const app = await applicationOf(m.id);
    const c = await signInMember(t, m.member_number);
    await c.get(`/applications/${no}`);
    const csrf = c.csrfToken();
    for (const [url, fields] of [
      [`/staff/applications/${app.id}/revert`, { reason: 'x' }],
      [`/staff/members/${m.member_number}/contact`, { email: 'evil@example.jp', phone: '0311112222', postal_code: '1000001', prefecture: '東京都', address_line1: 'x' }],
      [`/staff/members/${m.member_number}/credits/new`, { code: 'JCS90', activityDate: '2026-03-14', credits: '50', reason: 'x' }],
    ] as const) {
      const res = await c.post(url, fields, { csrf });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/staff\/login/);
    }
    expect((await applicationOf(m.id)).status).toBe('submitted');
    expect((await t.services.members.getById(m.id)).email).toBe(m.email);
    expect(await t.db.selectFrom('credits').select('id').where('member_id', '=', m.id).where('source', '=', 'staff').execute()).toEqual([]);
  });
});

describe('単位を追加 (事務局)', () => {
  it('adds an approved credit with its reason, audited; an unknown code is a 400 with the input kept', async () => {
    const m = await target();
    const url = `/staff/members/${m.member_number}/credits/new`;
    await staff.get(url);
    const unknown = await staff.post(url, { code: 'NOPE1', activityDate: '2026-05-01', credits: '3', reason: '紙の参加証' });
    expect(unknown.statusCode).toBe(400);
    expect(textOf(unknown.body)).toContain('この単位コードは単位マスターにありません。');
    expect(unknown.body).toContain('value="NOPE1"');
    const blank = await staff.post(url, { code: '', activityDate: '', credits: '0', reason: '' });
    expect(blank.statusCode).toBe(400);
    expect(textOf(blank.body)).toContain('単位数を1～100の数字で入力してください。');

    const ok = await staff.post(url, { code: 'jcs90', activityDate: '２０２６/３/１４', credits: '５', reason: '紙の参加証で確認' });
    expect(ok.headers.location).toBe(`/staff/members/${m.member_number}`);
    const credit = await t.db.selectFrom('credits').selectAll().where('member_id', '=', m.id).executeTakeFirstOrThrow();
    expect(credit).toMatchObject({ source: 'staff', status: 'approved', credits: 5, activity_date: '2026-03-14', decided_by: staffId });
    const [row] = await auditOf(m.id, 'credit.staff_added');
    expect(row).toMatchObject({ actor_type: 'staff', after: { code: 'JCS90', credits: 5 }, detail: { reason: '紙の参加証で確認' } });
    expect((await t.services.credits.transcript(m.id)).transcript.total).toBe(5);
  });
});

describe('留学: 在籍証明書の再提出を依頼', () => {
  it('needs a reason; the certificate stops counting, the member is mailed, the queue drops it until a new one comes', async () => {
    const m = await target({ ready: true });
    const c = await signInMember(t, m.member_number);
    await c.get('/applications/new/renewal');
    await c.post('/applications/new/renewal', { ...renewalForm, abroad: 'yes', abroadDepartedOn: '2025-09-01', abroadStatus: 'ongoing' });
    const app = await applicationOf(m.id);
    await c.get(`/applications/${app.application_no}`);
    await c.postMultipart(`/applications/${app.application_no}/files`, {}, [{ name: 'file', filename: 'cert.pdf', type: 'application/pdf', data: PDF }]);
    expect(textOf((await staff.get('/staff/applications')).body)).toContain(app.application_no);
    expect(textOf(staff.last!.body)).toContain(m.member_number);

    await staff.get(`/staff/applications/${app.id}`);
    expect((await staff.post(`/staff/applications/${app.id}/request-certificate`, { reason: '' })).statusCode).toBe(400);
    const res = await staff.post(`/staff/applications/${app.id}/request-certificate`, { reason: '在籍期間が読み取れません' });
    expect(res.headers.location).toBe(`/staff/applications/${app.id}`);
    expect(textOf((await staff.get('/staff/applications')).body)).not.toContain(app.application_no);
    const mail = (await mailsTo(m.id)).at(-1)!;
    expect(mail.subject).toContain('在籍証明書の再提出のお願い');
    expect(mail.text_body).toContain('在籍期間が読み取れません');
    expect(await auditOf(m.id, 'application.certificate_requested')).toHaveLength(1);
    expect(textOf((await c.get(`/applications/${app.application_no}`)).body)).toContain('証明書類未提出');
    await staff.get(`/staff/applications/${app.id}`);
    expect((await staff.post(`/staff/applications/${app.id}/verify`, {})).statusCode).toBe(409);

    await c.get(`/applications/${app.application_no}`);
    await c.postMultipart(`/applications/${app.application_no}/files`, {}, [{ name: 'file', filename: 'cert2.pdf', type: 'application/pdf', data: PDF }]);
    expect(textOf((await staff.get('/staff/applications')).body)).toContain(app.application_no);
    const page = textOf((await staff.get(`/staff/applications/${app.id}`)).body);
    expect(page).toContain('cert2.pdf');
    expect(page).toContain('再提出を依頼した証明書類');
  });
});
