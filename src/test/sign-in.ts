import { expect } from 'vitest';
import type { StaffUser } from '../platform/db/schema';
import type { StaffRole } from '../platform/policy';
import { CATEGORIES, demoCatalogue, demoCycles } from '../seed/credits';
import type { TestApp } from './app';
import { TestClient } from './client';
import { createStaff, nextTotp, TEST_PASSWORD } from './factories';

/** A clerk signed in through the real pages: password, then the authenticator's next code. */
export async function signInStaff(t: TestApp, opts: { role?: StaffRole; email?: string } = {}): Promise<{ c: TestClient; staff: StaffUser }> {
  const staff = await createStaff(t.db, t.config.sessionSecret, opts);
  const c = new TestClient(t.app);
  await c.submit('/staff/login', '/staff/login', { email: staff.email, password: TEST_PASSWORD });
  await c.get('/staff/login/verify');
  expect((await c.post('/staff/login/verify', { code: await nextTotp(t.clock) })).headers.location).toBe('/staff');
  return { c, staff };
}

/** A member signed in through the login page. */
export async function signInMember(t: TestApp, memberNumber: string, password = TEST_PASSWORD): Promise<TestClient> {
  const c = new TestClient(t.app);
  expect((await c.submit('/login', '/login', { memberNumber, password })).statusCode).toBe(303);
  return c;
}

/** The demo renewal cycles and credit catalogue of a fiscal year: what every credits test counts with. */
export async function seedCreditRules(t: TestApp, fiscalYear = 2026): Promise<void> {
  for (const cycle of demoCycles(fiscalYear)) await t.services.cycles.seed(cycle);
  await t.services.credits.seedCatalogue(CATEGORIES, demoCatalogue(fiscalYear));
}

/**
 * Makes a member of the 2026年度 renewal ready to submit (after seedCreditRules and the fee types): the
 * 2025 and 2026 年会費 billed and paid by slip, and the four attendances the cycle requires recorded.
 */
export async function makeRenewalReady(t: TestApp, memberId: number): Promise<void> {
  const system = { type: 'system' as const, id: null };
  for (const year of [2025, 2026]) await t.services.billing.createAnnualFees(year, [memberId]);
  for (const v of await t.services.billing.listForMember(memberId)) {
    await t.services.billing.markPaid(system, v.invoice.id, { method: 'slip', paidOn: `${v.invoice.fiscal_year}-05-20`, reference: 'T', reason: 'test' }, 'ja', { notify: false });
  }
  const dates: Record<string, string> = { JCS87: '2023-03-14', JCS88: '2024-03-14', JCS89: '2025-03-14', JCS90: '2026-03-14' };
  for (const [code, activityDate] of Object.entries(dates)) await t.services.credits.recordEarned(system, { memberId, code, activityDate, source: 'attendance' });
}
