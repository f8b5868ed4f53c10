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
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  // A broken idle connection (database restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}
