import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEE_TYPES } from '../../seed/billing';
import { createTestApp, type TestApp } from '../../test/app';
import { billedMember } from '../../test/billing';
import { textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { type Cluster, findPgTools, startCluster } from '../../test/pg-cluster';
import { seedCreditRules, signInMember } from '../../test/sign-in';
import { pgClient, pgPool } from './database';
import { migrateToLatest } from './migrate';

// Backup and restore as docs/operations.md prescribes: pg_dump -Fc of the same major version as the server,
// pg_restore --no-owner into a new database, `npm run migrate`, start. The embedded server (PostgreSQL 18 from
// npm) ships no pg_dump and Debian bookworm's pg_dump (15) refuses a newer server, so this test runs the whole
// procedure on the distribution's PostgreSQL server, which `npm test` installs when it is missing
// (scripts/test-deps.sh). Without it the file fails, saying how to get it: a skipped backup test proves nothing.
const tools = findPgTools();
if (!tools) throw new Error('backup test: no PostgreSQL server with pg_dump / pg_restore of its own major version: `npm run test:deps` installs Debian\'s postgresql (or set PG_BINDIR)');

const PDF = Buffer.from('%PDF-1.7\n% badge\n1 0 obj<<>>endobj\n%%EOF\n');

async function createDatabase(adminUrl: string, name: string) {
  const admin = pgClient({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

/** Rows per table of our schema and pg-boss's: what a restore must give back, table by table. */
async function rowCounts(url: string): Promise<Record<string, number>> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: pgPool({ connectionString: url, max: 1 }) }) });
  try {
    const tables = await sql<{ schema: string; name: string }>`
      SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE' ORDER BY 1, 2`.execute(db);
    const counts: Record<string, number> = {};
    for (const { schema, name } of tables.rows) {
      const r = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(`${schema}.${name}`)}`.execute(db);
      counts[`${schema}.${name}`] = Number(r.rows[0]!.n);
    }
    return counts;
  } finally {
    await db.destroy();
  }
}

describe(`backup and restore with pg_dump / pg_restore (PostgreSQL ${tools.major})`, () => {
  let cluster: Cluster;
  let source: TestApp | undefined;
  let restored: TestApp | undefined;
  const dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-backup-'));

  beforeAll(async () => {
    cluster = await startCluster(tools);
    await createDatabase(cluster.url('postgres'), 'koushin_live');
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: pgPool({ connectionString: cluster.url('koushin_live'), max: 1 }) }) });
    await migrateToLatest(db);
    await db.destroy();
  }, 60_000);
  afterAll(async () => {
    await restored?.close();
    await source?.close();
    await cluster?.stop();
    fs.rmSync(dumpDir, { recursive: true, force: true });
  });

  it('a dump restored into a new database gives the app back every row, login, 入金済 and the uploaded file', async () => {
    // ── The live database, filled through the app ──────────────────────────────────────────────
    const t = source = await createTestApp({}, { databaseUrl: cluster.url('koushin_live') });
    t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
    await t.services.billing.seedFeeTypes(FEE_TYPES);
    await seedCreditRules(t);
    for (let i = 0; i < 3; i++) await createMember(t.db, { member_number: String(170101 + i) });
    const { m, c, no } = await billedMember(t, { memberNumber: '170201' });
    await c.get(`/billing/${no}/pay`);
    const gatewayUrl = (await c.post(`/billing/${no}/pay`, { method: 'card' })).headers.location as string;
    await c.get(gatewayUrl);
    expect((await c.post(gatewayUrl, { cardNumber: '4242 4242 4242 4242' })).statusCode).toBe(303);
    await t.mail.waitFor(m.email, '入金を確認しました');
    // A self-report with its proof document (a credit_files row and a file under DATA_DIR/uploads).
    const entry = await t.db.selectFrom('credit_catalogue').select('id').where('code', '=', 'REL-ANNUAL').executeTakeFirstOrThrow();
    await c.get(`/credits/new?catalogue=${entry.id}`);
    const saved = await c.post('/credits/new', { catalogueId: String(entry.id), activityDate: '2025-06-01', detailTitle: '第122回日本内科学会総会・講演会', detailSource: '' });
    const creditNo = (saved.headers.location as string).replace('/credits/', '');
    await c.get(`/credits/${creditNo}`);
    expect((await c.postMultipart(`/credits/${creditNo}/files`, {}, [{ name: 'file', filename: 'badge.pdf', type: 'application/pdf', data: PDF }])).statusCode).toBe(303);
    const file = await t.db.selectFrom('credit_files').select('id').executeTakeFirstOrThrow();
    expect(Number((await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)).toBeGreaterThan(0);

    // Uploads are files, not rows: the operator backs DATA_DIR/uploads up beside the dump (docs/operations.md).
    const restoredDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-restored-data-'));
    fs.cpSync(path.join(t.config.dataDir, 'uploads'), path.join(restoredDataDir, 'uploads'), { recursive: true });
    // Stopped, so that nothing (a job, a mail) changes the live database between the dump and the count.
    source = undefined;
    await t.close();
    const before = await rowCounts(cluster.url('koushin_live'));

    // ── The procedure of docs/operations.md ──────────────────────────────────────────────────────
    const dumpFile = path.join(dumpDir, 'koushin.dump');
    await cluster.tool('pg_dump', ['-Fc', '--no-owner', '-f', dumpFile, cluster.url('koushin_live')]);
    expect(fs.statSync(dumpFile).size).toBeGreaterThan(10_000);
    await createDatabase(cluster.url('postgres'), 'koushin_restored');
    await cluster.tool('pg_restore', ['--no-owner', '--exit-on-error', '-d', cluster.url('koushin_restored'), dumpFile]);
    const migrationDb = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: pgPool({ connectionString: cluster.url('koushin_restored'), max: 1 }) }) });
    expect(await migrateToLatest(migrationDb), 'the restored database is at the latest migration').toEqual([]);
    await migrationDb.destroy();

    const after = await rowCounts(cluster.url('koushin_restored'));
    expect(Object.keys(before).length).toBeGreaterThan(30);
    expect(before['public.members']).toBe(4);
    expect(before['public.payment_attempts']).toBe(1);
    expect(after).toEqual(before);

    // ── The app on the restored database ──────────────────────────────────────────────────────────
    const r = restored = await createTestApp({ DATA_DIR: restoredDataDir }, { databaseUrl: cluster.url('koushin_restored') });
    r.clock.set(new Date('2026-11-24T10:00:00+09:00'));
    const member = await signInMember(r, '170201');
    const invoice = textOf((await member.get(`/billing/${no}`)).body);
    expect(invoice).toContain('入金済');
    expect(invoice).toContain('¥30,000');
    const download = await member.get(`/credits/${creditNo}/files/${file.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PDF)).toBe(true);
    // Sequences came back too: a new invoice takes a fresh id, not one of the restored rows'.
    const another = await createMember(r.db, { member_number: '170301' });
    expect(another.id).toBeGreaterThan(m.id);
  }, 120_000);
});
