import { describe, expect, it } from 'vitest';
import { can, POLICY, STAFF_ACTIONS, STAFF_ROLES, type StaffAction, type StaffRole } from './policy';

/** What each action is, said once more in words: the table must agree with it, action by action. */
const ADMIN_ONLY: StaffAction[] = ['catalogue.retire', 'cycles.manage', 'fees.manage', 'reminders.manage', 'staff.accounts', 'api.tokens'];
const READING: StaffAction[] = ['members.view', 'credits.view', 'catalogue.view', 'billing.view', 'applications.view', 'notices.view', 'checkin.view',
  'audit.view', 'dashboard.view', 'certificates.view', 'exports.download'];

function expected(role: StaffRole, action: StaffAction): boolean {
  if (ADMIN_ONLY.includes(action)) return role === 'admin';
  if (READING.includes(action)) return true;
  return role !== 'auditor';
}

describe('can(actor, action)', () => {
  for (const action of STAFF_ACTIONS) {
    for (const role of STAFF_ROLES) {
      it(`${role} ${expected(role, action) ? 'may' : 'may not'} ${action}`, () => {
        expect(can({ id: 1, role }, action)).toBe(expected(role, action));
      });
    }
  }

  it('admin-only actions are exactly the issue\'s list: cycles, fees, catalogue retirement, staff accounts, API tokens (and reminders)', () => {
    expect(STAFF_ACTIONS.filter((a) => !(POLICY[a] as readonly string[]).includes('staff')).sort()).toEqual([...ADMIN_ONLY].sort());
  });

  it('an auditor may take no action that is not reading', () => {
    expect(STAFF_ACTIONS.filter((a) => can({ id: 1, role: 'auditor' }, a)).sort()).toEqual([...READING].sort());
  });

  it('nobody signed in may do anything', () => {
    for (const action of STAFF_ACTIONS) expect(can(undefined, action)).toBe(false);
  });

  it('an administrator manages other accounts but not their own', () => {
    expect(can({ id: 7, role: 'admin' }, 'staff.accounts', { staffId: 8 })).toBe(true);
    expect(can({ id: 7, role: 'admin' }, 'staff.accounts', { staffId: 7 })).toBe(false);
    expect(can({ id: 7, role: 'staff' }, 'staff.accounts', { staffId: 8 })).toBe(false);
  });
});
