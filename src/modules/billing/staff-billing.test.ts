import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { type TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { signInMember, signInStaff } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { InvoiceFilter } from './search';

let t: TestApp;
let staff: TestClient;
let seq = 170000;
const system = { type: 'system' as const, id: null };
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await t.services.billing.seedFeeTypes(FEE_TYPES);
  staff = (await signInStaff(t)).c;
});
afterAll(() => t.close());

async function member(fields: { family_name?: string; given_name?: string; family_name_kana?: string; given_name_kana?: string } = {}, years: number[] = []) {
  const m = await createMember(t.db, { member_number: String(++seq), ...fields });
  for (const y of years) await t.services.billing.createAnnualFees(y, [m.id]);
  return m;
}

const invoicesOf = async (memberId: number) => (await t.services.billing.listForMember(memberId)).map((v) => v.invoice);
/** The 管理No links of a result page, in order. */
const controlNos = (html: string) => [...html.matchAll(/href="\/staff\/invoices\/\d+">(SK-\d+)</g)].map((m) => m[1]!);
const search = async (params: Record<string, string>) => {
  const res = await staff.get(`/staff/billing?${new URLSearchParams(params)}`);
  return { res, text: textOf(res.body), nos: controlNos(res.body) };
};

describe('請求の検索', () => {
  it('finds a member’s invoices by a full-width member number, with the count and the ¥ total of the filtered set', async () => {
    const m = await member({}, [2025, 2026]);
    const other = await member({}, [2026]);
    const { res, text, nos } = await search({ member: String(m.member_number).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)) });
    expect(res.statusCode).toBe(200);
    const mine = (await invoicesOf(m.id)).map((i) => i.control_no);
    expect(nos.sort()).toEqual(mine.sort());
    expect(nos).not.toContain((await invoicesOf(other.id))[0]!.control_no);
    expect(text).toContain('該当 2 件（合計 ¥30,000）');
    expect(text).toContain('期限切れ');
    expect(res.body).toContain(`href="/staff/members/${m.member_number}"`);
  });

  it('finds by half-width kana name and by 管理No typed in full width', async () => {
    const hanako = await member({ family_name: '請求', given_name: '花子', family_name_kana: 'セイキュウ', given_name_kana: 'ハナコ' }, [2026]);
    await member({ family_name: '請求', given_name: '次郎', family_name_kana: 'セイキュウ', given_name_kana: 'ジロウ' }, [2026]);
    const [invoice] = await invoicesOf(hanako.id);
    const byKana = await search({ member: 'ｾｲｷｭｳ ﾊﾅｺ' });
    expect(byKana.nos).toEqual([invoice!.control_no]);
    expect(byKana.text).toContain('請求 花子');
    expect((await search({ member: 'せいきゅう' })).nos).toHaveLength(2);

    const fullWidth = invoice!.control_no.replace('SK-', 'ＳＫ－').replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect((await search({ controlNo: fullWidth })).nos).toEqual([invoice!.control_no]);
    expect((await search({ controlNo: invoice!.control_no.slice(3) })).nos).toEqual([invoice!.control_no]);
    const bad = await search({ controlNo: 'ABC-1' });
    expect(bad.res.statusCode).toBe(400);
    expect(bad.text).toContain('管理Noは「SK-500001」のように入力してください。');
    expect(bad.res.body).toContain('value="ABC-1"');
  });

  it('filters by 料金区分, 年度, status (期限切れ = unpaid past due), 自動引き落とし and 払込票', async () => {
    const m = await member({ family_name: '絞込', family_name_kana: 'シボリコミ' }, [2024, 2025, 2026]);
    const renewal = await t.services.billing.createInvoice(system, { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:test:${m.id}`, dueOn: '2027-01-31' });
    const byYear = new Map((await invoicesOf(m.id)).map((i) => [i.fiscal_year, i]));
    await t.services.billing.markPaid(system, byYear.get(2024)!.id, { method: 'transfer', paidOn: '2024-05-10', reference: 'R1', reason: 'test' }, 'ja', { notify: false });
    await t.services.billing.cancel(system, byYear.get(2025)!.id, '誤請求');
    await t.services.billing.requestSlip({ type: 'member', id: m.id }, m.id, byYear.get(2026)!.control_no);
    const debit = await member({ family_name: '絞込', family_name_kana: 'シボリコミ' });
    await t.services.billing.setAnnualFeeMethod(debit.id, 'direct_debit');
    await t.services.billing.createAnnualFees(2026, [debit.id]);
    const debitInvoice = (await invoicesOf(debit.id))[0]!;

    const q = (extra: Record<string, string>) => search({ member: 'しぼりこみ', ...extra }).then((r) => r.nos.sort());
    expect(await q({ fee: 'renewal_fee' })).toEqual([renewal.control_no]);
    expect(await q({ year: '２０２５' })).toEqual([byYear.get(2025)!.control_no]);
    expect(await q({ status: 'paid' })).toEqual([byYear.get(2024)!.control_no]);
    expect(await q({ status: 'cancelled' })).toEqual([byYear.get(2025)!.control_no]);
    expect(await q({ status: 'unpaid' })).toEqual([byYear.get(2026)!.control_no, renewal.control_no, debitInvoice.control_no].sort());
    // Due 2026-05-31 is past on 2026-11-23; the renewal fee (due 2027-01-31) is not.
    expect(await q({ status: 'overdue' })).toEqual([byYear.get(2026)!.control_no, debitInvoice.control_no].sort());
    expect(await q({ autoDebit: 'yes' })).toEqual([debitInvoice.control_no]);
    expect(await q({ slip: 'yes' })).toEqual([byYear.get(2026)!.control_no]);
    expect(await q({ slip: 'no', status: 'unpaid', autoDebit: 'no' })).toEqual([renewal.control_no]);
    expect((await search({ member: 'しぼりこみ', year: '２０２x' })).res.statusCode).toBe(400);

    // Default order: open invoices first (oldest due first), then paid and cancelled.
    const ordered = (await search({ member: 'しぼりこみ' })).nos;
    expect(ordered.slice(-2).sort()).toEqual([byYear.get(2024)!.control_no, byYear.get(2025)!.control_no].sort());
    expect(ordered.at(-3)).toBe(renewal.control_no);
  });

  it('pages 50 at a time in a stable order; the totals cover every page; the CSV batches read the same order', async () => {
    const years = Array.from({ length: 55 }, (_, i) => 1970 + i);
    const m = await member({ family_name: '頁送', family_name_kana: 'ページオクリ' }, years);
    const some = (await invoicesOf(m.id)).filter((i) => i.fiscal_year! % 7 === 0);
    for (const i of some) await t.services.billing.markPaid(system, i.id, { method: 'cash', paidOn: '2020-01-01', reference: '', reason: 'test' }, 'ja', { notify: false });

    for (const sort of ['open', 'due', 'due_desc']) {
      const one = await search({ member: m.member_number, sort });
      const two = await search({ member: m.member_number, sort, page: '2' });
      expect(one.nos).toHaveLength(50);
      expect(two.nos).toHaveLength(5);
      expect(new Set([...one.nos, ...two.nos]).size).toBe(55);
      for (const p of [one, two]) expect(p.text).toContain('該当 55 件（合計 ¥825,000）');
      expect(one.res.body).toContain('次の50件');
      expect(two.res.body).toContain('前の50件');

      const filter: InvoiceFilter = { member: m.member_number, sort: sort as InvoiceFilter['sort'] };
      const batched: string[] = [];
      for await (const batch of t.services.invoiceSearch.batches(filter, 20)) batched.push(...batch.map((r) => r.invoice.control_no));
      expect(batched).toEqual([...one.nos, ...two.nos]);
    }
    const open = (await search({ member: m.member_number })).nos;
    expect(open.slice(0, 55 - some.length).some((no) => some.some((i) => i.control_no === no))).toBe(false);
  });

  it('exports the filtered list as Excel-safe CSV (BOM, header, a cell starting with = neutralised)', async () => {
    const m = await member({ family_name: '出力', family_name_kana: 'シュツリョク' }, [2025, 2026]);
    const [first] = await invoicesOf(m.id);
    await t.services.billing.markPaid(system, first!.id, { method: 'transfer', paidOn: '2026-11-20', reference: '=HYPERLINK("http://evil")', reason: 'test' }, 'ja', { notify: false });
    const res = await staff.get(`/staff/billing.csv?${new URLSearchParams({ member: 'ｼｭﾂﾘｮｸ' })}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''%E8%AB%8B%E6%B1%82%E4%B8%80%E8%A6%A7.csv");
    const lines = res.body.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('\uFEFF管理No,会員番号,氏名,料金区分,年度,金額,請求日,支払期日,状態,自動引き落とし,払込票,入金日,入金方法,入金の参照番号');
    expect(lines).toHaveLength(3);
    const unpaid = lines.find((l) => l.includes('未納'))!;
    expect(unpaid).toContain(`${m.member_number},出力 太郎,年会費,`);
    expect(unpaid).toContain(',15000,');
    expect(unpaid).toContain('未納（期限切れ）');
    const paid = lines.find((l) => l.includes('入金済'))!;
    expect(paid).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(paid).not.toMatch(/,=HYPERLINK/);
    expect(paid).toContain('振込');
  });

  it('keeps members out: the staff billing pages redirect to the staff login', async () => {
    const m = await member({}, [2026]);
    const c = await signInMember(t, m.member_number);
    for (const url of ['/staff/billing', '/staff/billing.csv', '/staff/billing/overpayments', '/staff/billing/overpayments/1']) {
      const res = await c.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/login');
    }
    expect((await new (staff.constructor as typeof TestClient)(t.app).get('/staff/billing.csv')).headers.location).toBe('/staff/login');
  });
});

describe('決済の記録 on the staff pages', () => {
  it('lists an invoice’s attempts with the konbini numbers and the notifications received; the member page lists invoices and attempts', async () => {
    const m = await member({}, []);
    const invoice = await t.services.billing.createInvoice(system, { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:test:${m.id}`, dueOn: '2027-01-31' });
    const attempt = await t.services.payments.start({ type: 'member', id: m.id }, m.id, invoice.control_no, 'konbini');
    await t.services.sandbox!.issueNumbers(attempt.gateway_ref!, 'lawson');
    const row = await t.db.selectFrom('payment_attempts').selectAll().where('id', '=', attempt.id).executeTakeFirstOrThrow();
    const notice = await t.db.selectFrom('payment_notifications').select('event_id').where('attempt_id', '=', attempt.id).executeTakeFirstOrThrow();

    const page = textOf((await staff.get(`/staff/invoices/${invoice.id}`)).body);
    expect(page).toContain('決済の記録');
    expect(page).toContain('コンビニ');
    expect(page).toContain('支払い待ち');
    expect(page).toContain(`ローソン 受付番号 ${row.instructions!.receiptNumber} 電話番号 ${row.instructions!.phone}`);
    expect(page).toContain(attempt.gateway_ref!);
    expect(page).toContain('sandbox');
    expect(page).toContain('受信した通知');
    expect(page).toContain(notice.event_id);
    expect(page).toContain('処理中');

    const memberPage = textOf((await staff.get(`/staff/members/${m.member_number}`)).body);
    expect(memberPage).toContain(invoice.control_no);
    expect(memberPage).toContain('決済の記録');
    expect(memberPage).toContain(`受付番号 ${row.instructions!.receiptNumber}`);
    expect(memberPage).toContain('過入金の記録はありません。');
  });
});

describe('過入金・返金', () => {
  it('queues a late konbini settlement after a card payment; refund with bad input keeps it (400), then 303, audited; a second decision is 409', async () => {
    const m = await member({ family_name: '過入', family_name_kana: 'カニュウ' });
    const invoice = await t.services.billing.createInvoice(system, { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:test:${m.id}`, dueOn: '2027-01-31' });
    const no = invoice.control_no;
    const konbini = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await t.services.sandbox!.issueNumbers(konbini.gateway_ref!, 'seven');
    t.clock.advance(10 * DAY);
    try {
      const c = await signInMember(t, m.member_number);
      await c.get(`/billing/${no}/pay`);
      const gatewayUrl = (await c.post(`/billing/${no}/pay`, { method: 'card' })).headers.location as string;
      await c.get(gatewayUrl);
      await c.post(gatewayUrl, { cardNumber: '4242424242424242' });
      expect((await t.db.selectFrom('invoices').select('status').where('id', '=', invoice.id).executeTakeFirstOrThrow()).status).toBe('paid');
      // The store took the old slip anyway.
      const body = JSON.stringify({ eventId: 'late-konbini-staff', ref: konbini.gateway_ref, type: 'settled' });
      expect((await t.app.inject({ method: 'POST', url: '/payments/notify/sandbox', headers: t.services.sandbox!.sign(body).headers, payload: body })).statusCode).toBe(200);
      const [over] = (await t.services.overpayments.list()).filter((o) => o.invoice_id === invoice.id);
      expect(over).toBeDefined();

      const { c: s } = await signInStaff(t);
      const queue = await s.get('/staff/billing/overpayments');
      const queueText = textOf(queue.body);
      expect(queueText).toContain(`${m.member_number} 過入 太郎`);
      expect(queueText).toContain(no);
      expect(queueText).toContain('決済代行');
      expect(queueText).toContain('¥30,000');
      expect(queueText).toContain('コンビニ');
      expect(queueText).toContain('0日');
      expect(queue.body).toContain(`href="/staff/invoices/${invoice.id}"`);
      expect(textOf((await s.get(`/staff/invoices/${invoice.id}`)).body)).toContain('過入金');
      expect(textOf((await s.get(`/staff/invoices/${invoice.id}`)).body)).toContain('late-konbini-staff');

      await s.get(`/staff/billing/overpayments/${over!.id}`);
      const bad = await s.post(`/staff/billing/overpayments/${over!.id}/refund`, { refundedOn: '2026-02-30', refundReference: '', refundNote: '会員に電話で確認済み' });
      expect(bad.statusCode).toBe(400);
      const badText = textOf(bad.body);
      expect(badText).toContain('入力内容に問題があります');
      expect(badText).toContain('返金の参照番号を入力してください。');
      expect(bad.body).toContain('会員に電話で確認済み');
      expect(bad.body).toContain('value="2026-02-30"');
      const noNote = await s.post(`/staff/billing/overpayments/${over!.id}/resolve`, { resolvedOn: '2026-12-03', resolveNote: ' ' });
      expect(noNote.statusCode).toBe(400);
      expect(textOf(noNote.body)).toContain('どのように対応したかを入力してください');

      const good = await s.post(`/staff/billing/overpayments/${over!.id}/refund`, { refundedOn: '２０２６/１２/０３', refundReference: 'FURIKOMI-778', refundNote: '' });
      expect(good.statusCode).toBe(303);
      expect(good.headers.location).toBe('/staff/billing/overpayments');
      expect(await t.db.selectFrom('overpayments').select(['status', 'resolved_on', 'resolution_reference']).where('id', '=', over!.id).executeTakeFirstOrThrow())
        .toEqual({ status: 'refunded', resolved_on: '2026-12-03', resolution_reference: 'FURIKOMI-778' });
      const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_type']).where('subject_type', '=', 'overpayment').where('subject_id', '=', String(over!.id)).execute();
      expect(audit).toContainEqual({ action: 'overpayment.refunded', actor_type: 'staff' });

      expect(textOf((await s.get('/staff/billing/overpayments')).body)).not.toContain(no);
      const refunded = textOf((await s.get('/staff/billing/overpayments?status=refunded')).body);
      expect(refunded).toContain(no);
      expect(refunded).toContain('2026年12月3日');
      expect(textOf((await s.get(`/staff/members/${m.member_number}`)).body)).toContain('返金済');

      await s.get(`/staff/billing/overpayments/${over!.id}`);
      expect(textOf(s.last!.body)).toContain('FURIKOMI-778');
      const again = await s.post(`/staff/billing/overpayments/${over!.id}/resolve`, { resolvedOn: '2026-12-04', resolveNote: '別の請求に充当' });
      expect(again.statusCode).toBe(409);
      expect(textOf(again.body)).toContain('この過入金はすでに対応済みです');
      expect((await t.db.selectFrom('overpayments').select('status').where('id', '=', over!.id).executeTakeFirstOrThrow()).status).toBe('refunded');
    } finally {
      t.clock.advance(-10 * DAY);
    }
  });

  it('answers 404 for an unknown overpayment', async () => {
    expect((await staff.get('/staff/billing/overpayments/999999')).statusCode).toBe(404);
    expect((await staff.get('/staff/billing/overpayments/abc')).statusCode).toBe(404);
  });
});
