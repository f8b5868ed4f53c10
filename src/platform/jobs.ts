import { type ConstructorOptions, fromKysely, PgBoss } from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { type Executor, isDatabaseDown } from './db/database';
import { currentContext, runWithContext } from './request-context';
import { JOB_HEARTBEAT_SECONDS, JOB_RETRY } from './job-retry';

/** The do-nothing job scheduled every minute when JOBS_HEARTBEAT is set (app.tsx registerJobs). */
export const HEARTBEAT_JOB = 'platform.heartbeat';

export type JobHandler<T> = (data: T) => Promise<void>;

export interface Jobs {
  /**
   * Queue a job. Given the transaction that makes the business change, the job is written in it and
   * becomes visible only when that transaction commits: work "after commit" that is never lost.
   */
  send<T extends object>(name: string, data: T, tx?: Executor): Promise<void>;
  /** Many jobs of one queue in one statement (bulk work such as a payment import), on the same terms as `send`. */
  sendMany<T extends object>(name: string, data: T[], tx?: Executor): Promise<void>;
  /** The handler must be idempotent: a job may run again after a failure (its own or a batch-mate's). */
  work<T extends object>(name: string, handler: JobHandler<T>): Promise<void>;
  schedule(name: string, cron: string): Promise<void>;
  /** Per queue: jobs waiting (queued or waiting for a retry) and the age of the oldest, read when /metrics is scraped. */
  queueStats(): Promise<QueueStat[]>;
  stop(): Promise<void>;
}

export interface QueueStat {
  queue: string;
  waiting: number;
  /** Seconds since the oldest waiting job was queued; 0 when none waits. */
  oldestSeconds: number;
}

/** The request id a job was queued under (see withRequestId), when it was queued during one. */
interface Traced {
  requestId?: string;
}

/** The job data with the id of the request (or job) that queues it, so the work it leads to logs the same id. */
function withRequestId<T extends object>(data: T): T & Traced {
  const requestId = currentContext()?.requestId;
  return requestId && !('requestId' in data) ? { ...data, requestId } : data;
}

/**
 * The timings a test (or an operator) may shorten: the first retry's delay, the heartbeat, and how often
 * pg-boss looks for jobs whose heartbeat stopped (JOBS_* settings in config.ts; decisions/0023).
 */
export interface JobTimings {
  retryDelaySeconds?: number;
  heartbeatSeconds?: number;
  superviseIntervalSeconds?: number;
}

/**
 * Every PgBoss of the code base (eslint forbids `new PgBoss` elsewhere), with its 'error' listener: pg-boss emits
 * there what its connections hear (a 57P01 when the server ends them, a refused connection while it restarts),
 * and an EventEmitter's 'error' with no listener is an uncaught exception (see pgPool in db/database.ts).
 */
export function pgBoss(options: ConstructorOptions, onError: (err: Error) => void): PgBoss {
  const boss = new PgBoss(options);
  boss.on('error', onError);
  return boss;
}

/**
 * `cronMonitorSeconds`: how often this instance looks for due schedules (pg-boss's default 30 s); shorter
 * with JOBS_HEARTBEAT, so a test sees many competing cron passes of two instances in a minute.
 */
export async function startJobs(connectionString: string, opts: { schedule?: boolean; logger?: FastifyBaseLogger; cronMonitorSeconds?: number } & JobTimings = {}): Promise<Jobs> {
  const log: FastifyBaseLogger = opts.logger ?? pino({ level: 'silent' });
  let stopping = false;
  let lastDown = 0;
  // During shutdown the database goes away under pg-boss's connections: that is expected, not news. While it
  // restarts every poll fails alike and pg-boss resumes by itself: a warning a minute, not an error a poll.
  const onError = (err: Error) => {
    if (stopping) return;
    if (!isDatabaseDown(err)) return console.error(`[jobs] ${err.message}`);
    if (Date.now() - lastDown > 60_000) console.warn(`[jobs] database unavailable, retrying: ${err.message}`);
    lastDown = Date.now();
  };
  const boss = pgBoss({ connectionString, schedule: opts.schedule ?? true, max: 4,
    ...(opts.cronMonitorSeconds ? { cronMonitorIntervalSeconds: opts.cronMonitorSeconds } : {}),
    // A queue's dead jobs are looked for at most once per monitor interval, so both follow the one setting.
    ...(opts.superviseIntervalSeconds ? { superviseIntervalSeconds: opts.superviseIntervalSeconds, monitorIntervalSeconds: opts.superviseIntervalSeconds } : {}),
  }, onError);
  await boss.start();
  const created = new Set<string>();
  const ensureQueue = async (name: string) => {
    if (created.has(name)) return;
    // Retries outlast a 10-minute mail outage (job-retry.ts); a job whose worker died (SIGKILL, a lost
    // machine) fails when its heartbeat stops and is retried, not left active until its 15-minute expiry.
    // pg-boss applies these when it creates the queue: an existing queue keeps its own (decisions/0023).
    await boss.createQueue(name, {
      retryLimit: JOB_RETRY.retryLimit, retryDelay: opts.retryDelaySeconds ?? JOB_RETRY.retryDelay, retryBackoff: true, retryDelayMax: JOB_RETRY.retryDelayMax,
      heartbeatSeconds: opts.heartbeatSeconds ?? JOB_HEARTBEAT_SECONDS,
    });
    created.add(name);
  };

  return {
    async send(name, data, tx) {
      await ensureQueue(name);
      await boss.send(name, withRequestId(data), tx ? { db: fromKysely(tx) } : undefined);
    },
    async sendMany(name, data, tx) {
      if (data.length === 0) return;
      await ensureQueue(name);
      await boss.insert(name, data.map((d) => ({ data: withRequestId(d) })), tx ? { db: fromKysely(tx) } : undefined);
    },
    async work(name, handler) {
      await ensureQueue(name);
      // Up to ten jobs a fetch, fetching again at once while fetches come back full: a backlog (the demo
      // seed's settled invoices, a result file's hundreds) drains in seconds, not at one job per poll.
      // Every job of a batch runs; if one fails, the batch is retried, so handlers must be idempotent
      // (they are: mail delivery skips a sent mail, settled listeners check the state they would change).
      await boss.work(name, { pollingIntervalSeconds: 0.5, batchSize: 10, burstWhenBatchFull: true }, async (jobs: { id: string; data: unknown }[]) => {
        let failure: unknown;
        for (const job of jobs) {
          // Each job runs under the id of the request that queued it (a fresh one for a scheduled job): its log
          // lines, the jobs it queues and the mails it delivers carry that id.
          const requestId = (job.data as Traced | null)?.requestId ?? `job-${job.id}`;
          const jobLog = log.child({ reqId: requestId, job: name, jobId: job.id });
          const started = performance.now();
          try {
            await runWithContext({ requestId, log: jobLog }, () => handler(job.data as never));
            jobLog.info({ ms: Math.round(performance.now() - started) }, 'job done');
          } catch (err) {
            jobLog.warn({ ms: Math.round(performance.now() - started), err: err instanceof Error ? err.message : String(err) }, 'job failed (retried)');
            failure ??= err;
          }
        }
        if (failure) throw failure;
      });
    },
    async schedule(name, cron) {
      await ensureQueue(name);
      await boss.schedule(name, cron, {}, { tz: 'Asia/Tokyo' });
    },
    async queueStats() {
      const rows = await boss.getDb().executeSql(
        `SELECT q.name AS queue, count(j.id)::int AS waiting,
                coalesce(extract(epoch FROM now() - min(j.created_on)), 0)::float AS oldest
           FROM pgboss.queue q LEFT JOIN pgboss.job j ON j.name = q.name AND j.state IN ('created', 'retry')
          GROUP BY q.name ORDER BY q.name`,
      );
      return (rows.rows as { queue: string; waiting: number; oldest: number }[]).map((r) => ({ queue: r.queue, waiting: r.waiting, oldestSeconds: Math.max(0, r.oldest) }));
    },
    async stop() {
      stopping = true;
      const stopped = new Promise<void>((resolve) => boss.once('stopped', () => resolve()));
      await boss.stop({ graceful: true, timeout: 5000 });
      // stop() resolves when shutdown starts; 'stopped' says the workers and the pool are done.
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 6000))]);
    },
  };
}
