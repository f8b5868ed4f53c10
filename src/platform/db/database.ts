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

/**
 * Every pg pool and client of the code base comes from here (eslint forbids `new pg.Pool` / `new pg.Client`
 * elsewhere), with its 'error' listeners attached. PostgreSQL ends a session with 57P01 on pg_terminate_backend,
 * DROP DATABASE … WITH (FORCE) or a fast shutdown, and a crash or a cut network ends it without a word; pg then
 * emits 'error' on the client (or, for an idle pooled one, on the pool), which with no listener is an uncaught
 * exception: the process exits, and a test run fails on it ("Unhandled Errors") though every test passed.
 *
 * The listeners have nothing to do. A broken idle connection is dropped by the pool, which opens a new one for
 * the next caller. A broken connection checked out between two statements (a transaction awaiting our code)
 * fails its next statement — the 503 page, or the job's retry — and the pool discards it when it is released.
 * A client of our own fails its next query. The error is the caller's, when there is one.
 */
export function pgPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', ignore);
  // The pool takes its own listener off a client while it is checked out: ours stays for the client's life.
  pool.on('connect', (client) => client.on('error', ignore));
  return pool;
}

/** A connection of its own (an administrator's CREATE / DROP DATABASE, a test's second role), see pgPool. */
export function pgClient(config: string | pg.ClientConfig): pg.Client {
  const client = new pg.Client(config);
  client.on('error', ignore);
  return client;
}

const ignore = () => {};

export function createDb(connectionString: string, max = 10): { db: Db; pool: pg.Pool } {
  // A database that cannot be reached (restarting, network cut) fails a request in seconds with the 503 page,
  // rather than leaving it waiting for a connection.
  const pool = pgPool({ connectionString, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
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
