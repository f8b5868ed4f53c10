import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app';
import { textOf } from '../test/client';
import { seedCreditRules, signInMember } from '../test/sign-in';
import { DEMO_PASSWORDS } from '../platform/security/passwords';
import { FEE_TYPES } from './billing';
import { seedScaleApplications } from './scale-applications';
import { seedScale } from './scale';
import { seedScaleBilling } from './scale-billing';

let t: TestApp;
const now = new Date('2026-11-23T10:00:00+09:00');

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(now);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
  await seedCreditRules(t);
  await seedScale(t.db, { target: 400, now });
});
afterAll(() => t.close());

describe('scale renewal applications', () => {
  it('spreads every state over this year\'s renewal targets, with what each state needs; a rerun adds nothing', async () => {
    const first = await seedScaleApplications(t.db, { now });
    expect(first.added).toBeGreaterThan(40);
    expect(Object.keys(first.byStatus).sort()).toEqual(['completed', 'draft', 'submitted', 'withdrawn']);
    expect((await seedScaleApplications(t.db, { now })).added).toBe(0);
    const rows = await t.db.selectFrom('applications').selectAll().execute();
    expect(rows.filter((a) => a.status === 'completed').every((a) => a.granted_period_start === '2027-04-01' && a.completed_at && a.submitted_at)).toBe(true);
    expect(rows.filter((a) => a.type === 'withdrawal').every((a) => a.status === 'withdrawn' && a.withdrawal_reason === 'retirement')).toBe(true);
    expect(rows.some((a) => a.abroad && a.abroad_ongoing && a.status === 'draft')).toBe(true);
    // The dashboard's trend needs dates in the past, never the future.
    expect(rows.every((a) => !a.completed_at || a.completed_at <= new Date())).toBe(true);
  });
});

describe('scale billing data', () => {
  it('bills every scale member as the billing service would, with attempts that agree with their invoices; a rerun adds nothing', async () => {
    const heavy = '100100';
    const first = await seedScaleBilling(t.db, { now, heavyMember: heavy });
    expect(first.invoices).toBeGreaterThan(400);
    expect(await seedScaleBilling(t.db, { now, heavyMember: heavy })).toMatchObject({ invoices: 0, attempts: 0 });

    const rows = await t.db.selectFrom('invoices').leftJoin('payment_attempts', 'payment_attempts.invoice_id', 'invoices.id')
      .select(['invoices.member_id', 'invoices.fee_type', 'invoices.fiscal_year', 'invoices.status', 'invoices.paid_method', 'payment_attempts.status as attempt'])
      .execute();
    // Two annual fees per member (ten for the heavy one), each 処理中 invoice with exactly one live attempt,
    // every invoice paid online with its settled attempt, nothing settled that is not paid.
    const annual = rows.filter((r) => r.fee_type === 'annual_fee');
    expect(new Set(annual.map((r) => `${r.member_id}:${r.fiscal_year}`)).size).toBe(annual.length);
    expect(rows.filter((r) => r.status === 'processing').every((r) => r.attempt === 'awaiting_payment')).toBe(true);
    expect(rows.filter((r) => r.attempt === 'awaiting_payment').every((r) => r.status === 'processing')).toBe(true);
    expect(rows.filter((r) => r.status === 'paid' && ['card', 'konbini', 'payeasy'].includes(r.paid_method ?? '')).every((r) => r.attempt === 'settled')).toBe(true);
    expect(rows.filter((r) => r.attempt === 'settled').every((r) => r.status === 'paid')).toBe(true);
    expect(new Set(rows.filter((r) => r.fee_type === 'renewal_fee' && r.status === 'paid').map((r) => r.paid_method))).toEqual(new Set(['card', 'konbini', 'payeasy']));
    // Every submitted or renewed application has its one renewal-fee invoice, paid exactly when renewed.
    const applications = await t.db.selectFrom('applications').leftJoin('invoices', 'invoices.id', 'applications.invoice_id')
      .select(['applications.status', 'invoices.status as invoice', 'invoices.business_key']).where('applications.type', '=', 'renewal').execute();
    for (const a of applications) {
      if (a.status === 'completed') expect(a.invoice).toBe('paid');
      else if (a.status === 'submitted') expect(a.invoice).toBe('unpaid');
      else expect(a.invoice).toBeNull();
    }

    // The heavy member sees ten years, the 処理中 one with its numbers.
    const c = await signInMember(t, heavy, DEMO_PASSWORDS.member);
    const list = textOf((await c.get('/billing')).body);
    expect(list).toContain('2017年度');
    expect(list).toContain('処理中');
    const no = (await c.get('/billing')).body.match(/href="\/billing\/(SK-\d+)"/)![1]!;
    expect((await c.get(`/billing/${no}`)).statusCode).toBe(200);
  });
});
