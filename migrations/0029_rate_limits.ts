import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The per-IP / per-token request counters of @fastify/rate-limit, shared by every instance (decisions/0024):
  // one row per route and client, counted until resets_at, then started again. Expired rows are purged by a job.
  await sql`
    CREATE TABLE rate_limits (
      key        text PRIMARY KEY,
      hits       integer NOT NULL,
      resets_at  timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX rate_limits_resets_at ON rate_limits (resets_at)`.execute(db);
}
