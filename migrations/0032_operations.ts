import { type Kysely, sql } from 'kysely';

/**
 * The id of the request (or job) that queued a mail: the outbox row joins the request's and the job's log
 * lines (decisions/0026). Nullable: mails queued before this migration, or by a CLI, have none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE mails ADD COLUMN request_id text`.execute(db);
}
