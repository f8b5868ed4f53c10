import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test/app';
import { billedMember } from '../../test/billing';
import { TestClient } from '../../test/client';
import { TEST_PASSWORD } from '../../test/factories';
import { answered, type OneConnectionApp, withOneConnectionApp } from '../../test/pool';
import { FEE_TYPES } from '../../seed/billing';

/**
 * Paying on an app whose pool holds one connection (see test/pool.ts): the gateway's notice that issues konbini
 * numbers mails them in its transaction (the member and the fee type were read through the pool inside it), and
 * the 領収書 of the paid invoice (the payer's name, likewise).
 */
let t: TestApp;
let one: OneConnectionApp;
let seq = 176000;

withOneConnectionApp('2026-11-23T10:00:00+09:00', (t) => t.services.billing.seedFeeTypes(FEE_TYPES), (...apps) => ([t, one] = apps));

/** A member billed the renewal fee, signed in on the one-connection app. */
async function billed() {
  const { m, invoice, no } = await billedMember(t, { memberNumber: String(++seq) });
  const c = new TestClient(one.app);
  expect((await answered('login', c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD }))).statusCode).toBe(303);
  return { m, invoice, no, c };
}

async function startPay(c: TestClient, no: string, method: string): Promise<string> {
  await answered('the confirmation', c.get(`/billing/${no}/pay`));
  const res = await answered('決済を申し込む', c.post(`/billing/${no}/pay`, { method }));
  expect(res.statusCode).toBe(303);
  return res.headers.location as string;
}

describe('payments on a pool of one connection', () => {
  it('konbini: the gateway issues the numbers, its signed notice mails them', async () => {
    const { m, no, c } = await billed();
    const gatewayUrl = await startPay(c, no, 'konbini');
    await answered('the gateway page', c.get(gatewayUrl));
    // The sandbox gateway delivers its signed notice to POST /payments/notify/sandbox of the same app.
    expect((await answered('ファミリーマート (the numbers notice)', c.post(gatewayUrl, { chain: 'familymart' }))).statusCode).toBe(303);
    const mail = await t.mail.waitFor(m.email, 'お支払い番号のお知らせ');
    expect(mail.text).toContain('コンビニ: ファミリーマート');
    expect((await answered('the invoice page', c.get(`/billing/${no}`))).statusCode).toBe(200);
  });

  it('card: paid, then the 領収書 downloads', async () => {
    const { invoice, no, c } = await billed();
    const gatewayUrl = await startPay(c, no, 'card');
    await answered('the gateway page', c.get(gatewayUrl));
    expect((await answered('4242', c.post(gatewayUrl, { cardNumber: '4242 4242 4242 4242' }))).statusCode).toBe(303);
    expect((await t.db.selectFrom('invoices').select('status').where('id', '=', invoice.id).executeTakeFirstOrThrow()).status).toBe('paid');
    const receipt = await answered('領収書', c.get(`/billing/${no}/receipt.pdf`));
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers['content-type']).toContain('application/pdf');
  });
});
