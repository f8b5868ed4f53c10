import { describe, expect, it } from 'vitest';
import type { ApplicationStatus, ApplicationType } from '../../platform/db/schema';
import { type ApplicationAction, nextApplicationStatus } from './transitions';

const TYPES: ApplicationType[] = ['initial', 'renewal', 'withdrawal'];
const STATUSES: ApplicationStatus[] = ['draft', 'submitted', 'completed', 'withdrawn', 'submitted_for_review', 'cancelled'];
const ACTIONS: ApplicationAction[] = ['edit', 'delete', 'submit', 'complete', 'withdraw', 'cancel', 'revert'];

describe('the application workflow', () => {
  it('allows exactly these transitions, every other combination is refused', () => {
    const allowed: string[] = [];
    for (const type of TYPES) for (const from of STATUSES) for (const action of ACTIONS) {
      const to = nextApplicationStatus(type, from, action);
      if (to !== undefined) allowed.push(`${type}: ${from} -${action}-> ${to ?? '(deleted)'}`);
    }
    expect(allowed).toEqual([
      'initial: draft -edit-> draft',
      'initial: draft -delete-> (deleted)',
      'initial: draft -submit-> submitted_for_review',
      'renewal: draft -edit-> draft',
      'renewal: draft -delete-> (deleted)',
      'renewal: draft -submit-> submitted',
      'renewal: submitted -complete-> completed',
      'renewal: submitted -cancel-> cancelled',
      'renewal: submitted -revert-> draft',
      'withdrawal: draft -edit-> draft',
      'withdrawal: draft -delete-> (deleted)',
      'withdrawal: draft -withdraw-> withdrawn',
    ]);
  });

  it('never lets a submitted, completed or withdrawn record be edited or deleted', () => {
    for (const type of TYPES) for (const from of ['submitted', 'completed', 'withdrawn', 'submitted_for_review', 'cancelled'] as const) {
      expect(nextApplicationStatus(type, from, 'edit')).toBeUndefined();
      expect(nextApplicationStatus(type, from, 'delete')).toBeUndefined();
    }
  });
});
