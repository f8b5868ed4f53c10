import Stripe from 'stripe';
import type { Clock } from '../../platform/clock';
import type { KonbiniChainCode, OnlineMethod, PaymentInstructions } from '../../platform/db/schema';
import { BadNotification, type Gateway, type GatewayEvent, type GatewayState } from './gateway';

const DAY = 86_400_000;
/** Stripe's Checkout page lives at most 24 hours; a little less, so its clock and ours never disagree. */
const MAX_CHECKOUT_MS = DAY - 5 * 60_000;
const TOLERANCE_SECONDS = 300;
const STORES = ['familymart', 'lawson', 'ministop', 'seicomart'] as const;

export interface StripeGatewayOptions {
  secretKey: string;
  webhookSecret: string;
  /** Absolute base of our own site, for Checkout's success and cancel URLs. */
  baseUrl: string;
  clock: Clock;
  /** Another API origin (the local fake in tests): parsed into the SDK's host, port and protocol. */
  apiBase?: string;
}

/** The SDK's host / port / protocol options for an API origin such as `http://127.0.0.1:4010`. */
export function stripeEndpoint(apiBase: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

/** Stripe's konbini voucher: one payment code (and confirmation number) per chain, and its deadline. */
export function konbiniInstructions(pi: Stripe.PaymentIntent): { instructions: PaymentInstructions; expiresAt?: string } | undefined {
  const d = pi.next_action?.konbini_display_details;
  if (!d) return undefined;
  const stores: NonNullable<PaymentInstructions['stores']> = [];
  for (const chain of STORES) {
    const s = d.stores?.[chain];
    if (s?.payment_code) stores.push({ chain: chain as KonbiniChainCode, paymentCode: s.payment_code, ...(s.confirmation_number ? { confirmationNumber: s.confirmation_number } : {}) });
  }
  return {
    instructions: { stores, ...(d.hosted_voucher_url ? { instructionsUrl: d.hosted_voucher_url } : {}) },
    expiresAt: d.expires_at ? new Date(d.expires_at * 1000).toISOString() : undefined,
  };
}

/**
 * Stripe through the official SDK, with Checkout Sessions (decisions/0012): card and konbini (FamilyMart,
 * Lawson, Ministop, Seicomart) on Stripe's hosted page; no Pay-easy. Our ref is the Checkout Session id.
 * Webhooks are verified with the SDK (raw body, `stripe-signature`, ±5 minutes by our clock).
 */
export class StripeGateway implements Gateway {
  readonly name = 'stripe';
  readonly methods = ['card', 'konbini'] as const;
  private stripe: Stripe;

  constructor(private opts: StripeGatewayOptions) {
    this.stripe = new Stripe(opts.secretKey, { maxNetworkRetries: 2, timeout: 20_000, telemetry: false, ...stripeEndpoint(opts.apiBase) });
  }

  async createAttempt(input: { idempotencyKey: string; method: OnlineMethod; amount: number; description: string; returnUrl: string; expiresAt: Date }): Promise<{ ref: string }> {
    if (input.method === 'payeasy') throw new Error('stripe: Pay-easy is not offered');
    const now = this.opts.clock.now().getTime();
    const back = `${this.opts.baseUrl}${input.returnUrl}`;
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        allowed_payment_method_types: [input.method],
        line_items: [{ quantity: 1, price_data: { currency: 'jpy', unit_amount: input.amount, product_data: { name: input.description } } }],
        success_url: back,
        cancel_url: back,
        locale: 'ja',
        expires_at: Math.floor(Math.min(input.expiresAt.getTime(), now + MAX_CHECKOUT_MS) / 1000),
        metadata: { idempotency_key: input.idempotencyKey },
        ...(input.method === 'konbini'
          ? { payment_method_options: { konbini: { expires_after_days: Math.min(60, Math.max(1, Math.floor((input.expiresAt.getTime() - now) / DAY))) } } }
          : {}),
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return { ref: session.id };
  }

  async hostedPageUrl(ref: string): Promise<string> {
    const session = await this.stripe.checkout.sessions.retrieve(ref);
    if (!session.url) throw new Error('stripe: the Checkout Session has no page (completed or expired)');
    return session.url;
  }

  private retrieve(ref: string): Promise<Stripe.Checkout.Session> {
    return this.stripe.checkout.sessions.retrieve(ref, { expand: ['payment_intent'] });
  }

  async queryStatus(ref: string): Promise<{ state: GatewayState; instructions?: PaymentInstructions; expiresAt?: string }> {
    let session: Stripe.Checkout.Session;
    try {
      session = await this.retrieve(ref);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404) return { state: 'unknown' };
      throw err;
    }
    if (session.status === 'open') return { state: 'open' };
    if (session.status === 'expired') return { state: 'expired' };
    if (session.payment_status === 'paid') return { state: 'settled' };
    const pi = typeof session.payment_intent === 'object' ? session.payment_intent : null;
    if (!pi) return { state: 'unknown' };
    if (pi.status === 'succeeded') return { state: 'settled' };
    if (pi.status === 'canceled') return { state: 'expired' };
    const konbini = konbiniInstructions(pi);
    if (pi.status === 'requires_action' && konbini) return { state: 'awaiting_payment', ...konbini };
    return { state: 'unknown' };
  }

  async cancel(ref: string): Promise<void> {
    const session = await this.retrieve(ref);
    if (session.status === 'open') {
      await this.stripe.checkout.sessions.expire(ref, {}, { idempotencyKey: `${ref}:expire` });
      return;
    }
    const pi = typeof session.payment_intent === 'object' ? session.payment_intent : null;
    // Konbini numbers already issued: cancelling the PaymentIntent voids them at the stores.
    if (pi && pi.status === 'requires_action') await this.stripe.paymentIntents.cancel(pi.id, {}, { idempotencyKey: `${pi.id}:cancel` });
  }

  async verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<GatewayEvent | null> {
    const signature = headers['stripe-signature'];
    if (typeof signature !== 'string' || !signature) throw new BadNotification('missing signature');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.opts.webhookSecret, TOLERANCE_SECONDS, undefined, this.opts.clock.now().getTime());
    } catch (err) {
      // A fixed reason (it is logged): never the SDK's text, which may quote the header or the payload.
      throw new BadNotification(err instanceof Error && /tolerance/i.test(err.message) ? 'stale timestamp' : 'bad signature');
    }
    if (!event.type.startsWith('checkout.session.')) return null;
    const session = event.data.object as Stripe.Checkout.Session;
    const base = { eventId: event.id, ref: session.id };
    switch (event.type) {
      case 'checkout.session.completed': {
        if (session.payment_status === 'paid') return { ...base, type: 'settled' };
        // Konbini: the voucher is issued; its numbers live on the PaymentIntent, asked for now.
        const q = await this.queryStatus(session.id);
        return q.state === 'awaiting_payment' ? { ...base, type: 'awaiting_payment', instructions: q.instructions, expiresAt: q.expiresAt } : null;
      }
      case 'checkout.session.async_payment_succeeded':
        return { ...base, type: 'settled' };
      case 'checkout.session.async_payment_failed':
        return { ...base, type: 'expired' }; // konbini: the numbers' deadline passed unpaid
      case 'checkout.session.expired':
        return { ...base, type: 'expired' };
      default:
        return null;
    }
  }
}
