import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEE_TYPES } from '../../seed/billing';
import { createTestApp, type TestApp } from '../../test/app';
import { billedMember, paymentReads } from '../../test/billing';
import { type TestClient, textOf } from '../../test/client';
import { FAKE_KOMOJU_KEY, FakeKomoju, type SignedKomojuEvent } from './fakes/fake-komoju';
import { KomojuGateway } from './komoju-gateway';

const WEBHOOK_SECRET = 'komoju-webhook-secret-for-tests';
let t: TestApp;
let fake: FakeKomoju;
let seq = 197000;

beforeAll(async () => {
  fake = await new FakeKomoju({ webhookSecret: WEBHOOK_SECRET, now: () => t.clock.now() }).start();
  t = await createTestApp({ PAYMENT_GATEWAY: 'komoju', KOMOJU_SECRET_KEY: FAKE_KOMOJU_KEY, KOMOJU_WEBHOOK_SECRET: WEBHOOK_SECRET, KOMOJU_API_BASE: fake.url });
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const invoiceFor = (feeType: 'renewal_fee' | 'annual_fee' = 'renewal_fee') => billedMember(t, { memberNumber: String(++seq), feeType });

async function startPay(c: TestClient, no: string, method: string) {
  expect((await c.get(`/billing/${no}/pay`)).statusCode).toBe(200);
  const res = await c.post(`/billing/${no}/pay`, { method });
  expect(res.headers.location).toBe(`/billing/${no}/pay/gateway`);
  const page = await c.get(res.headers.location as string);
  expect(textOf(page.body)).toContain('決済代行会社（KOMOJU）のページ');
  const href = page.body.match(/<a class="button" href="([^"]+)"/)?.[1];
  expect(href).toMatch(new RegExp(`^${fake.url}/sessions/`));
  return href!.split('/sessions/')[1]!;
}

const { invoiceRow, attemptsOf, notificationCount } = paymentReads(() => t);
const deliver = (e: SignedKomojuEvent, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: '/payments/notify/komoju', headers: { ...e.headers, ...headers }, payload: e.body });

describe('KOMOJU', () => {
  it('card: confirmation offers card, konbini and Pay-easy → hosted page → signed payment.captured → 入金済, once', async () => {
    const { m, invoice, c, no } = await invoiceFor();
    const confirm = (await c.get(`/billing/${no}/pay`)).body;
    for (const method of ['card', 'konbini', 'payeasy']) expect(confirm).toContain(`value="${method}"`);
    const ref = await startPay(c, no, 'card');
    const [attempt] = await attemptsOf(invoice.id);
    expect(attempt).toMatchObject({ status: 'at_gateway', gateway: 'komoju', gateway_ref: ref });
    expect(fake.sessions.get(ref)).toMatchObject({ amount: 30000, currency: 'JPY', payment_types: ['credit_card'], return_url: `http://koushin.test/billing/${no}/return` });
    expect(fake.createKeys().at(-1)).toBe(attempt!.idempotency_key);

    const captured = fake.payByCard(ref);
    expect((await deliver(captured)).statusCode).toBe(200);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid_method: 'card' });
    await t.mail.waitFor(m.email, '入金を確認しました');
    const before = await notificationCount();
    expect((await deliver(captured)).statusCode).toBe(200);
    expect(await notificationCount()).toBe(before);
    expect((await attemptsOf(invoice.id)).map((a) => [a.status, a.overpayment])).toEqual([['settled', false]]);
  });

  it('konbini at Seven-Eleven: the 払込票番号 shows on the invoice; payment.captured settles', async () => {
    const { invoice, c, no } = await invoiceFor();
    const ref = await startPay(c, no, 'konbini');
    expect(fake.sessions.get(ref)!.payment_types).toEqual(['konbini']);
    expect((await deliver(fake.issueNumbers(ref, 'seven-eleven'))).statusCode).toBe(200);
    const [attempt] = await attemptsOf(invoice.id);
    expect(attempt).toMatchObject({ status: 'awaiting_payment', instructions: { chain: 'seven', slipNumber: expect.stringMatching(/^\d{13}$/) } });
    const page = textOf((await c.get(`/billing/${no}`)).body);
    expect(page).toContain('セブン-イレブン');
    expect(page).toContain(`払込票番号 ${attempt!.instructions!.slipNumber}`);
    expect(page).toContain('2026/11/30');
    expect((await deliver(fake.capture(ref))).statusCode).toBe(200);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid_method: 'konbini' });
  });

  it('Pay-easy (the annual fee): numbers asked at the return page, then settled by webhook', async () => {
    const { invoice, c, no } = await invoiceFor('annual_fee');
    expect(textOf((await c.get(`/billing/${no}`)).body)).toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
    const ref = await startPay(c, no, 'payeasy');
    const authorized = fake.issueNumbers(ref); // its webhook is late
    const ret = textOf((await c.get(`/billing/${no}/return`)).body);
    expect(ret).toContain('収納機関番号 58191');
    expect(ret).toContain('お客様番号');
    expect(ret).toContain('確認番号');
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('awaiting_payment');
    expect((await deliver(authorized)).statusCode).toBe(200);
    expect((await deliver(fake.capture(ref))).statusCode).toBe(200);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid_method: 'payeasy' });
  });

  it('refuses a bad or missing X-Komoju-Signature with 400 and changes nothing; a ping is ignored', async () => {
    const { invoice, c, no } = await invoiceFor();
    const ref = await startPay(c, no, 'card');
    const captured = fake.payByCard(ref);
    const before = await notificationCount();
    expect((await deliver(captured, { 'x-komoju-signature': 'a'.repeat(64) })).statusCode).toBe(400);
    expect((await deliver({ ...captured, body: captured.body.replace('captured', 'cancelled') })).statusCode).toBe(400);
    expect((await deliver(fake.event('payment.captured', fake.sessions.get(ref)!, 'another-secret'))).statusCode).toBe(400);
    const { 'x-komoju-signature': _sig, ...unsigned } = captured.headers;
    expect((await t.app.inject({ method: 'POST', url: '/payments/notify/komoju', headers: unsigned, payload: captured.body })).statusCode).toBe(400);
    expect(await notificationCount()).toBe(before);
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    const ping = JSON.stringify({ id: 'ping-1', type: 'ping', resource: 'event', data: {} });
    const res = await t.app.inject({ method: 'POST', url: '/payments/notify/komoju', headers: { 'content-type': 'application/json', 'x-komoju-signature': KomojuGateway.sign(WEBHOOK_SECRET, ping) }, payload: ping });
    expect(res.json()).toMatchObject({ ok: true, result: 'ignored' });
  });

  it('a crash between the gateway call and our commit: the retry sends the same key and gets the same session', async () => {
    const { invoice, c, no } = await invoiceFor();
    await c.get(`/billing/${no}/pay`);
    const token = c.csrfToken();
    const before = fake.sessions.size;
    fake.failNextCreate = true;
    expect((await c.post(`/billing/${no}/pay`, { method: 'konbini' }, { csrf: token })).statusCode).toBe(500);
    const [created] = await attemptsOf(invoice.id);
    expect(created).toMatchObject({ status: 'created', gateway_ref: null });
    expect((await c.post(`/billing/${no}/pay`, { method: 'konbini' }, { csrf: token })).headers.location).toBe(`/billing/${no}/pay/gateway`);
    expect(fake.sessions.size).toBe(before + 1);
    expect(fake.createKeys().slice(-2)).toEqual([created!.idempotency_key, created!.idempotency_key]);
    expect(await attemptsOf(invoice.id)).toHaveLength(1);
  });

  it('reconciliation finds numbers that expired unpaid while the webhook was lost → the hold ends', async () => {
    const { invoice, c, no } = await invoiceFor();
    const ref = await startPay(c, no, 'konbini');
    await deliver(fake.issueNumbers(ref, 'lawson'));
    expect((await attemptsOf(invoice.id))[0]!.instructions).toMatchObject({ chain: 'lawson', receiptNumber: expect.stringMatching(/^\d{6}$/), confirmationNumber: expect.stringMatching(/^\d{4}$/) });
    fake.expirePayment(ref); // payment.expired never arrives
    await t.services.payments.reconcile();
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('expired');
    expect((await invoiceRow(invoice.id)).status).toBe('unpaid');
  });
});
