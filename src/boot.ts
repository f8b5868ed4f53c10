import { type AppDeps, createApp, createServices, type Services } from './app';
import { systemClock } from './platform/clock';
import type { Config } from './platform/config';
import { databaseReady } from './platform/db/database';
import { type Jobs, startJobs } from './platform/jobs';
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
  const jobs = await startJobs(database.connectionString);
  const deps: AppDeps = {
    config, db: database.db, jobs, clock: systemClock, mailTransport: smtpTransport(config),
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
