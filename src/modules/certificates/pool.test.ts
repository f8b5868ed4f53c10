import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test/app';
import { createMember } from '../../test/factories';
import { answered, type OneConnectionApp, withOneConnectionApp } from '../../test/pool';
import { seedCreditRules, signInStaff } from '../../test/sign-in';

/**
 * 専門医証 on an app whose pool holds one connection (see test/pool.ts): 「専門医証を発行」 read the completed
 * renewals and their members, and 再発行 the holder, through the pool inside their transactions.
 */
let t: TestApp;
let one: OneConnectionApp;

withOneConnectionApp('2027-03-10T10:00:00+09:00', (t) => seedCreditRules(t, 2026), (...apps) => ([t, one] = apps));

describe('certificates on a pool of one connection', () => {
  it('issues the completed renewals, then reissues one', async () => {
    const { id: cycleId } = await t.db.selectFrom('renewal_cycles').select('id').where('fiscal_year', '=', 2026).executeTakeFirstOrThrow();
    const m = await createMember(t.db, { member_number: '177001' });
    const application = await t.db.insertInto('applications').values({
      member_id: m.id, cycle_id: cycleId, type: 'renewal', status: 'completed', completed_at: new Date('2027-02-01T10:00:00+09:00'),
      granted_period_start: '2027-04-01', granted_period_end: '2032-03-31',
    }).returning('id').executeTakeFirstOrThrow();
    const { c: staff } = await signInStaff({ ...t, app: one.app });

    await answered('専門医証', staff.get('/staff/certificates'));
    expect((await answered('専門医証を発行', staff.post('/staff/certificates/issue', {}))).statusCode).toBe(303);
    const issued = await t.db.selectFrom('certificates').selectAll().where('application_id', '=', application.id).executeTakeFirstOrThrow();
    expect(issued).toMatchObject({ status: 'active', holder_name: '山田 太郎' });

    expect((await answered('the certificate page', staff.get(`/staff/certificates/${issued.id}`))).statusCode).toBe(200);
    expect((await answered('再発行', staff.post(`/staff/certificates/${issued.id}/reissue`, { reissueReason: '氏名の変更' }))).statusCode).toBe(303);
    const all = await t.db.selectFrom('certificates').select(['status', 'replaces_id']).where('application_id', '=', application.id).orderBy('serial').execute();
    expect(all).toEqual([{ status: 'superseded', replaces_id: null }, { status: 'active', replaces_id: issued.id }]);
  });
});
