import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { inject } from 'vitest';
import { createApp, createServices, registerJobs, type Services } from '../app';
import { FakeClock } from '../platform/clock';
import { type Config, loadConfig } from '../platform/config';
import { createDb, databaseReady, type Db, pgClient } from '../platform/db/database';
import { type Jobs, startJobs } from '../platform/jobs';
import { createLogger } from '../platform/logger';
import { smtpTransport } from '../platform/mail/mailer';
import { watchPool } from './pool-guard';
import { MailCatcher } from './smtp';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  services: Services;
  config: Config;
  clock: FakeClock;
  mail: MailCatcher;
  jobs: Jobs;
  /**
   * Where code inside a transaction asked the app's pool for a second connection (every app's pool is watched
   * and setup.ts fails the test it happens in; see pool-guard.ts).
   */
  nestedConnections: string[];
  close(): Promise<void>;
}

/** A fresh database copied from the migrated template: every test file starts from nothing. */
export async function freshDatabase(): Promise<string> {
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = pgClient({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE koushin_template`);
  } finally {
    await admin.end();
  }
  return inject('pgTemplateUrl').replace(/\/koushin_template$/, `/${name}`);
}

/**
 * The real app (same composition root as production) on a fresh database, real SMTP and real jobs.
 * `databaseUrl`: another, already migrated database instead (the backup test's restored copy; a server the test
 * may stop and start).
 * `logTo`: the process's log lines (requests and jobs, at LOG_LEVEL) go to this stream.
 * Its pools are watched: a second connection taken inside a transaction fails the test (pool-guard.ts, setup.ts).
 */
export async function createTestApp(env: Record<string, string> = {}, opts: { databaseUrl?: string; logTo?: DestinationStream} = {}): Promise<TestApp> {
  const url = opts.databaseUrl ?? await freshDatabase();
  const mail = await new MailCatcher().start();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    BASE_URL: 'http://koushin.test',
    SESSION_SECRET: 'test-session-secret-0123456789abcdef0123456789',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(mail.port),
    MAIL_FROM: 'Koushin <no-reply@koushin.test>',
    AUTH_RATE_LIMIT: '1000',
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-test-data-')),
    ...env,
  });
  const { db, pool } = createDb(url, 5);
  const nestedConnections = watchPool(pool);
  const logger = opts.logTo ? createLogger(config, opts.logTo) : undefined;
  const replica = config.databaseReplicaUrl ? createDb(config.databaseReplicaUrl, 2) : undefined;
  if (replica) watchPool(replica.pool);
  const readDb = replica?.db;
  const jobs = await startJobs(url, { schedule: false, logger, ...config.jobs });
  const clock = new FakeClock(new Date());
  const deps = { config, db, readDb, jobs, clock, mailTransport: smtpTransport(config), logger, ready: () => databaseReady(db) };
  const services = createServices(deps);
  const app = await createApp(deps, services);
  await registerJobs(deps, services);
  await app.ready();
  return {
    app, db, services, config, clock, mail, jobs, nestedConnections,
    async close() {
      await app.close();
      await jobs.stop();
      await db.destroy();
      await readDb?.destroy();
      await mail.stop();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
