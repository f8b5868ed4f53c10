import type { AttemptStatus } from '../../platform/db/schema';

/**
 * A payment attempt's workflow: created → at_gateway (the gateway's page) → awaiting_payment (konbini /
 * Pay-easy numbers issued) → paid_provisional (konbini 速報) → settled (確報, or a card capture); or
 * failed / expired / cancelled. A withdrawn 速報 goes back to awaiting_payment. A confirmed settlement may jump states (a 確報 before its 速報). Money that
 * arrives after the attempt was given up (`late_settle`) is still recorded, never lost.
 */
export type AttemptAction = 'open' | 'issue_numbers' | 'provisional' | 'provisional_cancelled' | 'settle' | 'late_settle' | 'fail' | 'expire' | 'cancel';

export const LIVE_STATUSES: readonly AttemptStatus[] = ['created', 'at_gateway', 'awaiting_payment', 'paid_provisional'];
export const ATTEMPT_STATUSES: readonly AttemptStatus[] = [...LIVE_STATUSES, 'settled', 'failed', 'expired', 'cancelled'];
export const ATTEMPT_ACTIONS: readonly AttemptAction[] = ['open', 'issue_numbers', 'provisional', 'provisional_cancelled', 'settle', 'late_settle', 'fail', 'expire', 'cancel'];

export const ATTEMPT_TRANSITIONS: readonly { action: AttemptAction; from: AttemptStatus; to: AttemptStatus }[] = [
  { action: 'open', from: 'created', to: 'at_gateway' },
  { action: 'issue_numbers', from: 'created', to: 'awaiting_payment' },
  { action: 'issue_numbers', from: 'at_gateway', to: 'awaiting_payment' },
  { action: 'provisional', from: 'at_gateway', to: 'paid_provisional' },
  { action: 'provisional', from: 'awaiting_payment', to: 'paid_provisional' },
  // The store withdrew its 速報 while the numbers are still valid (the service expires the attempt instead when they are not).
  { action: 'provisional_cancelled', from: 'paid_provisional', to: 'awaiting_payment' },
  { action: 'settle', from: 'created', to: 'settled' },
  { action: 'settle', from: 'at_gateway', to: 'settled' },
  { action: 'settle', from: 'awaiting_payment', to: 'settled' },
  { action: 'settle', from: 'paid_provisional', to: 'settled' },
  { action: 'late_settle', from: 'expired', to: 'settled' },
  { action: 'late_settle', from: 'cancelled', to: 'settled' },
  { action: 'fail', from: 'created', to: 'failed' },
  { action: 'fail', from: 'at_gateway', to: 'failed' },
  { action: 'expire', from: 'created', to: 'expired' },
  { action: 'expire', from: 'at_gateway', to: 'expired' },
  { action: 'expire', from: 'awaiting_payment', to: 'expired' },
  { action: 'expire', from: 'paid_provisional', to: 'expired' },
  { action: 'cancel', from: 'created', to: 'cancelled' },
  { action: 'cancel', from: 'at_gateway', to: 'cancelled' },
  { action: 'cancel', from: 'awaiting_payment', to: 'cancelled' },
];

export function nextAttemptStatus(from: AttemptStatus, action: AttemptAction): AttemptStatus | null {
  return ATTEMPT_TRANSITIONS.find((t) => t.from === from && t.action === action)?.to ?? null;
}

export const isLive = (status: AttemptStatus) => LIVE_STATUSES.includes(status);
