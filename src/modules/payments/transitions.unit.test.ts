import { describe, expect, it } from 'vitest';
import { ATTEMPT_ACTIONS, ATTEMPT_STATUSES, ATTEMPT_TRANSITIONS, isLive, nextAttemptStatus } from './transitions';

describe('payment attempt transition table', () => {
  it.each(ATTEMPT_TRANSITIONS.map((t) => [t.from, t.action, t.to] as const))('%s —%s→ %s', (from, action, to) => {
    expect(nextAttemptStatus(from, action)).toBe(to);
  });

  it('allows nothing else: a settled or failed attempt never changes, nothing goes back to created', () => {
    const listed = new Set(ATTEMPT_TRANSITIONS.map((t) => `${t.from}:${t.action}`));
    for (const from of ATTEMPT_STATUSES) for (const action of ATTEMPT_ACTIONS) {
      if (!listed.has(`${from}:${action}`)) expect(nextAttemptStatus(from, action), `${from} ${action}`).toBeNull();
    }
    for (const action of ATTEMPT_ACTIONS) {
      expect(nextAttemptStatus('settled', action)).toBeNull();
      expect(nextAttemptStatus('failed', action)).toBeNull();
    }
    expect(ATTEMPT_TRANSITIONS.some((t) => t.to === 'created')).toBe(false);
  });

  it('only settles from a live state, or late from a given-up one (money is never lost)', () => {
    expect(ATTEMPT_TRANSITIONS.filter((t) => t.action === 'settle').every((t) => isLive(t.from))).toBe(true);
    expect(ATTEMPT_TRANSITIONS.filter((t) => t.action === 'late_settle').map((t) => t.from).sort()).toEqual(['cancelled', 'expired']);
    // A 速報 never follows a 確報 and a provisional payment is not cancelled by us.
    expect(nextAttemptStatus('settled', 'provisional')).toBeNull();
    expect(nextAttemptStatus('paid_provisional', 'cancel')).toBeNull();
    // A withdrawn 速報 only ever leaves a provisional attempt, back to waiting for payment.
    expect(ATTEMPT_TRANSITIONS.filter((t) => t.action === 'provisional_cancelled')).toEqual([{ action: 'provisional_cancelled', from: 'paid_provisional', to: 'awaiting_payment' }]);
  });
});
