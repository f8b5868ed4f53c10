import { describe, expect, it } from 'vitest';
import type { CreditStatus } from '../../platform/db/schema';
import { type ActorKind, type CreditAction, nextStatus, TRANSITIONS } from './transitions';

const statuses: CreditStatus[] = ['draft', 'pending', 'approved', 'rejected'];
const actions: CreditAction[] = ['submit', 'recall', 'approve', 'reject', 'edit', 'attach'];
const actors: ActorKind[] = ['member', 'staff'];

describe('self-report transition table', () => {
  it.each(TRANSITIONS.map((t) => [t.from, t.action, t.by, t.to] as const))('%s —%s by %s→ %s', (from, action, by, to) => {
    expect(nextStatus(from, action, by)).toBe(to);
  });

  it('allows nothing else', () => {
    const listed = new Set(TRANSITIONS.map((t) => `${t.from}:${t.action}:${t.by}`));
    for (const from of statuses) for (const action of actions) for (const by of actors) {
      if (!listed.has(`${from}:${action}:${by}`)) expect(nextStatus(from, action, by), `${from} ${action} ${by}`).toBeNull();
    }
  });

  it('never lets a member approve or change an approved record', () => {
    for (const action of actions) expect(nextStatus('approved', action, 'member')).toBeNull();
    expect(nextStatus('pending', 'approve', 'member')).toBeNull();
  });
});
