import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createApp, createServices } from '../app';
import { createDb, type Db } from '../platform/db/database';
import { smtpTransport } from '../platform/mail/mailer';
import { createTestApp, type TestApp } from './app';
import { watchPool } from './pool-guard';

/**
 * The same app on a pool of ONE connection (same database, jobs, clock and mail as `t`). A transaction that
 * asks the pool for a second connection while it holds the first waits forever here; under load (a pool of 20,
 * hundreds of members) the same code starves the whole pool and every page hangs: `npm run bench:load` found it.
 */
export interface OneConnectionApp {
  app: FastifyInstance;
  db: Db;
  close(): Promise<void>;
}

export async function oneConnectionApp(t: TestApp): Promise<OneConnectionApp> {
  const { db, pool } = createDb(t.config.databaseUrl!, 1);
  // A second connection here waits forever (answered fails the request); the guard also names the call.
  watchPool(pool);
  const deps = { config: t.config, db, jobs: t.jobs, clock: t.clock, mailTransport: smtpTransport(t.config) };
  const app = await createApp(deps, createServices(deps));
  await app.ready();
  return { app, db, async close() { await app.close(); await db.destroy(); } };
}

/** The request, or a failure naming it when it has not answered in 5 s (a transaction waiting for a second connection). */
export async function answered<T>(what: string, request: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer in 5 s: it waits for a second pool connection`)), 5_000);
  });
  try {
    return await Promise.race([request, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A one-connection test file's hooks: before its tests, a test app on `now` prepared by `prepare` (seeds), and the
 * same app on one connection, handed to `use`; after them, both closed.
 */
export function withOneConnectionApp(now: string, prepare: (t: TestApp) => Promise<unknown>, use: (t: TestApp, one: OneConnectionApp) => void): void {
  let t: TestApp | undefined;
  let one: OneConnectionApp | undefined;
  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set(new Date(now));
    await prepare(t);
    one = await oneConnectionApp(t);
    use(t, one);
  });
  afterAll(async () => {
    await one?.close();
    await t?.close();
  });
}
