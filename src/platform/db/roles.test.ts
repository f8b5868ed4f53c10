import crypto from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { audit, systemActor } from '../audit';
import { ConfigError, loadConfig } from '../config';
import { migrate } from '../runtime';
import { freshDatabase } from '../../test/app';
import { createDb, type Db, pgClient } from './database';
import { appRoleGrants } from './roles';

/**
 * The application's database role as production runs it (decisions/0016): created in the test database
 * with the grants of roles.ts, then used over its own connection. The owner (the test server's
 * superuser) made the tables; the app role did not, and that is what makes the audit trail safe.
 */
let ownerUrl: string;
let owner: pg.Client;
let app: pg.Client;
let appDb: Db;
const role = `koushin_app_${crypto.randomBytes(4).toString('hex')}`;
const password = crypto.randomBytes(12).toString('hex');

beforeAll(async () => {
  ownerUrl = await freshDatabase();
  owner = pgClient({ connectionString: ownerUrl });
  await owner.connect();
  await owner.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`);
  const database = new URL(ownerUrl).pathname.slice(1);
  await owner.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
  for (const statement of appRoleGrants(role)) await owner.query(statement);
  await owner.query(`INSERT INTO audit_log (actor_type, action) VALUES ('system', 'test.before')`);
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  app = pgClient({ connectionString: url.toString() });
  await app.connect();
  appDb = createDb(url.toString(), 2).db;
});

afterAll(async () => {
  await appDb?.destroy();
  await app?.end();
  // Roles belong to the cluster, not the database: leave none behind.
  await owner.query(`DROP OWNED BY ${role}`);
  await owner.end();
  const admin = pgClient({ connectionString: ownerUrl.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
});

/** Refused by the role's rights (not by the trigger, which a role with the rights could get round). */
const refused = (statement: string) => expect(app.query(statement)).rejects.toThrow(/permission denied|must be owner/);

describe('the application role and audit_log', () => {
  it('connects as a role that owns nothing and is no superuser', async () => {
    const { rows } = await app.query(`SELECT current_user AS who, rolsuper FROM pg_roles WHERE rolname = current_user`);
    expect(rows[0]).toEqual({ who: role, rolsuper: false });
    const owners = await app.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user`);
    expect(owners.rows[0].n).toBe(0);
  });

  it('adds audit rows through the app\'s own helper and reads them back', async () => {
    await audit(appDb, systemActor, { action: 'test.appended', detail: { ok: true } });
    const { rows } = await app.query(`SELECT action, detail FROM audit_log ORDER BY id`);
    expect(rows).toEqual([{ action: 'test.before', detail: null }, { action: 'test.appended', detail: { ok: true } }]);
  });

  it('cannot UPDATE, DELETE or TRUNCATE audit rows', async () => {
    await refused(`UPDATE audit_log SET action = 'rewritten'`);
    await refused(`DELETE FROM audit_log`);
    await refused(`TRUNCATE audit_log`);
  });

  it('cannot switch the append-only trigger off, drop it, or make the session skip triggers', async () => {
    await refused(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`);
    await refused(`ALTER TABLE audit_log DISABLE TRIGGER ALL`);
    await refused(`DROP TRIGGER audit_log_no_change ON audit_log`);
    await refused(`DROP FUNCTION audit_log_append_only() CASCADE`);
    await refused(`DROP TABLE audit_log`);
    await refused(`SET session_replication_role = replica`);
  });

  it('still changes ordinary rows (the rights are narrowed on the audit trail only)', async () => {
    await app.query(`INSERT INTO settings (key, value) VALUES ('roles.test', '"x"')`);
    await app.query(`UPDATE settings SET value = '"y"' WHERE key = 'roles.test'`);
    await app.query(`DELETE FROM settings WHERE key = 'roles.test'`);
  });

  it('leaves every audit row as it was written', async () => {
    const { rows } = await owner.query(`SELECT action FROM audit_log ORDER BY id`);
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['test.before', 'test.appended']);
  });

  it('and even the owner cannot rewrite history while the trigger stands', async () => {
    await expect(owner.query(`UPDATE audit_log SET action = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(owner.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
});

it('refuses a role name that is not a plain identifier', () => {
  expect(() => appRoleGrants('app; DROP TABLE audit_log')).toThrow(/plain role name/);
});

describe('DATABASE_MIGRATION_URL', () => {
  it('migrates a new database as the owner while the app connects as its restricted role', async () => {
    const name = `t_blank_${crypto.randomBytes(4).toString('hex')}`;
    const admin = pgClient({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${name} TO ${role}`);
    const ownerBlank = inject('pgAdminUrl').replace(/\/[^/]+$/, `/${name}`);
    const appUrl = new URL(ownerBlank);
    appUrl.username = role;
    appUrl.password = password;
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: appUrl.toString(), DATABASE_MIGRATION_URL: ownerBlank });
    const { db } = createDb(config.databaseUrl!, 1);
    try {
      const applied = await migrate(config, db);
      expect(applied).toContain('0020_roles_and_audit');
      const ownerClient = pgClient({ connectionString: ownerBlank });
      await ownerClient.connect();
      const { rows } = await ownerClient.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'`);
      expect(rows[0].tableowner).not.toBe(role);
      for (const statement of appRoleGrants(role)) await ownerClient.query(statement);
      await ownerClient.end();
      await audit(db, systemActor, { action: 'test.first' });
      await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/permission denied/);
    } finally {
      await db.destroy();
      const cleanup = pgClient({ connectionString: ownerBlank });
      await cleanup.connect();
      await cleanup.query(`DROP OWNED BY ${role}`);
      await cleanup.end();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    }
  });

  it('is refused without DATABASE_URL (the embedded server has a single role)', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_MIGRATION_URL: 'postgres://owner@db/koushin' })).toThrow(ConfigError);
  });
});
