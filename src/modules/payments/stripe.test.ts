import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEE_TYPES } from '../../seed/billing';
import { createTestApp, type TestApp } from '../../test/app';
import { billedMember, paymentReads } from '../../test/billing';
import { type TestClient, textOf } from '../../test/client';
import { jobsIdle } from '../../test/jobs-idle';
import { signInMember } from '../../test/sign-in';
import { FAKE_STRIPE_KEY, FakeStripe, type SignedStripeEvent } from './fakes/fake-stripe';

const WEBHOOK_SECRET = 'whsec_koushin_test_secret';
let t: TestApp;
let fake: FakeStripe;
let seq = 195000;

beforeAll(async () => {
  fake = await new FakeStripe({ webhookSecret: WEBHOOK_SECRET, now: () => t.clock.now() }).start();
  t = await createTestApp({ PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: FAKE_STRIPE_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: fake.url });
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const invoiceFor = (feeType: 'renewal_fee' | 'annual_fee' = 'renewal_fee') => billedMember(t, { memberNumber: String(++seq), feeType });

/** Confirmation → 決済を申し込む → our link page → the link to Stripe's (fake) hosted page. */
async function startPay(c: TestClient, no: string, method: string) {
  expect((await c.get(`/billing/${no}/pay`)).statusCode).toBe(200);
  const res = await c.post(`/billing/${no}/pay`, { method });
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe(`/billing/${no}/pay/gateway`);
  const page = await c.get(res.headers.location as string);
  expect(page.statusCode).toBe(200);
  const href = page.body.match(/<a class="button" href="([^"]+)"/)?.[1];
  expect(href).toMatch(new RegExp(`^${fake.url}/pay/cs_test_`));
  return { page, ref: href!.split('/pay/')[1]! };
}

const { invoiceRow, attemptsOf, notificationCount } = paymentReads(() => t);
const deliver = (e: SignedStripeEvent, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: '/payments/notify/stripe', headers: { ...e.headers, ...headers }, payload: e.body });

describe('Stripe: card through Checkout', () => {
  it('confirmation offers card and konbini only → link page to the hosted page → signed webhook → 入金済, once', async () => {
    const { m, invoice, c, no } = await invoiceFor();
    expect(textOf((await c.get(`/billing/${no}`)).body)).toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
    const confirm = await c.get(`/billing/${no}/pay`);
    expect(confirm.body).toContain('value="card"');
    expect(confirm.body).toContain('value="konbini"');
    expect(confirm.body).not.toContain('value="payeasy"');
    expect(textOf(confirm.body)).toContain('お支払い方法 クレジットカード コンビニ 上記情報を送信して、決済を申し込む');

    const { page, ref } = await startPay(c, no, 'card');
    expect(textOf(page.body)).toContain('決済代行会社（Stripe）のページ');
    // The form's redirect stays on our origin; the member follows a link to Stripe (form-action 'self' is kept).
    expect(page.headers['content-security-policy']).toContain("form-action 'self';");
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    const [attempt] = await attemptsOf(invoice.id);
    expect(attempt).toMatchObject({ status: 'at_gateway', gateway: 'stripe', gateway_ref: ref, method: 'card' });
    expect(fake.sessions.get(ref)).toMatchObject({ amount_total: 30000, allowed_payment_method_types: ['card'], success_url: `http://koushin.test/billing/${no}/return` });
    expect(fake.createKeys().at(-1)).toBe(attempt!.idempotency_key);
    // Clicking 「お支払いへ」 again resumes the same session.
    expect((await c.get(`/billing/${no}/pay`)).headers.location).toBe(`/billing/${no}/pay/gateway`);

    const paid = fake.payByCard(ref);
    // Paid at Stripe, its webhook not here yet: the hosted page is gone, so the member is sent to the return page.
    expect((await c.get(`/billing/${no}/pay/gateway`)).headers.location).toBe(`/billing/${no}/return`);
    expect(textOf((await c.get(`/billing/${no}/return`)).body)).not.toContain('お支払いが確定しました');
    expect((await deliver(paid)).statusCode).toBe(200);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid_method: 'card', paid_reference: ref });
    expect(textOf((await c.get(`/billing/${no}/return`)).body)).toContain('お支払いが確定しました');
    await t.mail.waitFor(m.email, '入金を確認しました');

    const before = await notificationCount();
    expect((await deliver(paid)).statusCode).toBe(200);
    expect(await notificationCount()).toBe(before);
    expect((await attemptsOf(invoice.id)).map((a) => [a.status, a.overpayment])).toEqual([['settled', false]]);
    await jobsIdle(t);
    expect(t.mail.count(m.email, '入金を確認しました')).toBe(1);
  });

  it('refuses a bad signature, another secret or a stale timestamp with 400 and changes nothing', async () => {
    const { invoice, c, no } = await invoiceFor();
    const { ref } = await startPay(c, no, 'card');
    const paid = fake.payByCard(ref);
    const before = await notificationCount();
    expect((await deliver({ ...paid, body: paid.body.replace('"paid"', '"paid" ') })).statusCode).toBe(400);
    expect((await deliver(paid, { 'stripe-signature': paid.headers['stripe-signature'].replace(/v1=[0-9a-f]{4}/, 'v1=0000') })).statusCode).toBe(400);
    expect((await deliver(paid, { 'stripe-signature': '' })).statusCode).toBe(400);
    const forged = new FakeStripe({ webhookSecret: 'whsec_someone_else', now: () => t.clock.now() }).event('checkout.session.completed', fake.sessions.get(ref)!);
    expect((await deliver(forged)).statusCode).toBe(400);
    const stale = fake.event('checkout.session.completed', fake.sessions.get(ref)!, { timestamp: Math.floor(t.clock.now().getTime() / 1000) - 600 });
    expect((await deliver(stale)).statusCode).toBe(400);
    expect(await notificationCount()).toBe(before);
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('at_gateway');
    // The genuine one still counts.
    expect((await deliver(paid)).statusCode).toBe(200);
    expect((await invoiceRow(invoice.id)).status).toBe('paid');
  });

  it('a crash between the gateway call and our commit: the retry sends the same key and gets the same session', async () => {
    const { invoice, c, no } = await invoiceFor();
    await c.get(`/billing/${no}/pay`);
    const token = c.csrfToken();
    const sessionsBefore = fake.sessions.size;
    fake.failNextCreate = true;
    expect((await c.post(`/billing/${no}/pay`, { method: 'card' }, { csrf: token })).statusCode).toBe(500);
    const [created] = await attemptsOf(invoice.id);
    expect(created).toMatchObject({ status: 'created', gateway_ref: null });
    const retry = await c.post(`/billing/${no}/pay`, { method: 'card' }, { csrf: token });
    expect(retry.headers.location).toBe(`/billing/${no}/pay/gateway`);
    expect(fake.sessions.size).toBe(sessionsBefore + 1);
    expect(fake.createKeys().slice(-2)).toEqual([created!.idempotency_key, created!.idempotency_key]);
    const attempts = await attemptsOf(invoice.id);
    expect(attempts).toHaveLength(1);
    expect(fake.sessions.get(attempts[0]!.gateway_ref!)?.metadata.idempotency_key).toBe(created!.idempotency_key);
  });
});

describe('Stripe: konbini', () => {
  it('the voucher’s numbers per chain show on the invoice (asked at return, or by webhook); the store payment settles', async () => {
    const { invoice, c, no } = await invoiceFor();
    const { ref } = await startPay(c, no, 'konbini');
    expect(fake.sessions.get(ref)).toMatchObject({ allowed_payment_method_types: ['konbini'], konbini_days: 7 });
    const completed = fake.issueKonbini(ref);
    // The member comes back before the webhook: the return page asks Stripe and shows the numbers.
    const ret = textOf((await c.get(`/billing/${no}/return`)).body);
    expect(ret).toContain('お支払い手続きの処理中');
    for (const chain of ['ファミリーマート', 'ローソン', 'ミニストップ', 'セイコーマート']) expect(ret).toContain(chain);
    const [attempt] = await attemptsOf(invoice.id);
    expect(attempt!.status).toBe('awaiting_payment');
    const stores = attempt!.instructions!.stores!;
    expect(stores.map((s) => s.chain)).toEqual(['familymart', 'lawson', 'ministop', 'seicomart']);
    expect(ret).toContain(stores[0]!.paymentCode);
    expect(ret).toContain(stores[0]!.confirmationNumber!);
    expect(ret).toContain('2026/11/30');
    expect((await c.get(`/billing/${no}`)).body).toContain(`href="${fake.url}/voucher/`);

    // The late checkout.session.completed changes nothing; the store's payment settles.
    expect((await deliver(completed)).statusCode).toBe(200);
    expect((await invoiceRow(invoice.id)).status).toBe('processing');
    expect((await deliver(fake.payKonbini(ref))).statusCode).toBe(200);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid_method: 'konbini' });
  });

  it('numbers by webhook first; an unknown event type is answered 200 and not stored', async () => {
    const { invoice, c, no } = await invoiceFor();
    const { ref } = await startPay(c, no, 'konbini');
    expect((await deliver(fake.issueKonbini(ref))).statusCode).toBe(200);
    expect((await attemptsOf(invoice.id))[0]).toMatchObject({ status: 'awaiting_payment', instructions: expect.objectContaining({ stores: expect.any(Array) }) });
    expect(textOf((await c.get(`/billing/${no}`)).body)).toContain('セイコーマート');
    const before = await notificationCount();
    const other = fake.event('payment_intent.created', fake.sessions.get(ref)!);
    const res = await deliver(other);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ result: 'ignored' });
    expect(await notificationCount()).toBe(before);
  });

  it('when the hold runs out the voucher is cancelled at Stripe and the invoice is 未納 again', async () => {
    const { m, invoice, c, no } = await invoiceFor();
    const { ref } = await startPay(c, no, 'konbini');
    await deliver(fake.issueKonbini(ref));
    t.clock.advance(10 * 86_400_000);
    try {
      const again = await signInMember(t, m.member_number);
      expect(textOf((await again.get(`/billing/${no}`)).body)).toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
      expect((await attemptsOf(invoice.id))[0]!.status).toBe('expired');
      expect(fake.intents.get(fake.sessions.get(ref)!.payment_intent!)!.status).toBe('canceled');
      expect((await invoiceRow(invoice.id)).status).toBe('unpaid');
    } finally {
      t.clock.advance(-10 * 86_400_000);
    }
  });
});

describe('Stripe: what the UI offers, reconciliation', () => {
  it('an annual fee (Pay-easy or slip only) shows no online payment under Stripe', async () => {
    const { c, no } = await invoiceFor('annual_fee');
    const page = textOf((await c.get(`/billing/${no}`)).body);
    expect(page).not.toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
    expect(page).toContain('払込票');
    expect((await c.get(`/billing/${no}/pay`)).statusCode).toBe(409);
  });

  it('finds a session whose webhook was lost: expired at Stripe → the hold ends', async () => {
    const { invoice, c, no } = await invoiceFor();
    const { ref } = await startPay(c, no, 'card');
    fake.expire(ref); // its checkout.session.expired never arrives
    expect(await t.services.payments.reconcile()).toBeGreaterThanOrEqual(1);
    expect((await attemptsOf(invoice.id))[0]!.status).toBe('expired');
    expect((await invoiceRow(invoice.id)).status).toBe('unpaid');
    expect(textOf((await c.get(`/billing/${no}`)).body)).toContain('クレジットカード/コンビニ/ペイジーでのお支払い');
  });
});
