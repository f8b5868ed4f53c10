import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../app';
import { createDb, type Db } from '../../platform/db/database';
import { FEE_TYPES } from '../../seed/billing';
import { createTestApp, freshDatabase, type TestApp } from '../../test/app';
import { type TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { seedCreditRules, signInStaff } from '../../test/sign-in';

// DATABASE_REPLICA_URL (decisions/0024). A second copy of the database stands in for the replica, with rows the
// primary does not have: what the dashboard and the exports show proves which one they read.
let t: TestApp;
let replica: Db;
let staff: TestClient;

beforeAll(async () => {
  const replicaUrl = await freshDatabase();
  t = await createTestApp({ DATABASE_REPLICA_URL: replicaUrl });
  ({ db: replica } = createDb(replicaUrl, 2));
  const onReplica = createServices({ config: t.config, db: replica, jobs: t.jobs, clock: t.clock, mailTransport: null });
  await seedCreditRules({ services: onReplica } as never);
  await onReplica.billing.seedFeeTypes(FEE_TYPES);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
  await createMember(replica, { member_number: '191001', family_name: '複製' });
  await createMember(t.db, { member_number: '191002', family_name: '本番' });
  staff = (await signInStaff(t)).c;
});
afterAll(async () => {
  await replica.destroy();
  await t.close();
});

describe('the read replica', () => {
  it('serves the CSV exports and the dashboard, while every other page reads the primary', async () => {
    const csv = await staff.get('/staff/exports/members.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('191001');
    expect(csv.body).not.toContain('191002');
    // The cycle exists only on the replica: the dashboard finds it there.
    const dashboard = await staff.get('/staff/dashboard');
    expect(dashboard.statusCode).toBe(200);
    expect(textOf(dashboard.body)).not.toContain('更新サイクルが登録されていません');
    // Staff member search, sign-in and sessions stay on the primary.
    const search = textOf((await staff.get('/staff?q=191002')).body);
    expect(search).toContain('本番');
    expect(textOf((await staff.get('/staff?q=191001')).body)).not.toContain('複製');
  });

  it('is not used when unset: the same services answer from the primary', async () => {
    expect(t.services.reportReads.members).not.toBe(t.services.members);
    const plain = createServices({ config: { ...t.config, databaseReplicaUrl: undefined }, db: t.db, jobs: t.jobs, clock: t.clock, mailTransport: null });
    expect(plain.reportReads.members).toBe(plain.members);
  });
});
