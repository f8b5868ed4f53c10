import crypto from 'node:crypto';
import { KomojuGateway, type KomojuPayment, type KomojuSession } from '../komoju-gateway';
import { type FakeRequest, type FakeResponse, ProviderFake } from './http';

export const FAKE_KOMOJU_KEY = 'sk_test_koushin_komoju';
const id = () => crypto.randomBytes(13).toString('hex').slice(0, 25);
const digits = (n: number) => Array.from({ length: n }, () => crypto.randomInt(10)).join('');

interface FakeKomojuSession extends KomojuSession {
  amount: number;
  currency: string;
  return_url: string;
  payment_types: string[];
  expires_at: string;
  payment_data: { external_order_num?: string };
}

export interface SignedKomojuEvent {
  body: string;
  headers: { 'content-type': string; 'x-komoju-signature': string; 'x-komoju-event': string; 'x-komoju-id': string };
}

/**
 * A local fake of the KOMOJU endpoints the adapter calls (sessions create / show / cancel, payments
 * cancel), honouring X-KOMOJU-IDEMPOTENCY, and HMAC-signed webhooks. Test-only: no validation beyond
 * the key, no hosted page, no refunds.
 */
export class FakeKomoju extends ProviderFake {
  readonly sessions = new Map<string, FakeKomojuSession>();

  constructor(private opts: { webhookSecret: string; now: () => Date }) {
    super();
  }

  protected async handle(req: FakeRequest): Promise<FakeResponse> {
    const key = typeof req.headers['x-komoju-idempotency'] === 'string' ? req.headers['x-komoju-idempotency'] : undefined;
    this.requests.push({ method: req.method, path: req.path, idempotencyKey: key });
    if (req.path.startsWith('/sessions/')) return { status: 200, body: '<!doctype html><title>Fake KOMOJU</title><h1>Fake KOMOJU</h1>' };
    if (req.headers.authorization !== `Basic ${Buffer.from(`${FAKE_KOMOJU_KEY}:`).toString('base64')}`) return { status: 401, body: { error: { code: 'unauthorized' } } };
    const notFound = { status: 404, body: { error: { code: 'not_found' } } };
    let m: RegExpMatchArray | null;
    if (req.method === 'POST' && req.path === '/api/v1/sessions') {
      const existing = key ? this.byKey.get(key) : undefined;
      if (existing) return { status: 200, body: this.sessions.get(existing) };
      const b = JSON.parse(req.body) as { amount: number; currency: string; return_url: string; payment_types: string[]; expires_in_seconds: number; payment_data: { external_order_num?: string } };
      const sid = id();
      const s: FakeKomojuSession = {
        id: sid, status: 'pending', session_url: `${this.url}/sessions/${sid}`, payment: null, amount: b.amount, currency: b.currency, return_url: b.return_url,
        payment_types: b.payment_types, payment_data: b.payment_data, expires_at: new Date(this.opts.now().getTime() + b.expires_in_seconds * 1000).toISOString(),
      };
      this.sessions.set(sid, s);
      if (key) this.byKey.set(key, sid);
      await this.created();
      if (this.failNextCreate) {
        this.failNextCreate = false;
        return { status: 500, body: { error: { code: 'internal_server_error' } } };
      }
      return { status: 200, body: s };
    }
    if ((m = req.path.match(/^\/api\/v1\/sessions\/([^/]+)$/)) && req.method === 'GET') {
      const s = this.sessions.get(m[1]!);
      return s ? { status: 200, body: s } : notFound;
    }
    if ((m = req.path.match(/^\/api\/v1\/sessions\/([^/]+)\/cancel$/)) && req.method === 'POST') {
      const s = this.sessions.get(m[1]!);
      if (!s) return notFound;
      if (s.status === 'pending') s.status = 'cancelled';
      return { status: 200, body: s };
    }
    if ((m = req.path.match(/^\/api\/v1\/payments\/([^/]+)\/cancel$/)) && req.method === 'POST') {
      const s = [...this.sessions.values()].find((x) => x.payment?.id === m![1]);
      if (!s) return notFound;
      s.payment!.status = 'cancelled';
      return { status: 200, body: s.payment };
    }
    return notFound;
  }

  /** The Idempotency keys of the session creates, in order. */
  createKeys(): (string | undefined)[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/sessions').map((r) => r.idempotencyKey);
  }

  /** A signed webhook about a session's payment, as KOMOJU would POST it. */
  event(type: string, s: FakeKomojuSession, signWith = this.opts.webhookSecret): SignedKomojuEvent {
    const eventId = id();
    const body = JSON.stringify({ id: eventId, type, resource: 'event', data: { ...s.payment, session: s.id }, created_at: this.opts.now().toISOString() });
    return { body, headers: { 'content-type': 'application/json', 'x-komoju-signature': KomojuGateway.sign(signWith, body), 'x-komoju-event': type, 'x-komoju-id': eventId } };
  }

  private pending(ref: string): FakeKomojuSession {
    const s = this.sessions.get(ref);
    if (!s || s.status !== 'pending') throw new Error(`fake komoju: session ${ref} is not pending`);
    return s;
  }

  private pay(s: FakeKomojuSession, status: KomojuPayment['status'], details: KomojuPayment['payment_details'], deadline?: string): void {
    s.status = 'completed';
    s.payment = { id: id(), status, session: s.id, payment_deadline: deadline ?? null, payment_details: details };
  }

  payByCard(ref: string): SignedKomojuEvent {
    const s = this.pending(ref);
    this.pay(s, 'captured', { type: 'credit_card' });
    return this.event('payment.captured', s);
  }

  /** The member picks a store (or Pay-easy) on the hosted page: the numbers are issued (`authorized`). */
  issueNumbers(ref: string, store?: 'seven-eleven' | 'lawson' | 'family-mart' | 'ministop' | 'seicomart'): SignedKomojuEvent {
    const s = this.pending(ref);
    const deadline = new Date(this.opts.now().getTime() + 7 * 86_400_000).toISOString();
    const url = `${this.url}/instructions/${s.id}`;
    if (s.payment_types[0] === 'pay_easy') this.pay(s, 'authorized', { type: 'pay_easy', bank_id: '58191', customer_id: digits(12), confirmation_id: digits(6), instructions_url: url }, deadline);
    else this.pay(s, 'authorized', { type: 'konbini', store: store ?? 'seven-eleven', receipt: digits(store === 'seven-eleven' || !store ? 13 : 6), confirmation_code: store === 'seven-eleven' || !store ? null : digits(4), instructions_url: url }, deadline);
    return this.event('payment.authorized', s);
  }

  /** The store or bank took the money. */
  capture(ref: string): SignedKomojuEvent {
    const s = this.sessions.get(ref)!;
    s.payment!.status = 'captured';
    return this.event('payment.captured', s);
  }

  /** The numbers' deadline passed unpaid. */
  expirePayment(ref: string): SignedKomojuEvent {
    const s = this.sessions.get(ref)!;
    s.payment!.status = 'expired';
    return this.event('payment.expired', s);
  }
}
