import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// DATE columns stay 'YYYY-MM-DD' strings: a Date would shift a calendar day across time zones.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);
// bigint ids (audit, attempts) as strings; counts are cast explicitly where needed.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => v);

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A query executor: the database itself, or a transaction in progress. */
export type Executor = Db | Tx;

export function createDb(connectionString: string, max = 10): { db: Db; pool: pg.Pool } {
  // A database that cannot be reached (restarting, network cut) fails a request in seconds with the 503 page,
  // rather than leaving it waiting for a connection.
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
  // A broken idle connection (database restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Nor a broken connection checked out between two statements (a transaction awaiting our code): pg emits the
  // error on the client, which without a listener is an uncaught exception. The next statement on it fails
  // (the 503 page) and the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

/** The readiness probe's question: does the database answer a query on our tables? */
export async function databaseReady(db: Db): Promise<boolean> {
  await db.selectFrom('settings').select('key').limit(1).execute();
  return true;
}

/**
 * The database is away (stopped, restarting, unreachable, out of connections), not the request wrong: the
 * request gets the 503 page and the jobs wait; both resume by themselves when it answers again.
 */
export function isDatabaseDown(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300', '08006', '08001', '08003'].includes(code)
    || /Connection terminated|timeout exceeded when trying to connect|not queryable|the database system is (starting up|shutting down|in recovery mode)/i.test((err as Error).message ?? '');
}
