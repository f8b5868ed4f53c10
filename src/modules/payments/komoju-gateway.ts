import crypto from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { KonbiniChainCode, OnlineMethod, PaymentInstructions } from '../../platform/db/schema';
import { BadNotification, type Gateway, type GatewayEvent, type GatewayState } from './gateway';

const PAYMENT_TYPES: Record<OnlineMethod, string> = { card: 'credit_card', konbini: 'konbini', payeasy: 'pay_easy' };
const CHAINS: Record<string, KonbiniChainCode> = { 'seven-eleven': 'seven', lawson: 'lawson', ministop: 'ministop', 'family-mart': 'familymart', familymart: 'familymart', seicomart: 'seicomart' };

export interface KomojuGatewayOptions {
  secretKey: string;
  webhookSecret: string;
  /** https://komoju.com, or the local fake in tests. */
  apiBase: string;
  /** Absolute base of our own site, for the session's return URL. */
  baseUrl: string;
  clock: Clock;
  fetch?: typeof fetch;
}

/** The parts of KOMOJU's payment object we read. */
export interface KomojuPayment {
  id: string;
  status: 'pending' | 'authorized' | 'captured' | 'refunded' | 'cancelled' | 'expired' | 'failed';
  session?: string | null;
  payment_deadline?: string | null;
  payment_details?: { type?: string; store?: string; receipt?: string | null; confirmation_code?: string | null; bank_id?: string; customer_id?: string; confirmation_id?: string; instructions_url?: string } | null;
}

export interface KomojuSession {
  id: string;
  status: 'pending' | 'completed' | 'cancelled' | 'expired';
  session_url: string;
  payment?: KomojuPayment | null;
}

export class KomojuApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Konbini and Pay-easy numbers from `payment_details`, in our words. */
export function komojuInstructions(p: KomojuPayment): PaymentInstructions | undefined {
  const d = p.payment_details;
  if (!d) return undefined;
  const url = d.instructions_url ? { instructionsUrl: d.instructions_url } : {};
  if (d.type === 'pay_easy') {
    if (!d.bank_id || !d.customer_id) return undefined;
    return { institutionNumber: d.bank_id, customerNumber: d.customer_id, ...(d.confirmation_id ? { confirmationNumber: d.confirmation_id } : {}), ...url };
  }
  if (d.type === 'konbini' && d.receipt) {
    const chain = d.store ? CHAINS[d.store] : undefined;
    if (chain === 'seven') return { chain, slipNumber: d.receipt, ...url };
    return { ...(chain ? { chain } : {}), receiptNumber: d.receipt, ...(d.confirmation_code ? { confirmationNumber: d.confirmation_code } : {}), ...url };
  }
  return undefined;
}

/** Where a KOMOJU payment stands, in our words (a card payment is `authorized` only on its way to `captured`). */
export function komojuState(p: KomojuPayment): GatewayState {
  switch (p.status) {
    case 'captured':
    case 'refunded':
      return 'settled';
    case 'pending':
    case 'authorized':
      return p.payment_details?.type === 'konbini' || p.payment_details?.type === 'pay_easy' ? (komojuInstructions(p) ? 'awaiting_payment' : 'open') : 'open';
    case 'expired':
      return 'expired';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'failed';
    default:
      return 'unknown';
  }
}

/**
 * KOMOJU over its REST API (decisions/0012): a hosted-page session per attempt (card, konbini including
 * Seven-Eleven, Pay-easy); POSTs carry `X-KOMOJU-IDEMPOTENCY`; webhooks carry `X-Komoju-Signature`, the
 * hex HMAC-SHA256 of the raw body with the webhook secret. Our ref is the session id.
 */
export class KomojuGateway implements Gateway {
  readonly name = 'komoju';
  readonly methods = ['card', 'konbini', 'payeasy'] as const;
  private fetch: typeof fetch;

  constructor(private opts: KomojuGatewayOptions) {
    this.fetch = opts.fetch ?? fetch;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`${this.opts.secretKey}:`).toString('base64')}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['x-komoju-idempotency'] = idempotencyKey;
    const res = await this.fetch(`${this.opts.apiBase}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    if (!res.ok) throw new KomojuApiError(res.status, `komoju: ${method} ${path} answered ${res.status}`);
    return JSON.parse(text) as T;
  }

  async createAttempt(input: { idempotencyKey: string; method: OnlineMethod; amount: number; description: string; returnUrl: string; expiresAt: Date }): Promise<{ ref: string }> {
    const seconds = Math.max(60, Math.floor((input.expiresAt.getTime() - this.opts.clock.now().getTime()) / 1000));
    const session = await this.call<KomojuSession>('POST', '/sessions', {
      amount: input.amount,
      currency: 'JPY',
      return_url: `${this.opts.baseUrl}${input.returnUrl}`,
      default_locale: 'ja',
      payment_types: [PAYMENT_TYPES[input.method]],
      expires_in_seconds: seconds,
      payment_data: { external_order_num: input.idempotencyKey, description: input.description },
    }, input.idempotencyKey);
    return { ref: session.id };
  }

  async hostedPageUrl(ref: string): Promise<string> {
    return (await this.call<KomojuSession>('GET', `/sessions/${encodeURIComponent(ref)}`)).session_url;
  }

  async queryStatus(ref: string): Promise<{ state: GatewayState; instructions?: PaymentInstructions; expiresAt?: string }> {
    let session: KomojuSession;
    try {
      session = await this.call<KomojuSession>('GET', `/sessions/${encodeURIComponent(ref)}`);
    } catch (err) {
      if (err instanceof KomojuApiError && err.status === 404) return { state: 'unknown' };
      throw err;
    }
    if (session.status === 'cancelled') return { state: 'cancelled' };
    if (session.status === 'expired') return { state: 'expired' };
    if (session.status === 'pending' || !session.payment) return { state: 'open' };
    const p = session.payment;
    return { state: komojuState(p), instructions: komojuInstructions(p), expiresAt: p.payment_deadline ?? undefined };
  }

  async cancel(ref: string): Promise<void> {
    const session = await this.call<KomojuSession>('GET', `/sessions/${encodeURIComponent(ref)}`);
    if (session.status === 'pending') {
      await this.call('POST', `/sessions/${encodeURIComponent(ref)}/cancel`, {}, `${ref}:cancel`);
      return;
    }
    const p = session.payment;
    // Numbers already issued: cancelling the payment voids them.
    if (p && (p.status === 'pending' || p.status === 'authorized')) await this.call('POST', `/payments/${encodeURIComponent(p.id)}/cancel`, {}, `${p.id}:cancel`);
  }

  /** The signature KOMOJU puts on a webhook (and the fake, in tests). */
  static sign(secret: string, rawBody: string): string {
    return crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
  }

  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): GatewayEvent | null {
    const sig = headers['x-komoju-signature'];
    if (typeof sig !== 'string' || !/^[0-9a-f]{64}$/i.test(sig)) throw new BadNotification('missing signature');
    const expected = Buffer.from(KomojuGateway.sign(this.opts.webhookSecret, rawBody), 'hex');
    if (!crypto.timingSafeEqual(expected, Buffer.from(sig, 'hex'))) throw new BadNotification('bad signature');
    let e: { id?: unknown; type?: unknown; data?: KomojuPayment };
    try {
      e = JSON.parse(rawBody);
    } catch {
      throw new BadNotification('not JSON');
    }
    if (typeof e.id !== 'string' || typeof e.type !== 'string') throw new BadNotification('bad event');
    const p = e.data;
    // A payment we did not start through a session (or a ping) is nothing of ours.
    if (!p || typeof p.session !== 'string') return null;
    const base = { eventId: e.id, ref: p.session };
    switch (e.type) {
      case 'payment.authorized': {
        const instructions = komojuInstructions(p);
        // A card is authorized on its way to captured; only konbini / Pay-easy numbers are news.
        return instructions ? { ...base, type: 'awaiting_payment', instructions, expiresAt: p.payment_deadline ?? undefined } : null;
      }
      case 'payment.captured':
        return { ...base, type: 'settled' };
      case 'payment.expired':
        return { ...base, type: 'expired' };
      case 'payment.cancelled':
        return { ...base, type: 'cancelled' };
      case 'payment.failed':
        // The session stays open for another try (another card): a failed try does not end the attempt.
        return null;
      default:
        return null;
    }
  }
}
