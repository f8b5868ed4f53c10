import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { type TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { signInMember } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { SandboxGateway } from './sandbox-gateway';

let t: TestApp;
let seq = 190000;
const system = { type: 'system' as const, id: null };
const sandbox = (): SandboxGateway => t.services.sandbox!;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});
afterAll(() => t.close());

async function renewalInvoice() {
  const m = await createMember(t.db, { member_number: String(++seq) });
  const invoice = await t.services.billing.createInvoice(system, { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:test:${m.id}`, dueOn: '2027-01-31' });
  const c = await signInMember(t, m.member_number);
  return { m, invoice, c, no: invoice.control_no };
}

async function startPay(c: TestClient, no: string, method: string) {
  const confirm = await c.get(`/billing/${no}/pay`);
  expect(confirm.statusCode).toBe(200);
  const res = await c.post(`/billing/${no}/pay`, { method });
  expect(res.statusCode).toBe(303);
  return res.headers.location as string;
}

const invoiceRow = (id: number) => t.db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const attemptsOf = (invoiceId: number) => t.db.selectFrom('payment_attempts').selectAll().where('invoice_id', '=', invoiceId).orderBy('id').execute();
const notificationCount = async () => Number((await t.db.selectFrom('payment_notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const postNotice = (body: string, headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/payments/notify/sandbox', headers, payload: body });

describe('card payment through the sandbox gateway', () => {
  it('confirmation → gateway page → 4242 → signed notice → 入金済 and the completion mail', async () => {
    const { m, invoice, c, no } = await renewalInvoice();
    const page = textOf((await c.get(`/billing/${no}`)).body);
    expect(page).toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
    expect(page).toContain('払込票での支払いお申込み');
    const confirm = textOf((await c.get(`/billing/${no}/pay`)).body);
    expect(confirm).toContain('¥30,000');
    expect(confirm).toContain('専門医更新料');
    expect(confirm).toContain('特定商取引法に基づく表記');
    expect(confirm).toContain('上記情報を送信して、決済を申し込む');
    expect(textOf((await c.get('/legal/tokushoho')).body)).toContain('販売事業者');

    const gatewayUrl = await startPay(c, no, 'card');
    expect(gatewayUrl).toMatch(/^\/sandbox-gateway\/pay\/sbx_/);
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    const gw = textOf((await c.get(gatewayUrl)).body);
    expect(gw).toContain('4242 4242 4242 4242');
    expect(gw).toContain('注意事項を確認したので、決済を申し込む');
    const wrong = await c.post(gatewayUrl, { cardNumber: '1234' });
    expect(wrong.statusCode).toBe(400);
    const paid = await c.post(gatewayUrl, { cardNumber: '4242 4242 4242 4242' });
    expect(paid.headers.location).toBe(`/billing/${no}/return`);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid_method: 'card', paid_on: '2026-11-23' });
    expect((await attemptsOf(invoice.id)).map((a) => a.status)).toEqual(['settled']);
    expect(textOf((await c.get(`/billing/${no}/return`)).body)).toContain('お支払いが確定しました');
    await t.mail.waitFor(m.email, '入金を確認しました');
    const audit = await t.db.selectFrom('audit_log').select('action').where('subject_id', '=', no).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['invoice.start_payment', 'invoice.settle']));
  });

  it('a declined card fails the attempt, the invoice goes back to 未納 and the member can start again', async () => {
    const { invoice, c, no } = await renewalInvoice();
    const gatewayUrl = await startPay(c, no, 'card');
    await c.get(gatewayUrl);
    expect((await c.post(gatewayUrl, { cardNumber: '4000 0000 0000 0002' })).statusCode).toBe(303);
    expect((await invoiceRow(invoice.id)).status).toBe('unpaid');
    expect((await attemptsOf(invoice.id)).map((a) => a.status)).toEqual(['failed']);
    const page = textOf((await c.get(`/billing/${no}`)).body);
    expect(page).toContain('承認されませんでした');
    expect(page).toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
    const again = await startPay(c, no, 'card');
    expect(again).not.toBe(gatewayUrl);
    expect((await attemptsOf(invoice.id)).map((a) => a.status)).toEqual(['failed', 'at_gateway']);
  });
});

describe('konbini and Pay-easy', () => {
  it('shows the chain’s numbers and deadline; 速報 → お支払いを確認中; 確報 → 入金済; a repeated notice changes nothing', async () => {
    const { m, invoice, c, no } = await renewalInvoice();
    const gatewayUrl = await startPay(c, no, 'konbini');
    const gw = textOf((await c.get(gatewayUrl)).body);
    expect(gw).toContain('6桁の受付番号と電話番号');
    expect(gw).toContain('13桁の払込票番号');
    expect((await c.post(gatewayUrl, { chain: 'lawson' })).headers.location).toBe(`/billing/${no}/return`);
    const ret = textOf((await c.get(`/billing/${no}/return`)).body);
    expect(ret).toContain('お支払い手続きの処理中');
    expect(ret).toMatch(/受付番号 \d{6} /);
    expect(ret).toContain('電話番号');
    expect(ret).toContain('2026/11/30 23:59');
    const [attempt] = await attemptsOf(invoice.id);
    expect(attempt).toMatchObject({ status: 'awaiting_payment', method: 'konbini' });
    expect(attempt!.instructions).toMatchObject({ chain: 'lawson' });
    // Choosing to pay again resumes the live attempt: no second one.
    expect((await c.get(`/billing/${no}/pay`)).headers.location).toBe(`/billing/${no}`);
    expect(textOf((await c.get(`/billing/${no}`)).body)).not.toContain('クレジットカード/コンビニ/ペイジーでのお支払い');

    sandbox().autoDeliver = false;
    try {
      const consolePage = new (c.constructor as typeof TestClient)(t.app);
      expect(textOf((await consolePage.get('/sandbox-gateway/console')).body)).toContain(attempt!.instructions!.receiptNumber!);
      expect((await consolePage.post(`/sandbox-gateway/console/${attempt!.gateway_ref}/paid`, {})).statusCode).toBe(303);
      const [provisional, confirmed] = sandbox().outbox.splice(0);
      expect(await sandbox().deliver(provisional!)).toBe(200);
      expect((await attemptsOf(invoice.id))[0]!.status).toBe('paid_provisional');
      expect((await invoiceRow(invoice.id)).status).toBe('processing');
      expect(textOf((await c.get(`/billing/${no}`)).body)).toContain('お支払いを確認中');

      expect(await sandbox().deliver(confirmed!)).toBe(200);
      expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid_method: 'konbini' });
      const before = await notificationCount();
      const again = await sandbox().deliver(confirmed!);
      expect(again).toBe(200);
      expect(await notificationCount()).toBe(before);
      expect((await attemptsOf(invoice.id)).map((a) => [a.status, a.overpayment])).toEqual([['settled', false]]);
      await t.mail.waitFor(m.email, '入金を確認しました');
      expect(t.mail.count(m.email, '入金を確認しました')).toBe(1);
    } finally {
      sandbox().autoDeliver = true;
    }
  });

  it('is safe out of order: a 確報 before its 速報 settles, the late 速報 changes nothing', async () => {
    const { invoice, c, no } = await renewalInvoice();
    const gatewayUrl = await startPay(c, no, 'payeasy');
    await c.get(gatewayUrl);
    await c.post(gatewayUrl, {});
    const ret = textOf((await c.get(`/billing/${no}/return`)).body);
    expect(ret).toContain('収納機関番号');
    expect(ret).toContain('お客様番号');
    expect(ret).toContain('確認番号');
    const [attempt] = await attemptsOf(invoice.id);
    sandbox().autoDeliver = false;
    try {
      await sandbox().markPaid(attempt!.gateway_ref!);
      const [provisional, confirmed] = sandbox().outbox.splice(0);
      expect(await sandbox().deliver(confirmed!)).toBe(200);
      expect((await invoiceRow(invoice.id)).status).toBe('paid');
      expect(await sandbox().deliver(provisional!)).toBe(200);
      expect((await attemptsOf(invoice.id))[0]!.status).toBe('settled');
      expect((await invoiceRow(invoice.id)).status).toBe('paid');
    } finally {
      sandbox().autoDeliver = true;
    }
  });
});

describe('notifications and the return URL', () => {
  it('refuses a bad signature or a stale timestamp with 400 and changes nothing', async () => {
    const { invoice, c, no } = await renewalInvoice();
    await startPay(c, no, 'card');
    const [attempt] = await attemptsOf(invoice.id);
    const body = JSON.stringify({ eventId: `forged-${attempt!.id}`, ref: attempt!.gateway_ref, type: 'settled' });
    const good = sandbox().sign(body);
    const before = await notificationCount();
    expect((await postNotice(body, { ...good.headers, 'x-sandbox-signature': 'a'.repeat(64) })).statusCode).toBe(400);
    expect((await postNotice(body.replace('settled', 'failed'), good.headers)).statusCode).toBe(400);
    expect((await postNotice(body, { 'content-type': 'application/json' })).statusCode).toBe(400);
    const stale = sandbox().sign(body, Math.floor(t.clock.now().getTime() / 1000) - 600);
    expect((await postNotice(body, stale.headers)).statusCode).toBe(400);
    expect(await notificationCount()).toBe(before);
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('at_gateway');
  });

  it('never marks paid from the browser’s return, even when the gateway took the money but its notice is late', async () => {
    const { invoice, c, no } = await renewalInvoice();
    const gatewayUrl = await startPay(c, no, 'card');
    expect(textOf((await c.get(`/billing/${no}/return`)).body)).toContain('お支払い手続きの処理中');
    sandbox().autoDeliver = false;
    try {
      await c.get(gatewayUrl);
      await c.post(gatewayUrl, { cardNumber: '4242424242424242' });
      const ret = textOf((await c.get(`/billing/${no}/return`)).body);
      expect(ret).not.toContain('お支払いが確定しました');
      expect((await invoiceRow(invoice.id)).status).toBe('processing');
      for (const n of sandbox().outbox.splice(0)) expect(await sandbox().deliver(n)).toBe(200);
      expect((await invoiceRow(invoice.id)).status).toBe('paid');
    } finally {
      sandbox().autoDeliver = true;
    }
  });

  it('two concurrent 「決済を申し込む」 make one attempt', async () => {
    const { invoice, c, no } = await renewalInvoice();
    await c.get(`/billing/${no}/pay`);
    const token = c.csrfToken();
    const [a, b] = await Promise.all([c.post(`/billing/${no}/pay`, { method: 'card' }, { csrf: token }), c.post(`/billing/${no}/pay`, { method: 'card' }, { csrf: token })]);
    expect(a.statusCode).toBe(303);
    expect(b.statusCode).toBe(303);
    expect(a.headers.location).toBe(b.headers.location);
    expect(await attemptsOf(invoice.id)).toHaveLength(1);
  });

  it('a chosen slip closes online payment', async () => {
    const { m, invoice, c, no } = await renewalInvoice();
    await t.services.billing.requestSlip({ type: 'member', id: m.id }, m.id, no);
    expect(textOf((await c.get(`/billing/${no}`)).body)).not.toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
    expect((await c.get(`/billing/${no}/pay`)).statusCode).toBe(409);
    await c.get(`/billing/${no}`);
    expect((await c.post(`/billing/${no}/pay`, { method: 'card' })).statusCode).toBe(409);
    expect(await attemptsOf(invoice.id)).toHaveLength(0);
  });

  it('ends the hold after the deadline and keeps a late second settlement as an overpayment', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const konbini = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await sandbox().issueNumbers(konbini.gateway_ref!, 'seven');
    expect((await attemptsOf(invoice.id))[0]!.instructions).toMatchObject({ chain: 'seven', slipNumber: expect.stringMatching(/^\d{13}$/) });
    t.clock.advance(10 * 86_400_000);
    try {
      const c = await signInMember(t, m.member_number);
      const page = textOf((await c.get(`/billing/${no}`)).body);
      expect(page).toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
      expect((await invoiceRow(invoice.id)).status).toBe('unpaid');
      const gatewayUrl = await startPay(c, no, 'card');
      await c.get(gatewayUrl);
      await c.post(gatewayUrl, { cardNumber: '4242424242424242' });
      expect((await invoiceRow(invoice.id)).status).toBe('paid');
      // The store took the old slip anyway: the money is kept, flagged for a refund.
      const body = JSON.stringify({ eventId: 'late-konbini-1', ref: konbini.gateway_ref, type: 'settled' });
      expect((await postNotice(body, sandbox().sign(body).headers)).statusCode).toBe(200);
      expect((await attemptsOf(invoice.id)).map((a) => [a.method, a.status, a.overpayment])).toEqual([['konbini', 'settled', true], ['card', 'settled', false]]);
      expect((await t.services.payments.overpayments()).map((a) => a.id)).toContain(konbini.id);
      const queued = (await t.services.overpayments.list()).filter((o) => o.invoice_id === invoice.id);
      expect(queued).toEqual([expect.objectContaining({ source: 'gateway', amount: 30000, method: 'konbini', status: 'open', member_id: m.id })]);
      // The same settlement delivered again is still one overpayment.
      const again = JSON.stringify({ eventId: 'late-konbini-2', ref: konbini.gateway_ref, type: 'settled' });
      expect((await postNotice(again, sandbox().sign(again).headers)).statusCode).toBe(200);
      expect((await t.services.overpayments.list()).filter((o) => o.invoice_id === invoice.id)).toHaveLength(1);
    } finally {
      t.clock.advance(-10 * 86_400_000);
    }
  });
});
