import crypto from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { normalizeDigits } from '../../platform/japanese';
import type { OnlineMethod, PaymentInstructions, SandboxPaymentRow, SandboxPaymentState } from '../../platform/db/schema';
import { BadNotification, type Gateway, type GatewayEvent } from './gateway';

export const SANDBOX_CARDS = { success: '4242424242424242', declined: '4000000000000002' } as const;
export const KONBINI_CHAINS = ['lawson', 'ministop', 'familymart', 'seven'] as const;
export type KonbiniChain = (typeof KONBINI_CHAINS)[number];
const TOLERANCE_SECONDS = 300;
const EVENT_TYPES: readonly GatewayEvent['type'][] = ['awaiting_payment', 'paid_provisional', 'provisional_cancelled', 'settled', 'failed', 'expired', 'cancelled'];

export interface SandboxPayment {
  ref: string;
  idempotencyKey: string;
  method: OnlineMethod;
  amount: number;
  description: string;
  returnUrl: string;
  expiresAt: Date;
  state: SandboxPaymentState;
  instructions?: PaymentInstructions;
  createdAt: Date;
}

export interface SignedNotification {
  body: string;
  headers: { 'content-type': string; 'x-sandbox-timestamp': string; 'x-sandbox-signature': string };
}

export type Deliver = (n: SignedNotification) => Promise<number>;

/** How the console sends the notices of a konbini / Pay-easy payment ("on request": late, twice, out of order). */
export type ConsoleAction = 'paid' | 'provisional' | 'confirm' | 'reversed' | 'twice' | 'cancel_provisional' | 'expire';
export const CONSOLE_ACTIONS: readonly ConsoleAction[] = ['paid', 'provisional', 'confirm', 'reversed', 'twice', 'cancel_provisional', 'expire'];

const digits = (n: number) => Array.from({ length: n }, () => crypto.randomInt(10)).join('');
const WAITING: SandboxPaymentState[] = ['awaiting_payment', 'paid_provisional'];

function toPayment(r: SandboxPaymentRow): SandboxPayment {
  return {
    ref: r.ref, idempotencyKey: r.idempotency_key, method: r.method, amount: r.amount, description: r.description, returnUrl: r.return_url,
    expiresAt: r.expires_at, state: r.state, instructions: r.instructions ?? undefined, createdAt: r.created_at,
  };
}

/**
 * A gateway built into the app for development and tests (never in production): hosted pages, test
 * cards, konbini and Pay-easy numbers that settle when marked paid on its console (or by
 * `npm run sandbox:pay`), and HMAC-signed notifications. Its payments live in `sandbox_payments`, so a
 * restart keeps them and a second process (the CLI) can act on them; every change is one conditional
 * UPDATE, so two processes never both move the same payment.
 */
export class SandboxGateway implements Gateway {
  readonly name = 'sandbox';
  readonly methods = ['card', 'konbini', 'payeasy'] as const;
  /** Notifications not yet delivered: held while `autoDeliver` is off (the console's 「通知を保留」, tests). */
  outbox: SignedNotification[] = [];
  autoDeliver = true;
  private deliverFn: Deliver | null = null;
  private seq = 0;

  constructor(private deps: { db: Db; secret: string; clock: Clock; phone?: string }) {}

  /** Set by the routes (in-process) or the CLI (HTTP): posts a notification to our endpoint. */
  setDeliver(fn: Deliver): void {
    this.deliverFn = fn;
  }

  async createAttempt(input: { idempotencyKey: string; method: OnlineMethod; amount: number; description: string; returnUrl: string; expiresAt: Date }): Promise<{ ref: string }> {
    const now = this.deps.clock.now();
    await this.deps.db.insertInto('sandbox_payments').values({
      ref: `sbx_${crypto.randomBytes(9).toString('base64url')}`, idempotency_key: input.idempotencyKey, method: input.method, amount: input.amount,
      description: input.description, return_url: input.returnUrl, expires_at: input.expiresAt, created_at: now, updated_at: now,
    }).onConflict((oc) => oc.column('idempotency_key').doNothing()).execute();
    const row = await this.deps.db.selectFrom('sandbox_payments').select('ref').where('idempotency_key', '=', input.idempotencyKey).executeTakeFirstOrThrow();
    return { ref: row.ref };
  }

  redirectUrl(ref: string): string {
    return `/sandbox-gateway/pay/${encodeURIComponent(ref)}`;
  }

  /** Moves a payment only from one of `from`; returns the payment after the change, or undefined if it was not in `from`. */
  private async move(ref: string, from: SandboxPaymentState[], to: SandboxPaymentState, instructions?: PaymentInstructions): Promise<SandboxPayment | undefined> {
    const row = await this.deps.db.updateTable('sandbox_payments')
      .set({ state: to, updated_at: this.deps.clock.now(), ...(instructions ? { instructions: JSON.stringify(instructions) } : {}) })
      .where('ref', '=', ref).where('state', 'in', from).returningAll().executeTakeFirst();
    return row && toPayment(row);
  }

  async get(ref: string): Promise<SandboxPayment | undefined> {
    const row = await this.deps.db.selectFrom('sandbox_payments').selectAll().where('ref', '=', ref).executeTakeFirst();
    if (!row) return undefined;
    if ((row.state === 'open' || row.state === 'awaiting_payment') && row.expires_at <= this.deps.clock.now()) {
      return (await this.move(ref, ['open', 'awaiting_payment'], 'expired')) ?? this.get(ref);
    }
    return toPayment(row);
  }

  async queryStatus(ref: string) {
    const p = await this.get(ref);
    if (!p) return { state: 'unknown' as const };
    return { state: p.state, instructions: p.instructions, expiresAt: p.expiresAt.toISOString() };
  }

  async cancel(ref: string): Promise<void> {
    if (await this.get(ref)) await this.move(ref, ['open', 'awaiting_payment'], 'cancelled');
  }

  /** Konbini / Pay-easy payments waiting for (or with a provisional) payment, newest first, for the console page. */
  async open(): Promise<SandboxPayment[]> {
    const rows = await this.deps.db.selectFrom('sandbox_payments').select('ref').where('state', 'in', WAITING).orderBy('created_at', 'desc').limit(200).execute();
    const payments = await Promise.all(rows.map((r) => this.get(r.ref)));
    return payments.filter((p): p is SandboxPayment => !!p && WAITING.includes(p.state));
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
    if (typeof e.eventId !== 'string' || typeof e.ref !== 'string' || !EVENT_TYPES.includes(e.type as GatewayEvent['type'])) throw new BadNotification('bad event');
    return { eventId: e.eventId, ref: e.ref, type: e.type as GatewayEvent['type'], instructions: e.instructions, expiresAt: e.expiresAt };
  }

  /** Builds and signs an event about a payment (not yet sent). */
  private event(p: SandboxPayment, type: GatewayEvent['type']): SignedNotification {
    const event: GatewayEvent = { eventId: `evt_${Date.now().toString(36)}_${++this.seq}_${crypto.randomBytes(4).toString('hex')}`, ref: p.ref, type, instructions: p.instructions, expiresAt: p.expiresAt.toISOString() };
    return this.sign(JSON.stringify(event));
  }

  /** Sends (or, while held, queues) notifications in the order given; the same one may appear twice. */
  private async send(notices: SignedNotification[]): Promise<void> {
    for (const n of notices) {
      if (this.autoDeliver) await this.deliver(n);
      else this.outbox.push(n);
    }
  }

  /** Builds, signs and (unless held) delivers an event about a payment. */
  async emit(p: SandboxPayment, type: GatewayEvent['type']): Promise<SignedNotification> {
    const signed = this.event(p, type);
    await this.send([signed]);
    return signed;
  }

  /** Delivers one notification now, signed afresh (a late delivery keeps its event id, gets a current timestamp). */
  async deliver(n: SignedNotification): Promise<number> {
    if (!this.deliverFn) throw new Error('sandbox gateway: no delivery route');
    return this.deliverFn(this.sign(n.body));
  }

  /** The console's 「保留中の通知を今すぐ送る」: every held notification, in the order it was made. */
  async deliverHeld(): Promise<number> {
    const held = this.outbox.splice(0);
    for (const n of held) await this.deliver(n);
    return held.length;
  }

  // ── What happens on the sandbox's own pages ──────────────────────────────────────────────────────

  async payByCard(ref: string, cardNumber: string): Promise<'settled' | 'failed' | 'unknown_card' | 'closed'> {
    const p = await this.get(ref);
    if (!p || p.method !== 'card' || p.state !== 'open') return 'closed';
    const number = cardNumber.replace(/[\s-]/g, '');
    const to = number === SANDBOX_CARDS.success ? 'settled' : number === SANDBOX_CARDS.declined ? 'failed' : null;
    if (!to) return 'unknown_card';
    const moved = await this.move(ref, ['open'], to);
    if (!moved) return 'closed';
    await this.emit(moved, to);
    return to;
  }

  async issueNumbers(ref: string, chain?: KonbiniChain): Promise<boolean> {
    const p = await this.get(ref);
    if (!p || p.state !== 'open' || p.method === 'card') return false;
    let instructions: PaymentInstructions;
    if (p.method === 'konbini') {
      const c = chain ?? 'lawson';
      instructions = c === 'familymart' ? { chain: c, companyCode: '10' + digits(3), orderNumber: digits(12) }
        : c === 'seven' ? { chain: c, slipNumber: digits(13) }
        : { chain: c, receiptNumber: digits(6), phone: this.deps.phone ?? '0312345678' };
    } else {
      instructions = { institutionNumber: '58' + digits(3), customerNumber: digits(12), confirmationNumber: digits(6) };
    }
    const moved = await this.move(ref, ['open'], 'awaiting_payment', instructions);
    if (!moved) return false;
    await this.emit(moved, 'awaiting_payment');
    return true;
  }

  /** The console's 「入金済みにする」 (and `npm run sandbox:pay`): the store's 速報, then the 確報. */
  async markPaid(ref: string): Promise<boolean> {
    return this.act(ref, 'paid');
  }

  /**
   * One console action on a waiting payment. 速報 only / 確報 only / both in reverse order (確報 then
   * 速報) / both, each delivered twice / the 速報 withdrawn (numbers valid again until their deadline) /
   * the numbers expired. Returns false when the payment is not in a state the action applies to.
   */
  async act(ref: string, action: ConsoleAction): Promise<boolean> {
    const p = await this.get(ref);
    if (!p || !WAITING.includes(p.state)) return false;
    const awaiting = p.state === 'awaiting_payment';
    switch (action) {
      case 'paid':
      case 'twice': {
        const provisional = awaiting ? await this.move(ref, ['awaiting_payment'], 'paid_provisional') : undefined;
        if (awaiting && !provisional) return false;
        const settled = await this.move(ref, ['paid_provisional'], 'settled');
        if (!settled) return false;
        const notices = [...(provisional ? [this.event(provisional, 'paid_provisional')] : []), this.event(settled, 'settled')];
        await this.send(action === 'twice' ? notices.flatMap((n) => [n, n]) : notices);
        return true;
      }
      case 'provisional': {
        const moved = await this.move(ref, ['awaiting_payment'], 'paid_provisional');
        if (moved) await this.send([this.event(moved, 'paid_provisional')]);
        return !!moved;
      }
      case 'confirm': {
        const moved = await this.move(ref, WAITING, 'settled');
        if (moved) await this.send([this.event(moved, 'settled')]);
        return !!moved;
      }
      case 'reversed': {
        const moved = await this.move(ref, WAITING, 'settled');
        if (moved) await this.send([this.event(moved, 'settled'), this.event(moved, 'paid_provisional')]);
        return !!moved;
      }
      case 'cancel_provisional': {
        const stillValid = p.expiresAt > this.deps.clock.now();
        const moved = await this.move(ref, ['paid_provisional'], stillValid ? 'awaiting_payment' : 'expired');
        if (moved) await this.send([this.event(moved, stillValid ? 'provisional_cancelled' : 'expired')]);
        return !!moved;
      }
      case 'expire': {
        const moved = await this.move(ref, ['awaiting_payment'], 'expired');
        if (moved) await this.send([this.event(moved, 'expired')]);
        return !!moved;
      }
    }
  }

  /** Finds a waiting payment by its ref or any of its numbers (for the console and `npm run sandbox:pay`). */
  async findByNumber(number: string): Promise<SandboxPayment | undefined> {
    const wanted = normalizeDigits(number).replace(/[\s-]/g, '');
    return (await this.open()).find((p) => p.ref === number || Object.values(p.instructions ?? {}).includes(wanted));
  }
}
