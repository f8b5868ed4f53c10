import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { billedMember } from '../../test/billing';
import { TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { readPdf } from '../../test/pdf';
import { signInMember, signInStaff } from '../../test/sign-in';
import { loadConfig } from '../../platform/config';
import { FEE_TYPES } from '../../seed/billing';
import { includedTax10 } from './receipt-pdf';

let t: TestApp;
let seq = 190000;
const system = { type: 'system' as const, id: null };
const paid = { method: 'transfer', paidOn: '2026-11-20', reference: 'R-TEST', reason: 'test' };

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});
afterAll(() => t.close());

const renewalInvoice = () => billedMember(t, { memberNumber: String(++seq) });

const textOfPdf = (pdf: Buffer) => readPdf(pdf).pages.join('\n');

describe('領収書', () => {
  it('is refused (409) while the invoice is unpaid, and the page shows no receipt button', async () => {
    const { m, invoice } = await renewalInvoice();
    const c = await signInMember(t, m.member_number);
    expect((await c.get(`/billing/${invoice.control_no}`)).body).not.toContain('receipt.pdf');
    const res = await c.get(`/billing/${invoice.control_no}/receipt.pdf`);
    expect(res.statusCode).toBe(409);
    expect(textOf(res.body)).toContain('領収書は入金済の請求についてのみ発行できます。');
    expect(await t.db.selectFrom('receipts').selectAll().where('invoice_id', '=', invoice.id).execute()).toHaveLength(0);
  });

  it('downloads a paid renewal fee as a PDF with 10% tax, then marks later downloads 再発行; audited', async () => {
    const { m, invoice } = await renewalInvoice();
    await t.services.billing.markPaid(system, invoice.id, paid, 'ja', { notify: false });
    const c = await signInMember(t, m.member_number);
    const page = await c.get(`/billing/${invoice.control_no}`);
    expect(page.body).toContain(`href="/billing/${invoice.control_no}/receipt.pdf"`);
    expect(textOf(page.body)).toContain('領収書');

    const res = await c.get(`/billing/${invoice.control_no}/receipt.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="____${invoice.control_no}.pdf"; filename*=UTF-8''${encodeURIComponent(`領収書_${invoice.control_no}.pdf`)}`);
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const doc = readPdf(res.rawPayload);
    expect(doc.pageCount).toBe(1);
    const first = doc.pages.join('\n');
    expect(first).toContain('領収書');
    expect(first).not.toContain('再発行');
    expect(first).toMatch(/領収書番号: R-\d{6}/);
    expect(first).toContain('発行日: 2026年11月23日（令和8年）');
    expect(first).toContain('山田 太郎 様');
    expect(first).toContain('¥30,000');
    expect(first).toContain('但し　専門医更新料として');
    expect(first).toContain('2026年11月20日（令和8年）');
    expect(first).toContain('振込');
    expect(first).toContain('10%対象');
    expect(first).toContain('税抜金額');
    expect(first).toContain('¥27,273');
    expect(first).toContain('消費税額(10%)');
    expect(first).toContain('¥2,727');
    expect(first).not.toContain('不課税）');
    expect(first).toContain('日本循環器学会');
    expect(first).toContain('東京都千代田区丸の内1-8-1 丸の内トラストタワーN館9F');
    expect(first).toContain('適格請求書発行事業者登録番号: T1234567890123');
    expect(first).toContain('電子交付のため収入印紙は不要です。');
    const receiptNo = /R-\d{6}/.exec(first)![0];

    t.clock.set(new Date('2026-11-25T09:00:00+09:00'));
    const later = await signInMember(t, m.member_number); // two days on, the first session has expired
    const again = await later.get(`/billing/${invoice.control_no}/receipt.pdf`);
    expect(again.statusCode).toBe(200);
    const second = textOfPdf(again.rawPayload);
    expect(second).toContain('再発行');
    expect(second).toContain(`領収書番号: ${receiptNo}`);
    expect(second).toContain('発行日: 2026年11月23日（令和8年）');
    expect(second).toContain('再発行日: 2026年11月25日（令和8年）');
    t.clock.set(new Date('2026-11-23T10:00:00+09:00'));

    const row = await t.db.selectFrom('receipts').selectAll().where('invoice_id', '=', invoice.id).executeTakeFirstOrThrow();
    expect(row.receipt_no).toBe(receiptNo);
    expect(row.download_count).toBe(2);
    const audits = await t.db.selectFrom('audit_log').select(['action', 'actor_type', 'actor_id']).where('subject_id', '=', invoice.control_no)
      .where('action', 'like', 'receipt.%').orderBy('id').execute();
    expect(audits).toEqual([{ action: 'receipt.issued', actor_type: 'member', actor_id: m.id }, { action: 'receipt.reissued', actor_type: 'member', actor_id: m.id }]);
  });

  it('prints 不課税 for the annual fee, with the fiscal year in 但し書き', async () => {
    const m = await createMember(t.db, { member_number: String(++seq) });
    await t.services.billing.createAnnualFees(2026, [m.id]);
    const invoice = (await t.services.billing.listForMember(m.id))[0]!.invoice;
    await t.services.billing.markPaid(system, invoice.id, { ...paid, method: 'slip' }, 'ja', { notify: false });
    const c = await signInMember(t, m.member_number);
    const text = textOfPdf((await c.get(`/billing/${invoice.control_no}/receipt.pdf`)).rawPayload);
    expect(text).toContain('¥15,000');
    expect(text).toContain('但し　2026年度 年会費として');
    expect(text).toContain('不課税');
    expect(text).not.toContain('消費税額(10%)');
    expect(text).toContain('払込票');
  });

  it('is 404 for another member', async () => {
    const { invoice } = await renewalInvoice();
    await t.services.billing.markPaid(system, invoice.id, paid, 'ja', { notify: false });
    const other = await signInMember(t, (await createMember(t.db, { member_number: String(++seq) })).member_number);
    expect((await other.get(`/billing/${invoice.control_no}/receipt.pdf`)).statusCode).toBe(404);
    expect((await other.get('/billing/SK-x/receipt.pdf')).statusCode).toBe(404);
    expect(await t.db.selectFrom('receipts').selectAll().where('invoice_id', '=', invoice.id).execute()).toHaveLength(0);
  });

  it('lets the secretariat download it (audited as staff), with the button on the staff invoice page', async () => {
    const { invoice } = await renewalInvoice();
    const { c, staff } = await signInStaff(t);
    expect((await c.get(`/staff/invoices/${invoice.id}`)).body).not.toContain('receipt.pdf');
    expect((await c.get(`/staff/invoices/${invoice.id}/receipt.pdf`)).statusCode).toBe(409);
    await t.services.billing.markPaid(system, invoice.id, paid, 'ja', { notify: false });
    expect((await c.get(`/staff/invoices/${invoice.id}`)).body).toContain(`href="/staff/invoices/${invoice.id}/receipt.pdf"`);
    const res = await c.get(`/staff/invoices/${invoice.id}/receipt.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(textOfPdf(res.rawPayload)).toContain('¥2,727');
    expect((await c.get('/staff/invoices/999999/receipt.pdf')).statusCode).toBe(404);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_type', 'actor_id']).where('subject_id', '=', invoice.control_no).where('action', 'like', 'receipt.%').execute();
    expect(audit).toEqual([{ action: 'receipt.issued', actor_type: 'staff', actor_id: staff.id }]);
  });

  it('is only for the signed-in member', async () => {
    const res = await new TestClient(t.app).get('/billing/SK-500001/receipt.pdf');
    expect(res.statusCode).toBe(303);
    expect(res.headers['content-type']).not.toBe('application/pdf');
  });
});

describe('receipt tax and settings', () => {
  it('computes the tax contained in a 10% tax-included amount, rounding down', () => {
    expect(includedTax10(30_000)).toBe(2_727);
    expect(includedTax10(11_000)).toBe(1_000);
    expect(includedTax10(1)).toBe(0);
  });

  it('takes the issuer from settings; the registration number must be T + 13 digits; no demo values in production', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).receipt).toEqual({ issuerName: '日本循環器学会', issuerAddress: '東京都千代田区丸の内1-8-1 丸の内トラストタワーN館9F', registrationNumber: 'T1234567890123' });
    expect(loadConfig({ NODE_ENV: 'test', RECEIPT_ISSUER_NAME: '一般社団法人 テスト学会', RECEIPT_REGISTRATION_NUMBER: 'T9876543210987' }).receipt).toMatchObject({ issuerName: '一般社団法人 テスト学会', registrationNumber: 'T9876543210987' });
    expect(() => loadConfig({ NODE_ENV: 'test', RECEIPT_REGISTRATION_NUMBER: '1234567890123' })).toThrow(/RECEIPT_REGISTRATION_NUMBER/);
    const prod = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@localhost/x', SESSION_SECRET: 'x'.repeat(40), BASE_URL: 'https://portal.example', SMTP_HOST: 'smtp.example', MAIL_FROM: 'a@b.example' });
    expect(prod.receipt).toEqual({ issuerName: '日本循環器学会', issuerAddress: undefined, registrationNumber: undefined });
  });
});
