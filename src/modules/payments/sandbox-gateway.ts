import crypto from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { OnlineMethod, PaymentInstructions } from '../../platform/db/schema';
import { BadNotification, type Gateway, type GatewayEvent, type GatewayState } from './gateway';

export const SANDBOX_CARDS = { success: '4242424242424242', declined: '4000000000000002' } as const;
export const KONBINI_CHAINS = ['lawson', 'ministop', 'familymart', 'seven'] as const;
export type KonbiniChain = (typeof KONBINI_CHAINS)[number];
const TOLERANCE_SECONDS = 300;

export interface SandboxPayment {
  ref: string;
  idempotencyKey: string;
  method: OnlineMethod;
  amount: number;
  description: string;
  returnUrl: string;
  expiresAt: Date;
  state: GatewayState;
  instructions?: PaymentInstructions;
  createdAt: Date;
}

export interface SignedNotification {
  body: string;
  headers: { 'content-type': string; 'x-sandbox-timestamp': string; 'x-sandbox-signature': string };
}

export type Deliver = (n: SignedNotification) => Promise<number>;

const digits = (n: number) => Array.from({ length: n }, () => crypto.randomInt(10)).join('');

/**
 * A gateway built into the app for development and tests (never in production): hosted pages, test
 * cards, konbini and Pay-easy numbers that settle when marked paid on its console, and HMAC-signed
 * notifications. State lives in this process's memory: a restart forgets open sandbox payments.
 */
export class SandboxGateway implements Gateway {
  readonly name = 'sandbox';
  readonly methods = ['card', 'konbini', 'payeasy'] as const;
  private payments = new Map<string, SandboxPayment>();
  private byKey = new Map<string, string>();
  /** Notifications not yet delivered (when `autoDeliver` is off, tests deliver them late, twice or out of order). */
  outbox: SignedNotification[] = [];
  autoDeliver = true;
  private deliverFn: Deliver | null = null;
  private seq = 0;

  constructor(private deps: { secret: string; clock: Clock; phone?: string }) {}

  /** Set by the routes: posts a notification to our own endpoint. */
  setDeliver(fn: Deliver): void {
    this.deliverFn = fn;
  }

  async createAttempt(input: { idempotencyKey: string; method: OnlineMethod; amount: number; description: string; returnUrl: string; expiresAt: Date }): Promise<{ ref: string }> {
    const existing = this.byKey.get(input.idempotencyKey);
    if (existing) return { ref: existing };
    const ref = `sbx_${crypto.randomBytes(9).toString('base64url')}`;
    this.payments.set(ref, { ...input, ref, state: 'open', createdAt: this.deps.clock.now() });
    this.byKey.set(input.idempotencyKey, ref);
    return { ref };
  }

  redirectUrl(ref: string): string {
    return `/sandbox-gateway/pay/${encodeURIComponent(ref)}`;
  }

  get(ref: string): SandboxPayment | undefined {
    const p = this.payments.get(ref);
    if (p && (p.state === 'open' || p.state === 'awaiting_payment') && p.expiresAt <= this.deps.clock.now()) p.state = 'expired';
    return p;
  }

  async queryStatus(ref: string) {
    const p = this.get(ref);
    if (!p) return { state: 'unknown' as const };
    return { state: p.state, instructions: p.instructions, expiresAt: p.expiresAt.toISOString() };
  }

  async cancel(ref: string): Promise<void> {
    const p = this.get(ref);
    if (p && (p.state === 'open' || p.state === 'awaiting_payment')) p.state = 'cancelled';
  }

  /** Open konbini / Pay-easy payments, for the console page. */
  open(): SandboxPayment[] {
    return [...this.payments.keys()].map((ref) => this.get(ref)!).filter((p) => p.state === 'awaiting_payment' || p.state === 'paid_provisional');
  }

  sign(body: string, timestamp = Math.floor(this.deps.clock.now().getTime() / 1000)): SignedNotification {
    const signature = crypto.createHmac('sha256', this.deps.secret).update(`${timestamp}.${body}`).digest('hex');
    return { body, headers: { 'content-type': 'application/json', 'x-sandbox-timestamp': String(timestamp), 'x-sandbox-signature': signature } };
  }

  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): GatewayEvent {
    const ts = headers['x-sandbox-timestamp'];
    const sig = headers['x-sandbox-signature'];
    if (typeof ts !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(ts) || !/^[0-9a-f]{64}$/.test(sig)) throw new BadNotification('missing signature');
    if (Math.abs(this.deps.clock.now().getTime() / 1000 - Number(ts)) > TOLERANCE_SECONDS) throw new BadNotification('stale timestamp');
    const expected = crypto.createHmac('sha256', this.deps.secret).update(`${ts}.${rawBody}`).digest();
    if (!crypto.timingSafeEqual(expected, Buffer.from(sig, 'hex'))) throw new BadNotification('bad signature');
    let data: unknown;
    try {
      data = JSON.parse(rawBody);
    } catch {
      throw new BadNotification('not JSON');
    }
    const e = data as Partial<GatewayEvent>;
    const types = ['awaiting_payment', 'paid_provisional', 'settled', 'failed', 'expired', 'cancelled'];
    if (typeof e.eventId !== 'string' || typeof e.ref !== 'string' || !types.includes(e.type as string)) throw new BadNotification('bad event');
    return { eventId: e.eventId, ref: e.ref, type: e.type as GatewayEvent['type'], instructions: e.instructions, expiresAt: e.expiresAt };
  }

  /** Builds, signs and (unless held) delivers an event about a payment. */
  async emit(p: SandboxPayment, type: GatewayEvent['type']): Promise<SignedNotification> {
    const event: GatewayEvent = { eventId: `evt_${Date.now().toString(36)}_${++this.seq}_${crypto.randomBytes(4).toString('hex')}`, ref: p.ref, type, instructions: p.instructions, expiresAt: p.expiresAt.toISOString() };
    const signed = this.sign(JSON.stringify(event));
    if (this.autoDeliver) await this.deliver(signed);
    else this.outbox.push(signed);
    return signed;
  }

  async deliver(n: SignedNotification): Promise<number> {
    if (!this.deliverFn) throw new Error('sandbox gateway: no delivery route');
    return this.deliverFn(this.sign(n.body));
  }

  // ── What happens on the sandbox's own pages ──────────────────────────────────────────────────────

  async payByCard(ref: string, cardNumber: string): Promise<'settled' | 'failed' | 'unknown_card' | 'closed'> {
    const p = this.get(ref);
    if (!p || p.method !== 'card' || p.state !== 'open') return 'closed';
    const number = cardNumber.replace(/[\s-]/g, '');
    if (number === SANDBOX_CARDS.success) {
      p.state = 'settled';
      await this.emit(p, 'settled');
      return 'settled';
    }
    if (number === SANDBOX_CARDS.declined) {
      p.state = 'failed';
      await this.emit(p, 'failed');
      return 'failed';
    }
    return 'unknown_card';
  }

  async issueNumbers(ref: string, chain?: KonbiniChain): Promise<boolean> {
    const p = this.get(ref);
    if (!p || p.state !== 'open' || p.method === 'card') return false;
    if (p.method === 'konbini') {
      const c = chain ?? 'lawson';
      p.instructions = c === 'familymart' ? { chain: c, companyCode: '10' + digits(3), orderNumber: digits(12) }
        : c === 'seven' ? { chain: c, slipNumber: digits(13) }
        : { chain: c, receiptNumber: digits(6), phone: this.deps.phone ?? '0312345678' };
    } else {
      p.instructions = { institutionNumber: '58' + digits(3), customerNumber: digits(12), confirmationNumber: digits(6) };
    }
    p.state = 'awaiting_payment';
    await this.emit(p, 'awaiting_payment');
    return true;
  }

  /** The console's 「入金済みにする」: the store's 速報, then the 確報. */
  async markPaid(ref: string): Promise<boolean> {
    const p = this.get(ref);
    if (!p || (p.state !== 'awaiting_payment' && p.state !== 'paid_provisional')) return false;
    if (p.state === 'awaiting_payment') {
      p.state = 'paid_provisional';
      await this.emit(p, 'paid_provisional');
    }
    p.state = 'settled';
    await this.emit(p, 'settled');
    return true;
  }

  /** Finds an open payment by any of its numbers (for the console and a CLI). */
  findByNumber(number: string): SandboxPayment | undefined {
    return this.open().find((p) => p.ref === number || Object.values(p.instructions ?? {}).includes(number));
  }
}
