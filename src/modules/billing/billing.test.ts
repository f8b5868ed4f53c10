import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { textOf } from '../../test/client';
import { jobsIdle } from '../../test/jobs-idle';
import { createMember } from '../../test/factories';
import { signInMember, signInStaff } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { InvoiceSettled } from './service';

let t: TestApp;
let seq = 180000;
const system = { type: 'system' as const, id: null };

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});
afterAll(() => t.close());

async function memberWithFees(years: number[], opts: { debit?: boolean } = {}) {
  const m = await createMember(t.db, { member_number: String(++seq) });
  if (opts.debit) await t.services.billing.setAnnualFeeMethod(m.id, 'direct_debit');
  for (const y of years) await t.services.billing.createAnnualFees(y, [m.id]);
  return m;
}

describe('annual fee invoices', () => {
  it('creates one per member and fiscal year, with the due date from the fee settings; a rerun adds nothing', async () => {
    const m = await memberWithFees([2025, 2026]);
    expect(await t.services.billing.createAnnualFees(2026, [m.id])).toBe(0);
    const views = await t.services.billing.listForMember(m.id);
    expect(views.map((v) => [v.invoice.fiscal_year, v.invoice.due_on, v.invoice.amount])).toEqual([[2025, '2025-05-31', 15000], [2026, '2026-05-31', 15000]]);
    expect(views.every((v) => v.overdue)).toBe(true);
  });

  it('makes the same business key impossible to bill twice', async () => {
    const m = await createMember(t.db, { member_number: String(++seq) });
    const input = { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:test:${m.id}`, dueOn: '2027-01-31' };
    const [a, b] = await Promise.all([t.services.billing.createInvoice(system, input), t.services.billing.createInvoice(system, input)]);
    expect(a.id).toBe(b.id);
    expect(await t.db.selectFrom('invoices').select('id').where('member_id', '=', m.id).execute()).toHaveLength(1);
  });
});

describe('会費請求/入金状況', () => {
  it('lists unpaid first with amounts in yen, real due dates and 期限切れ, and opens 請求収納の照会 by 管理No', async () => {
    const m = await memberWithFees([2024, 2025, 2026]);
    const paid = (await t.services.billing.listForMember(m.id)).find((v) => v.invoice.fiscal_year === 2024)!;
    await t.services.billing.markPaid(system, paid.invoice.id, { method: 'slip', paidOn: '2024-05-10', reference: 'R1', reason: 'test' }, 'ja', { notify: false });
    const c = await signInMember(t, m.member_number);
    const page = await c.get('/billing');
    const text = textOf(page.body);
    expect(text).toContain('未納の請求が 2 件あります（合計 ¥30,000）');
    expect(text.indexOf('2025年度')).toBeLessThan(text.indexOf('2024年度'));
    expect(text).toContain('¥15,000');
    expect(text).toContain('2026年5月31日（令和8年）');
    expect(text).toContain('期限切れ');
    const no = page.body.match(/href="\/billing\/(SK-\d+)"/)![1]!;
    const detail = textOf((await c.get(`/billing/${no}`)).body);
    expect(detail).toContain('請求収納の照会');
    expect(detail).toContain('支払期日を過ぎていますが、お支払いいただけます。');
    expect(detail).toContain('ペイジー・払込票');

    const other = await signInMember(t, (await createMember(t.db, { member_number: String(++seq) })).member_number);
    expect((await other.get(`/billing/${no}`)).statusCode).toBe(404);
  });

  it('shows 自動引き落とし for members on direct debit', async () => {
    const m = await memberWithFees([2026], { debit: true });
    const c = await signInMember(t, m.member_number);
    expect(textOf((await c.get('/billing')).body)).toContain('自動引き落とし');
  });
});

describe('secretariat', () => {
  it('marks an invoice paid with method, date, reference and reason; audited; the member is told', async () => {
    const m = await memberWithFees([2026]);
    const invoice = (await t.services.billing.listForMember(m.id))[0]!.invoice;
    const { c } = await signInStaff(t);
    const member = textOf((await c.get(`/staff/members/${m.member_number}`)).body);
    expect(member).toContain(invoice.control_no);
    await c.get(`/staff/invoices/${invoice.id}`);
    const bad = await c.post(`/staff/invoices/${invoice.id}/paid`, { method: 'transfer', paidOn: '2026-13-01', reference: '', reason: '' });
    expect(bad.statusCode).toBe(400);
    expect((await c.post(`/staff/invoices/${invoice.id}/paid`, { method: 'transfer', paidOn: '２０２６/１１/２０', reference: 'MUFG-123', reason: '振込を確認' })).statusCode).toBe(303);
    const row = await t.db.selectFrom('invoices').selectAll().where('id', '=', invoice.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'paid', paid_on: '2026-11-20', paid_method: 'transfer', paid_reference: 'MUFG-123' });
    // The 年会費's own subject (the 専門医更新料's is 「更新料振り込み完了」: payments.test.ts).
    await t.mail.waitFor(m.email, '年会費の入金を確認しました');
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_type']).where('subject_id', '=', invoice.control_no).execute();
    expect(audit).toContainEqual({ action: 'invoice.mark_paid', actor_type: 'staff' });
    // A paid invoice never changes again.
    await c.get(`/staff/invoices/${invoice.id}`);
    expect((await c.post(`/staff/invoices/${invoice.id}/cancel`, { cancelReason: '誤り' })).statusCode).toBe(409);
  });

  it('tells the modules that listen, after commit, once per paid invoice', async () => {
    const heard: InvoiceSettled[] = [];
    t.services.billing.onSettled(async (e) => void heard.push(e));
    const m = await memberWithFees([2026]);
    const invoice = (await t.services.billing.listForMember(m.id))[0]!.invoice;
    await t.services.billing.markPaid(system, invoice.id, { method: 'transfer', paidOn: '2026-11-20', reference: 'R9', reason: 'test' }, 'ja', { notify: false });
    await expect.poll(() => heard.filter((e) => e.invoiceId === invoice.id), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ controlNo: invoice.control_no, memberId: m.id, feeType: 'annual_fee', fiscalYear: 2026, amount: 15000, paidOn: '2026-11-20', method: 'transfer' }),
    ]);
    // A cancelled invoice is not news for anyone.
    const other = await memberWithFees([2025]);
    const cancelled = (await t.services.billing.listForMember(other.id))[0]!.invoice;
    await t.services.billing.cancel(system, cancelled.id, '誤り');
    await jobsIdle(t);
    expect(heard.some((e) => e.invoiceId === cancelled.id)).toBe(false);
  });

  it('cancels an invoice with a reason', async () => {
    const m = await memberWithFees([2026]);
    const invoice = (await t.services.billing.listForMember(m.id))[0]!.invoice;
    const { c } = await signInStaff(t);
    await c.get(`/staff/invoices/${invoice.id}`);
    expect((await c.post(`/staff/invoices/${invoice.id}/cancel`, { cancelReason: '退会のため' })).statusCode).toBe(303);
    const member = await signInMember(t, m.member_number);
    const text = textOf((await member.get(`/billing/${invoice.control_no}`)).body);
    expect(text).toContain('取消');
    expect(text).toContain('退会のため');
  });

  it('keeps members out of staff invoice pages', async () => {
    const m = await memberWithFees([2026]);
    const c = await signInMember(t, m.member_number);
    const invoice = (await t.services.billing.listForMember(m.id))[0]!.invoice;
    expect((await c.get(`/staff/invoices/${invoice.id}`)).headers.location).toBe('/staff/login');
  });
});

describe('払込票', () => {
  it('asks for a slip: the next dispatch and the address are shown, other methods close, only staff can undo', async () => {
    const m = await memberWithFees([2026]);
    const invoice = (await t.services.billing.listForMember(m.id))[0]!.invoice;
    const c = await signInMember(t, m.member_number);
    const page = textOf((await c.get(`/billing/${invoice.control_no}`)).body);
    expect(page).toContain('払込票での支払いお申込み');
    const confirm = textOf((await c.get(`/billing/${invoice.control_no}/slip`)).body);
    expect(confirm).toContain('〒100-0001');
    expect(confirm).toContain('2026年12月7日（令和8年）頃の発送分');
    expect(await t.db.selectFrom('invoices').select('slip_requested_at').where('id', '=', invoice.id).executeTakeFirstOrThrow()).toEqual({ slip_requested_at: null });
    expect((await c.post(`/billing/${invoice.control_no}/slip`, {})).statusCode).toBe(303);
    const after = textOf((await c.get(`/billing/${invoice.control_no}`)).body);
    expect(after).toContain('払込票でのお支払いをお申し込みいただいています。ほかのお支払い方法はご利用いただけません。');
    expect(after).not.toContain('払込票での支払いお申込み');
    await c.get(`/billing/${invoice.control_no}/slip`);
    expect((await c.post(`/billing/${invoice.control_no}/slip`, {})).statusCode).toBe(409);

    const { c: s } = await signInStaff(t);
    const list = textOf((await s.get('/staff/billing/slips?dispatch=2026-12-07')).body);
    expect(list).toContain(invoice.control_no);
    const csv = await s.get('/staff/billing/slips.csv?dispatch=2026-12-07');
    expect(csv.body).toContain(invoice.control_no);
    expect(csv.body).toContain('100-0001');

    await s.get(`/staff/invoices/${invoice.id}`);
    expect((await s.post(`/staff/invoices/${invoice.id}/slip-undo`, { slipReason: ' ' })).statusCode).toBe(400);
    expect((await s.post(`/staff/invoices/${invoice.id}/slip-undo`, { slipReason: 'カード払いを希望' })).statusCode).toBe(303);
    expect(textOf((await c.get(`/billing/${invoice.control_no}`)).body)).toContain('払込票での支払いお申込み');
    const audit = await t.db.selectFrom('audit_log').select('action').where('subject_id', '=', invoice.control_no).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['invoice.slip_requested', 'invoice.slip_undone']));
  });

  it('marks a dispatch as sent and tells the member', async () => {
    const m = await memberWithFees([2025]);
    const invoice = (await t.services.billing.listForMember(m.id))[0]!.invoice;
    await t.services.billing.requestSlip({ type: 'member', id: m.id }, m.id, invoice.control_no);
    const { c: s } = await signInStaff(t);
    await s.get('/staff/billing/slips?dispatch=2026-12-07');
    expect((await s.post('/staff/billing/slips/sent?dispatch=2026-12-07', {})).statusCode).toBe(303);
    const c = await signInMember(t, m.member_number);
    expect(textOf((await c.get(`/billing/${invoice.control_no}`)).body)).toContain('払込票は2026年11月23日（令和8年）に発送しました。');
    expect(textOf((await s.get('/staff/billing/slips?dispatch=2026-12-07')).body)).not.toContain(invoice.control_no);
  });
});

describe('cancelUnpaidByBusinessKey (a renewal withdrawn from)', () => {
  it('cancels an unpaid invoice inside the caller’s transaction, leaves a paid one alone and reports a missing one', async () => {
    const m = await createMember(t.db, { member_number: String(++seq) });
    const key = `renewal_fee:application:test-${m.id}`;
    const invoice = await t.services.billing.createInvoice(system, { memberId: m.id, feeType: 'renewal_fee', businessKey: key, dueOn: '2027-02-28' });
    expect(await t.db.transaction().execute((tx) => t.services.billing.cancelUnpaidByBusinessKey(tx, system, key, '辞退'))).toBe('cancelled');
    expect((await t.services.billing.getForStaff(invoice.id)).invoice).toMatchObject({ status: 'cancelled', cancel_reason: '辞退' });
    // Again: nothing to cancel, it reports the status it found (and writes no second event).
    expect(await t.db.transaction().execute((tx) => t.services.billing.cancelUnpaidByBusinessKey(tx, system, key, '辞退'))).toBe('cancelled');
    expect((await t.services.billing.getForStaff(invoice.id)).events.filter((e) => e.action === 'cancel')).toHaveLength(1);
    expect(await t.db.transaction().execute((tx) => t.services.billing.cancelUnpaidByBusinessKey(tx, system, 'renewal_fee:application:none', '辞退'))).toBe('none');

    const paidKey = `${key}:paid`;
    const paid = await t.services.billing.createInvoice(system, { memberId: m.id, feeType: 'renewal_fee', businessKey: paidKey, dueOn: '2027-02-28' });
    await t.services.billing.markPaid(system, paid.id, { method: 'card', paidOn: '2026-11-20', reference: 'R', reason: 'test' }, 'ja', { notify: false });
    expect(await t.db.transaction().execute((tx) => t.services.billing.cancelUnpaidByBusinessKey(tx, system, paidKey, '辞退'))).toBe('paid');
    expect((await t.services.billing.getForStaff(paid.id)).invoice.status).toBe('paid');
  });
});
