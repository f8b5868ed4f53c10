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
    // Vitest runs this before it has finished stopping the last test files' workers: a fast shutdown now would
    // end their sessions with 57P01 under them. Their connections go as they exit; a leaked pool or a child
    // program still running would hold on, so the wait is bounded and names what is left.
    const left = await untilDisconnected(adminUrl, 15_000);
    if (left.length) process.stderr.write(`\n[global-setup] stopping PostgreSQL with ${left.length} session(s) still connected (a pool or program a test did not close?):\n  ${left.join('\n  ')}\n`);
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/** Waits until no other client is connected to the server (or `ms` have passed); returns the sessions left. */
async function untilDisconnected(adminUrl: string, ms: number): Promise<string[]> {
  const admin = pgClient({ connectionString: adminUrl });
  await admin.connect();
  try {
    const deadline = Date.now() + ms;
    for (;;) {
      const { rows } = await admin.query<{ datname: string; application_name: string; state: string; query: string }>(
        `SELECT datname, application_name, state, left(query, 80) AS query FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
      if (rows.length === 0 || Date.now() > deadline) return rows.map((r) => `${r.datname}${r.application_name ? ` (${r.application_name})` : ''}, ${r.state}: ${r.query}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.end();
  }
}
