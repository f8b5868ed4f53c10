import crypto from 'node:crypto';
import Stripe from 'stripe';
import { type FakeRequest, type FakeResponse, ProviderFake } from './http';

export const FAKE_STRIPE_KEY = 'sk_test_koushin';
const id = (prefix: string) => `${prefix}_test_${crypto.randomBytes(12).toString('hex')}`;
const digits = (n: number) => Array.from({ length: n }, () => crypto.randomInt(10)).join('');

interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: 'jpy';
  status: 'requires_payment_method' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';
  payment_method_types: string[];
  next_action: null | { type: 'konbini_display_details'; konbini_display_details: { expires_at: number; hosted_voucher_url: string; stores: Record<string, { confirmation_number: string | null; payment_code: string }> } };
}

interface FakeSession {
  id: string;
  object: 'checkout.session';
  mode: 'payment';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid';
  amount_total: number;
  currency: 'jpy';
  allowed_payment_method_types: string[];
  payment_method_types: string[];
  success_url: string;
  expires_at: number;
  metadata: Record<string, string>;
  url: string | null;
  payment_intent: string | null;
  konbini_days: number;
}

export interface SignedStripeEvent {
  body: string;
  headers: { 'content-type': string; 'stripe-signature': string };
}

/**
 * A local fake of the Stripe endpoints the adapter calls (Checkout Sessions create / retrieve / expire,
 * PaymentIntents cancel), honouring Idempotency-Key, and signed webhooks made with the SDK's own test
 * header. Test-only. It does not validate parameters the way Stripe does, nor run the hosted page.
 */
export class FakeStripe extends ProviderFake {
  readonly sessions = new Map<string, FakeSession>();
  readonly intents = new Map<string, FakeIntent>();
  private stripe = new Stripe('sk_test_fake');

  constructor(private opts: { webhookSecret: string; now: () => Date }) {
    super();
  }

  private expanded(s: FakeSession, expand: boolean) {
    const { konbini_days: _days, ...rest } = s;
    return { ...rest, payment_intent: expand && s.payment_intent ? this.intents.get(s.payment_intent) : s.payment_intent };
  }

  private notFound(what: string): FakeResponse {
    return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}` } } };
  }

  protected async handle(req: FakeRequest): Promise<FakeResponse> {
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    this.requests.push({ method: req.method, path: req.path, idempotencyKey: key });
    if (req.path.startsWith('/pay/')) return { status: 200, body: '<!doctype html><title>Fake Stripe Checkout</title><h1>Fake Stripe Checkout</h1>' };
    if (req.headers.authorization !== `Bearer ${FAKE_STRIPE_KEY}`) return { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key' } } };
    const form = new URLSearchParams(req.body);
    let m: RegExpMatchArray | null;
    if (req.method === 'POST' && req.path === '/v1/checkout/sessions') {
      const existing = key ? this.byKey.get(key) : undefined;
      if (existing) return { status: 200, body: this.expanded(this.sessions.get(existing)!, false) };
      const s: FakeSession = {
        id: id('cs'), object: 'checkout.session', mode: 'payment', status: 'open', payment_status: 'unpaid', currency: 'jpy',
        amount_total: Number(form.get('line_items[0][price_data][unit_amount]')), allowed_payment_method_types: [form.get('allowed_payment_method_types[0]') ?? 'card'],
        payment_method_types: [form.get('allowed_payment_method_types[0]') ?? 'card'], success_url: form.get('success_url') ?? '', expires_at: Number(form.get('expires_at')),
        metadata: { idempotency_key: form.get('metadata[idempotency_key]') ?? '' }, url: null, payment_intent: null,
        konbini_days: Number(form.get('payment_method_options[konbini][expires_after_days]') ?? 3),
      };
      s.url = `${this.url}/pay/${s.id}`;
      this.sessions.set(s.id, s);
      if (key) this.byKey.set(key, s.id);
      await this.created();
      if (this.failNextCreate) {
        this.failNextCreate = false;
        return { status: 500, body: { error: { type: 'api_error', message: 'fake: lost response' } }, headers: { 'stripe-should-retry': 'false' } };
      }
      return { status: 200, body: this.expanded(s, false) };
    }
    if ((m = req.path.match(/^\/v1\/checkout\/sessions\/([^/]+)$/)) && req.method === 'GET') {
      const s = this.sessions.get(m[1]!);
      return s ? { status: 200, body: this.expanded(s, req.query.getAll('expand[0]').includes('payment_intent') || req.query.getAll('expand[]').includes('payment_intent')) } : this.notFound('checkout.session');
    }
    if ((m = req.path.match(/^\/v1\/checkout\/sessions\/([^/]+)\/expire$/)) && req.method === 'POST') {
      const s = this.sessions.get(m[1]!);
      if (!s) return this.notFound('checkout.session');
      if (s.status !== 'open') return { status: 400, body: { error: { type: 'invalid_request_error', message: 'Only open sessions can be expired' } } };
      s.status = 'expired';
      s.url = null;
      return { status: 200, body: this.expanded(s, false) };
    }
    if ((m = req.path.match(/^\/v1\/payment_intents\/([^/]+)\/cancel$/)) && req.method === 'POST') {
      const pi = this.intents.get(m[1]!);
      if (!pi) return this.notFound('payment_intent');
      pi.status = 'canceled';
      pi.next_action = null;
      return { status: 200, body: pi };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `fake: no route ${req.method} ${req.path}` } } };
  }

  /** The Idempotency-Keys of the session creates, in order. */
  createKeys(): (string | undefined)[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions').map((r) => r.idempotencyKey);
  }

  private intent(s: FakeSession, status: FakeIntent['status']): FakeIntent {
    const pi: FakeIntent = { id: id('pi'), object: 'payment_intent', amount: s.amount_total, currency: 'jpy', status, payment_method_types: s.payment_method_types, next_action: null };
    this.intents.set(pi.id, pi);
    s.payment_intent = pi.id;
    return pi;
  }

  /** A signed webhook about a session, as Stripe would POST it (signature by the SDK's test helper). */
  event(type: string, s: FakeSession, opts: { timestamp?: number } = {}): SignedStripeEvent {
    const now = this.opts.now();
    const body = JSON.stringify({ id: id('evt'), object: 'event', api_version: '2026-10-28.endive', created: Math.floor(now.getTime() / 1000), livemode: false, type, data: { object: this.expanded(s, false) } });
    const header = this.stripe.webhooks.generateTestHeaderString({ payload: body, secret: this.opts.webhookSecret, timestamp: opts.timestamp ?? Math.floor(now.getTime() / 1000) });
    return { body, headers: { 'content-type': 'application/json', 'stripe-signature': header } };
  }

  private open(ref: string): FakeSession {
    const s = this.sessions.get(ref);
    if (!s || s.status !== 'open') throw new Error(`fake stripe: session ${ref} is not open`);
    return s;
  }

  /** The member pays by card on the hosted page. */
  payByCard(ref: string): SignedStripeEvent {
    const s = this.open(ref);
    this.intent(s, 'succeeded');
    s.status = 'complete';
    s.payment_status = 'paid';
    s.url = null;
    return this.event('checkout.session.completed', s);
  }

  /** The member chooses konbini on the hosted page: the voucher (a number per chain) is issued. */
  issueKonbini(ref: string): SignedStripeEvent {
    const s = this.open(ref);
    const pi = this.intent(s, 'requires_action');
    const deadline = Math.floor(this.opts.now().getTime() / 1000) + s.konbini_days * 86_400;
    const store = () => ({ confirmation_number: digits(11), payment_code: digits(6) });
    pi.next_action = { type: 'konbini_display_details', konbini_display_details: { expires_at: deadline, hosted_voucher_url: `${this.url}/voucher/${pi.id}`, stores: { familymart: store(), lawson: store(), ministop: store(), seicomart: store() } } };
    s.status = 'complete';
    s.url = null;
    return this.event('checkout.session.completed', s);
  }

  /** The member pays the voucher at a store. */
  payKonbini(ref: string): SignedStripeEvent {
    const s = this.sessions.get(ref)!;
    const pi = this.intents.get(s.payment_intent!)!;
    pi.status = 'succeeded';
    pi.next_action = null;
    s.payment_status = 'paid';
    return this.event('checkout.session.async_payment_succeeded', s);
  }

  /** The hosted page was left unfinished until Stripe expired it. */
  expire(ref: string): SignedStripeEvent {
    const s = this.open(ref);
    s.status = 'expired';
    s.url = null;
    return this.event('checkout.session.expired', s);
  }
}
