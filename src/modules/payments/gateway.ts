import type { OnlineMethod, PaymentInstructions } from '../../platform/db/schema';

/** What a gateway says about a payment, in our words. */
export type GatewayState = 'open' | 'awaiting_payment' | 'paid_provisional' | 'settled' | 'failed' | 'expired' | 'cancelled' | 'unknown';

export interface GatewayEvent {
  /** Unique per gateway: a notification repeated carries the same id. */
  eventId: string;
  ref: string;
  /** `provisional_cancelled`: the store withdrew its 速報 (the numbers stay valid until their deadline). */
  type: Exclude<GatewayState, 'open' | 'unknown'> | 'provisional_cancelled';
  instructions?: PaymentInstructions;
  expiresAt?: string;
}

export class BadNotification extends Error {}

/**
 * One interface for every payment gateway (the built-in sandbox, Stripe, KOMOJU: decisions/0011, 0012).
 * Every call that creates something carries our idempotency key, so a retry never makes a second payment.
 */
export interface Gateway {
  readonly name: string;
  readonly methods: readonly OnlineMethod[];
  createAttempt(input: { idempotencyKey: string; method: OnlineMethod; amount: number; description: string; returnUrl: string; expiresAt: Date }): Promise<{ ref: string }>;
  /** Where the member's browser goes to pay, when that page is ours (the sandbox's). */
  redirectUrl?(ref: string): string;
  /**
   * The gateway's page on its own origin (Stripe Checkout, KOMOJU's hosted page), asked for when the member
   * goes there: our page /billing/:no/pay/gateway links to it, so a form never redirects off-site (CSP form-action).
   */
  hostedPageUrl?(ref: string): Promise<string>;
  queryStatus(ref: string): Promise<{ state: GatewayState; instructions?: PaymentInstructions; expiresAt?: string }>;
  cancel(ref: string): Promise<void>;
  /**
   * Checks signature and timestamp, then parses; throws BadNotification on anything wrong. null: a genuine
   * notification that tells us nothing (an event type we do not act on), answered 200 and not stored.
   */
  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): GatewayEvent | null | Promise<GatewayEvent | null>;
}
