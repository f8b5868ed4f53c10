import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { billedMember, paymentReads } from '../../test/billing';
import { type TestClient, textOf } from '../../test/client';
import { jobsIdle } from '../../test/jobs-idle';
import { signInMember } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { Gateway } from './gateway';
import { SandboxGateway } from './sandbox-gateway';
import { sandboxPay } from './sandbox-pay';
import { PaymentsService } from './service';

let t: TestApp;
let seq = 190000;
const system = { type: 'system' as const, id: null };
const sandbox = (): SandboxGateway => t.services.sandbox!;
const SANDBOX_DECLINED = '4000000000000002';

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});
afterAll(() => t.close());

const renewalInvoice = () => billedMember(t, { memberNumber: String(++seq) });

async function startPay(c: TestClient, no: string, method: string) {
  const confirm = await c.get(`/billing/${no}/pay`);
  expect(confirm.statusCode).toBe(200);
  const res = await c.post(`/billing/${no}/pay`, { method });
  expect(res.statusCode).toBe(303);
  return res.headers.location as string;
}

const { invoiceRow, attemptsOf, notificationCount } = paymentReads(() => t);
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
    const mail = await t.mail.waitFor(m.email, '更新料振り込み完了');
    expect(mail.subject).toContain('入金を確認しました');
    expect(mail.text).toContain(`http://koushin.test/billing/${no}`);
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
      await jobsIdle(t);
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

/** The member's mails about numbers: konbini chain's numbers, amount, deadline (和暦) and the invoice's link. */
describe('numbers by mail', () => {
  it('mails the FamilyMart numbers once when they are issued; they stay on the invoice until paid', async () => {
    const { m, invoice, c, no } = await renewalInvoice();
    const gatewayUrl = await startPay(c, no, 'konbini');
    await c.get(gatewayUrl);
    await c.post(gatewayUrl, { chain: 'familymart' });
    const [attempt] = await attemptsOf(invoice.id);
    const { companyCode, orderNumber } = attempt!.instructions!;
    const mail = await t.mail.waitFor(m.email, 'お支払い番号のお知らせ');
    expect(mail.subject).toContain('専門医更新料');
    expect(mail.text).toContain('コンビニ: ファミリーマート');
    expect(mail.text).toContain(`企業コード: ${companyCode}`);
    expect(mail.text).toContain(`注文番号: ${orderNumber}`);
    expect(mail.text).toContain('¥30,000');
    expect(mail.text).toContain('お支払い期限: 2026年11月30日（令和8年） 23:59');
    expect(mail.text).toContain(`http://koushin.test/billing/${no}`);
    // The reconciliation job asking the gateway again sends no second mail.
    await t.services.payments.reconcile();
    const page = textOf((await c.get(`/billing/${no}`)).body);
    expect(page).toContain(orderNumber!);
    expect(page).toContain('お支払い手続きの処理中');
    await jobsIdle(t);
    expect(t.mail.count(m.email, 'お支払い番号のお知らせ')).toBe(1);
  });

  it('mails the Pay-easy numbers', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'payeasy');
    await sandbox().issueNumbers(a.gateway_ref!);
    const { institutionNumber, customerNumber, confirmationNumber } = (await attemptsOf(invoice.id))[0]!.instructions!;
    const mail = await t.mail.waitFor(m.email, 'お支払い番号のお知らせ');
    expect(mail.subject).toContain('ペイジー');
    expect(mail.text).toContain(`収納機関番号: ${institutionNumber}`);
    expect(mail.text).toContain(`お客様番号: ${customerNumber}`);
    expect(mail.text).toContain(`確認番号: ${confirmationNumber}`);
  });
});

describe('the store withdraws its 速報', () => {
  it('back to waiting while the numbers are valid: the page says so, the invoice stays 処理中, a later 確報 pays', async () => {
    const { m, invoice, c, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await sandbox().issueNumbers(a.gateway_ref!, 'lawson');
    const consoleClient = await signInMember(t, m.member_number);
    await consoleClient.get('/sandbox-gateway/console');
    expect((await consoleClient.post(`/sandbox-gateway/console/${a.gateway_ref}/act`, { action: 'provisional' })).statusCode).toBe(303);
    expect(textOf((await c.get(`/billing/${no}`)).body)).toContain('お支払いを確認中');
    const consolePage = textOf((await consoleClient.get('/sandbox-gateway/console')).body);
    expect(consolePage).toContain('速報を取り消す');
    expect((await consoleClient.post(`/sandbox-gateway/console/${a.gateway_ref}/act`, { action: 'cancel_provisional' })).statusCode).toBe(303);
    const [attempt] = await attemptsOf(invoice.id);
    expect(attempt).toMatchObject({ status: 'awaiting_payment', provisional_cancelled_at: expect.any(Date) });
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    const page = textOf((await c.get(`/billing/${no}`)).body);
    expect(page).toContain('入金速報が取り消されました');
    expect(page).toContain('2026/11/30 23:59まで引き続き有効です');
    expect(page).toContain(attempt!.instructions!.receiptNumber!);
    expect((await sandbox().markPaid(a.gateway_ref!))).toBe(true);
    expect((await invoiceRow(invoice.id)).status).toBe('paid');
  });

  it('reconciliation finds a withdrawal whose notice was lost: the invoice is not stuck in 確認中', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await sandbox().issueNumbers(a.gateway_ref!, 'lawson');
    await sandbox().act(a.gateway_ref!, 'provisional');
    sandbox().autoDeliver = false;
    try {
      await sandbox().act(a.gateway_ref!, 'cancel_provisional');
      sandbox().outbox.splice(0);
    } finally {
      sandbox().autoDeliver = true;
    }
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('paid_provisional');
    await t.services.payments.reconcile();
    expect((await attemptsOf(invoice.id))[0]).toMatchObject({ status: 'awaiting_payment', provisional_cancelled_at: expect.any(Date) });
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
  });

  it('expires the attempt when the numbers are past their deadline: the invoice is 未納 again', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await sandbox().issueNumbers(a.gateway_ref!, 'ministop');
    await sandbox().act(a.gateway_ref!, 'provisional');
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('paid_provisional');
    t.clock.advance(8 * 86_400_000);
    try {
      const body = JSON.stringify({ eventId: `withdrawn-${a.id}`, ref: a.gateway_ref, type: 'provisional_cancelled' });
      expect((await postNotice(body, sandbox().sign(body).headers)).statusCode).toBe(200);
      expect((await attemptsOf(invoice.id))[0]!.status).toBe('expired');
      expect((await invoiceRow(invoice.id)).status).toBe('unpaid');
    } finally {
      t.clock.advance(-8 * 86_400_000);
    }
  });
});

describe('lost notifications and crashes', () => {
  it('reconciliation finds issued numbers whose notice was lost (and mails them)', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    sandbox().autoDeliver = false;
    try {
      await sandbox().issueNumbers(a.gateway_ref!, 'seven');
      sandbox().outbox.splice(0); // lost
    } finally {
      sandbox().autoDeliver = true;
    }
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('at_gateway');
    await t.services.payments.reconcile();
    const [attempt] = await attemptsOf(invoice.id);
    expect(attempt).toMatchObject({ status: 'awaiting_payment', instructions: { chain: 'seven', slipNumber: expect.stringMatching(/^\d{13}$/) } });
    expect((await t.mail.waitFor(m.email, 'お支払い番号のお知らせ')).text).toContain(attempt!.instructions!.slipNumber!);
  });

  it('reconciliation finds a declined card whose notice was lost: the invoice is 未納 again', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'card');
    sandbox().autoDeliver = false;
    try {
      expect(await sandbox().payByCard(a.gateway_ref!, SANDBOX_DECLINED)).toBe('failed');
      sandbox().outbox.splice(0);
    } finally {
      sandbox().autoDeliver = true;
    }
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    await t.services.payments.reconcile();
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('failed');
    expect((await invoiceRow(invoice.id)).status).toBe('unpaid');
  });

  it('a lost 確報 never pays, but the hold is kept past its end while the gateway has the money; the late notice pays', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'payeasy');
    await sandbox().issueNumbers(a.gateway_ref!);
    sandbox().autoDeliver = false;
    let held: { body: string }[] = [];
    try {
      await sandbox().markPaid(a.gateway_ref!);
      held = sandbox().outbox.splice(0);
    } finally {
      sandbox().autoDeliver = true;
    }
    t.clock.advance(10 * 86_400_000);
    try {
      await t.services.payments.reconcile();
      expect((await attemptsOf(invoice.id))[0]!.status).toBe('awaiting_payment');
      expect((await invoiceRow(invoice.id)).status).toBe('processing');
      for (const n of held) expect((await postNotice(n.body, sandbox().sign(n.body).headers)).statusCode).toBe(200);
      expect((await attemptsOf(invoice.id)).map((x) => [x.status, x.overpayment])).toEqual([['settled', false]]);
      expect((await invoiceRow(invoice.id)).status).toBe('paid');
    } finally {
      t.clock.advance(-10 * 86_400_000);
    }
  });

  it('a crash between the gateway call and our commit: the retry reuses the idempotency key and gets the same gateway payment', async () => {
    const { m, invoice, c, no } = await renewalInvoice();
    const real = sandbox();
    let crash = true;
    // The gateway made the payment, then our process died before storing its answer.
    const crashing: Gateway = Object.assign(Object.create(real) as SandboxGateway, {
      async createAttempt(input: Parameters<Gateway['createAttempt']>[0]) {
        const made = await real.createAttempt(input);
        if (crash) throw new Error('crash after the gateway call');
        return made;
      },
    });
    const s = t.services;
    const payments = new PaymentsService({ db: t.db, clock: t.clock, billing: s.billing, overpayments: s.overpayments, members: s.members, mailer: s.mailer, baseUrl: 'http://koushin.test', gateway: crashing });
    await expect(payments.start({ type: 'member', id: m.id }, m.id, no, 'card')).rejects.toThrow('crash after the gateway call');
    const [stuck] = await attemptsOf(invoice.id);
    expect(stuck).toMatchObject({ status: 'created', gateway_ref: null });
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    const sandboxRows = () => t.db.selectFrom('sandbox_payments').selectAll().where('idempotency_key', '=', stuck!.idempotency_key).execute();
    const [made] = await sandboxRows();
    expect(made).toBeDefined();
    // The member clicks again (through the real app): the same attempt, the same key, the same gateway payment.
    crash = false;
    const res = await c.get(`/billing/${no}/pay`);
    expect(res.headers.location).toBe(`/sandbox-gateway/pay/${made!.ref}`);
    expect(await attemptsOf(invoice.id)).toEqual([expect.objectContaining({ id: stuck!.id, status: 'at_gateway', gateway_ref: made!.ref, idempotency_key: stuck!.idempotency_key })]);
    expect(await sandboxRows()).toHaveLength(1);
  });
});

describe('the sandbox gateway', () => {
  it('keeps its payments in the database: a new instance (a restart) finds them by any number and settles them', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await sandbox().issueNumbers(a.gateway_ref!, 'familymart');
    const { orderNumber } = (await attemptsOf(invoice.id))[0]!.instructions!;
    const restarted = new SandboxGateway({ db: t.db, secret: t.config.sandboxGateway!.secret, clock: t.clock });
    restarted.setDeliver(async (n) => (await postNotice(n.body, n.headers)).statusCode);
    const found = await restarted.findByNumber(`${orderNumber}`.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)));
    expect(found).toMatchObject({ ref: a.gateway_ref, state: 'awaiting_payment', amount: 30000, method: 'konbini' });
    expect((await restarted.open()).map((p) => p.ref)).toContain(a.gateway_ref);
    expect(await restarted.markPaid(a.gateway_ref!)).toBe(true);
    expect((await invoiceRow(invoice.id)).status).toBe('paid');
    expect((await sandbox().get(a.gateway_ref!))?.state).toBe('settled');
    expect(await sandbox().markPaid(a.gateway_ref!)).toBe(false);
  });

  it('console: holds notices and delivers them late; sends 確報 before 速報; sends each twice — one settlement, one mail', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await sandbox().issueNumbers(a.gateway_ref!, 'lawson');
    const admin = await signInMember(t, m.member_number);
    await admin.get('/sandbox-gateway/console');
    try {
      expect((await admin.post('/sandbox-gateway/console/hold', { hold: 'on' })).statusCode).toBe(303);
      expect(textOf((await admin.get('/sandbox-gateway/console')).body)).toContain('次の通知を保留しています');
      await admin.post(`/sandbox-gateway/console/${a.gateway_ref}/act`, { action: 'twice' });
      expect(sandbox().outbox).toHaveLength(4);
      const consolePage = textOf((await admin.get('/sandbox-gateway/console')).body);
      expect(consolePage).toContain('保留中の通知を今すぐ送る（4 件）');
      expect((await invoiceRow(invoice.id)).status).toBe('processing');
      const before = await notificationCount();
      expect((await admin.post('/sandbox-gateway/console/deliver', {})).statusCode).toBe(303);
      expect(await notificationCount()).toBe(before + 2);
      expect((await invoiceRow(invoice.id)).status).toBe('paid');
      await t.mail.waitFor(m.email, '更新料振り込み完了');
      await jobsIdle(t);
      expect(t.mail.count(m.email, '更新料振り込み完了')).toBe(1);
      await admin.get('/sandbox-gateway/console');
      await admin.post('/sandbox-gateway/console/hold', { hold: 'off' });
      expect(sandbox().autoDeliver).toBe(true);
    } finally {
      sandbox().autoDeliver = true;
      sandbox().outbox.splice(0);
    }

    const second = await renewalInvoice();
    const b = await t.services.payments.start({ type: 'member', id: second.m.id }, second.m.id, second.no, 'payeasy');
    await sandbox().issueNumbers(b.gateway_ref!);
    await admin.get('/sandbox-gateway/console');
    await admin.post(`/sandbox-gateway/console/${b.gateway_ref}/act`, { action: 'reversed' });
    expect((await attemptsOf(second.invoice.id)).map((x) => x.status)).toEqual(['settled']);
    expect((await invoiceRow(second.invoice.id)).status).toBe('paid');
    // Not applicable any more: said, nothing changes.
    await admin.get('/sandbox-gateway/console');
    const again = await admin.post(`/sandbox-gateway/console/${b.gateway_ref}/act`, { action: 'expire' });
    expect(again.statusCode).toBe(303);
    expect(textOf((await admin.get('/sandbox-gateway/console')).body)).toContain('この決済の状態では、その操作はできません。');
  });

  it('the console expires numbers: the invoice is 未納 again and online payment is offered', async () => {
    const { m, invoice, c, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await sandbox().issueNumbers(a.gateway_ref!, 'seven');
    await c.get('/sandbox-gateway/console');
    await c.post(`/sandbox-gateway/console/${a.gateway_ref}/act`, { action: 'expire' });
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('expired');
    expect((await invoiceRow(invoice.id)).status).toBe('unpaid');
    const page = textOf((await c.get(`/billing/${no}`)).body);
    expect(page).toContain('前回のお支払い手続きは終了しました');
    expect(page).toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
  });

  it('npm run sandbox:pay: finds the payment by its number and the running portal receives the signed 速報 and 確報 over HTTP', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const a = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await sandbox().issueNumbers(a.gateway_ref!, 'seven');
    const { slipNumber } = (await attemptsOf(invoice.id))[0]!.instructions!;
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const deps = { db: t.db, secret: t.config.sandboxGateway!.secret, clock: t.clock, baseUrl: address };
    expect(await sandboxPay('0000000000000', deps)).toEqual({ ok: false, reason: 'not_found' });
    expect(await sandboxPay(slipNumber!, { ...deps, baseUrl: 'https://portal.example.jp' })).toEqual({ ok: false, reason: 'not_local' });
    expect(await sandboxPay(slipNumber!, { ...deps, secret: 'not-the-portals-secret' })).toMatchObject({ ok: false, reason: 'refused', statuses: [400, 400] });
    expect((await invoiceRow(invoice.id)).status).toBe('processing');

    const second = await renewalInvoice();
    const b = await t.services.payments.start({ type: 'member', id: second.m.id }, second.m.id, second.no, 'konbini');
    await sandbox().issueNumbers(b.gateway_ref!, 'lawson');
    const { receiptNumber } = (await attemptsOf(second.invoice.id))[0]!.instructions!;
    expect(await sandboxPay(receiptNumber!, deps)).toEqual({ ok: true, ref: b.gateway_ref, statuses: [200, 200] });
    expect(await invoiceRow(second.invoice.id)).toMatchObject({ status: 'paid', paid_method: 'konbini' });
    await t.mail.waitFor(second.m.email, '更新料振り込み完了');
    expect(await sandboxPay(receiptNumber!, deps)).toEqual({ ok: false, reason: 'not_found' });
  });
});

describe('an invoice paid some other way', () => {
  it('cancels its live konbini numbers at the gateway, so nobody pays at the store as well', async () => {
    const { m, invoice, no } = await renewalInvoice();
    const attempt = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    await sandbox().issueNumbers(attempt.gateway_ref!, 'lawson');
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('awaiting_payment');
    // The member transferred the fee instead; the secretariat records it.
    await t.services.billing.markPaid(system, invoice.id, { method: 'transfer', paidOn: '2026-11-24', reference: 'BANK-1', reason: '振込を確認' }, 'ja', { notify: false });
    await expect.poll(async () => (await attemptsOf(invoice.id))[0]!.status, { timeout: 10_000 }).toBe('cancelled');
    expect((await sandbox().queryStatus(attempt.gateway_ref!)).state).toBe('cancelled');
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid_method: 'transfer' });
  });
});
