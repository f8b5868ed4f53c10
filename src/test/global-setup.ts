import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { pgClient, pgPool } from '../platform/db/database';
import { startEmbeddedPostgres } from '../platform/db/embedded';
import { migrateToLatest } from '../platform/db/migrate';
import { pgBoss } from '../platform/jobs';

export const TEMPLATE_DB = 'koushin_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplateUrl: string;
  }
}

/**
 * One embedded PostgreSQL for the whole run; one migrated template database (with pg-boss's schema)
 * from which every test file gets a fresh copy in milliseconds (CREATE DATABASE … TEMPLATE).
 */
export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-test-pg-'));
  // As root, PostgreSQL runs as a separate system user that must be able to reach its directory.
  fs.chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres(path.join(dir, 'pg'), { quiet: true, throwaway: true });
  const adminUrl = server.connectionString('postgres');
  const admin = pgClient({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();

  const templateUrl = server.connectionString(TEMPLATE_DB);
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: pgPool({ connectionString: templateUrl, max: 2 }) }) });
  await migrateToLatest(db);
  await sql`SELECT 1`.execute(db);
  await db.destroy();
  // Nothing to hear while it only installs its schema: a failure of start() is thrown.
  const boss = pgBoss({ connectionString: templateUrl, schedule: false, supervise: false }, () => {});
  await boss.start();
  await boss.stop({ graceful: false });

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplateUrl', templateUrl);

  return async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
