import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from '../db/database';

type Counted = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Counted) => void;

/**
 * @fastify/rate-limit's counters in PostgreSQL (table `rate_limits`), so the per-IP and per-token limits hold
 * for the whole deployment, not per process (decisions/0024). One upsert per limited request: a fixed window
 * per route and client, started again once it has passed. Time is the database's, the same for every instance.
 */
export function postgresRateLimitStore(db: Db): FastifyRateLimitStoreCtor {
  class PostgresRateLimitStore implements FastifyRateLimitStore {
    private scope: string;

    // The plugin constructs the root store with its options; children get the route they limit.
    constructor(scope: unknown) {
      this.scope = typeof scope === 'string' ? scope : '*';
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      sql<{ hits: number; ttl: number }>`
        INSERT INTO rate_limits (key, hits, resets_at) VALUES (${`${this.scope}|${key}`}, 1, now() + ${timeWindow} * interval '1 millisecond')
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN rate_limits.resets_at <= now() THEN 1 ELSE rate_limits.hits + 1 END,
          resets_at = CASE WHEN rate_limits.resets_at <= now() THEN excluded.resets_at ELSE rate_limits.resets_at END
        RETURNING hits, greatest(0, ceil(extract(epoch FROM resets_at - now()) * 1000))::int AS ttl`
        .execute(db)
        .then(({ rows }) => callback(null, { current: rows[0]!.hits, ttl: rows[0]!.ttl }), (err: Error) => callback(err));
    }

    child(routeOptions: unknown): FastifyRateLimitStore {
      const route = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo;
      return new PostgresRateLimitStore(`${[route?.method ?? ''].flat().join(',')} ${route?.url ?? ''}`);
    }
  }
  return PostgresRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}

/** Drops the counters whose window has passed (the housekeeping job). */
export async function purgeRateLimits(db: Db): Promise<number> {
  const res = await db.deleteFrom('rate_limits').where('resets_at', '<', sql<Date>`now()`).executeTakeFirst();
  return Number(res.numDeletedRows);
}
