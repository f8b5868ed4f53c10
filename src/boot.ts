import { type AppDeps, createApp, createServices, type Services } from './app';
import { systemClock } from './platform/clock';
import type { Config } from './platform/config';
import { databaseReady } from './platform/db/database';
import { type Jobs, startJobs } from './platform/jobs';
import { createLogger } from './platform/logger';
import { smtpTransport } from './platform/mail/mailer';
import { type Database, openDatabase } from './platform/runtime';

export interface Booted {
  database: Database;
  jobs: Jobs;
  deps: AppDeps;
  services: Services;
  app: Awaited<ReturnType<typeof createApp>>;
  /** Closes the HTTP server, the jobs and the database (and stops an embedded PostgreSQL). */
  close(): Promise<void>;
}

/** The production wiring, used by `npm start` and the benchmark: database, migrations, jobs, services, app. */
export async function boot(config: Config): Promise<Booted> {
  const database = await openDatabase(config);
  const logger = createLogger(config);
  const jobs = await startJobs(database.connectionString, { logger, ...config.jobs, cronMonitorSeconds: config.jobsHeartbeat ? 5 : undefined });
  const deps: AppDeps = {
    config, db: database.db, readDb: database.readDb, jobs, clock: systemClock, mailTransport: smtpTransport(config), logger,
    ready: () => databaseReady(database.db),
  };
  const services = createServices(deps);
  const app = await createApp(deps, services);
  return {
    database, jobs, deps, services, app,
    async close() {
      await app.close().catch(() => {});
      await jobs.stop().catch(() => {});
      await database.close().catch(() => {});
    },
  };
}
