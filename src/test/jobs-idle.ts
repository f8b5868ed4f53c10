import { sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { MAIL_JOB } from '../platform/mail/mailer';

export interface JobsIdleOptions {
  /**
   * Also wait for work scheduled for later: a job waiting for its retry's backoff (or sent with a start time
   * in the future) and a queued mail whose delivery job waits so. Off by default: a failed mail delivery
   * retries 15 s and more later (job-retry.ts), and "nothing more will happen now" is what a test asserts.
   */
  includeDelayed?: boolean;
  /** Queues no worker of the test takes (a backlog the test builds on purpose): their jobs do not count. */
  ignoreQueues?: string[];
  /** How long to wait before failing, naming what is still pending (default 20 s, inside the 30 s test timeout). */
  timeoutMs?: number;
}

interface PendingJobs {
  name: string;
  state: string;
  n: number;
}

/**
 * Resolves once the background work of this database is done: no pg-boss job created, running or due for a
 * retry (pgboss.job states created / retry / active) and no mail left queued in the outbox (`mails`, status
 * `queued`: delivered mails are `sent`, refused ones `failed` until their retry). Jobs queue jobs only from
 * inside a running job, and a mail is `sent` only after the SMTP server kept it, so once this resolves every
 * effect of the work queued so far has happened: await it before asserting that something did NOT happen
 * (no second mail, no listener called). It is for "nothing else is coming"; a positive wait is
 * `expect.poll(() => what you assert)`.
 *
 * Takes the TestApp (or any `{ db }`) or the database itself (a test whose app runs in another process).
 * Polls every 50 ms; after `timeoutMs` it fails with what is still pending.
 */
export async function jobsIdle(target: Db | { db: Db }, opts: JobsIdleOptions = {}): Promise<void> {
  const db = 'selectFrom' in target ? target : target.db;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await pendingWork(db, opts);
    if (!pending) return;
    if (Date.now() > deadline) throw new Error(`background work still pending after ${timeoutMs} ms: ${pending}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What keeps the database from being idle, in words; null when it is idle. */
async function pendingWork(db: Db, opts: JobsIdleOptions): Promise<string | null> {
  const delayed = opts.includeDelayed ?? false;
  const ignore = opts.ignoreQueues ?? [];
  // A database pg-boss never started on has no job table: no jobs.
  const { rows: [schema] } = await sql<{ present: boolean }>`SELECT to_regclass('pgboss.job') IS NOT NULL AS present`.execute(db);
  const jobs = schema!.present
    ? (await sql<PendingJobs>`
        SELECT name, state::text AS state, count(*)::int AS n FROM pgboss.job
         WHERE state IN ('created', 'retry', 'active')
           AND (state = 'active' OR start_after <= now() OR ${delayed})
           AND NOT (name = ANY(${ignore}::text[]))
         GROUP BY name, state ORDER BY name, state`.execute(db)).rows
    : [];
  // A queued mail whose delivery job waits for a later retry (its worker died mid-send) is delayed work too.
  const waitsForRetry = delayed || !schema!.present ? sql<boolean>`false` : sql<boolean>`EXISTS (
    SELECT 1 FROM pgboss.job j
     WHERE j.name = ${MAIL_JOB} AND j.state IN ('created', 'retry') AND j.start_after > now() AND j.data->>'mailId' = m.id::text)`;
  const mails = (await sql<{ id: number }>`
    SELECT m.id FROM mails m WHERE m.status = 'queued' AND NOT ${waitsForRetry} ORDER BY m.id LIMIT 20`.execute(db)).rows;
  if (jobs.length === 0 && mails.length === 0) return null;
  const parts = jobs.map((j) => `${j.name}: ${j.n} ${j.state}`);
  if (mails.length) parts.push(`mails still queued: #${mails.map((m) => m.id).join(', #')}${mails.length === 20 ? ' …' : ''}`);
  return parts.join('; ');
}
