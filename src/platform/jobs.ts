import { fromKysely, PgBoss } from 'pg-boss';
import type { Executor } from './db/database';
import { JOB_HEARTBEAT_SECONDS, JOB_RETRY } from './job-retry';

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
  stop(): Promise<void>;
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

export async function startJobs(connectionString: string, opts: { schedule?: boolean } & JobTimings = {}): Promise<Jobs> {
  const boss = new PgBoss({ connectionString, schedule: opts.schedule ?? true, max: 4,
    // A queue's dead jobs are looked for at most once per monitor interval, so both follow the one setting.
    ...(opts.superviseIntervalSeconds ? { superviseIntervalSeconds: opts.superviseIntervalSeconds, monitorIntervalSeconds: opts.superviseIntervalSeconds } : {}),
  });
  let stopping = false;
  // During shutdown the database goes away under pg-boss's connections: that is expected, not news.
  boss.on('error', (err: Error) => {
    if (!stopping) console.error(`[jobs] ${err.message}`);
  });
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
      await boss.send(name, data, tx ? { db: fromKysely(tx) } : undefined);
    },
    async sendMany(name, data, tx) {
      if (data.length === 0) return;
      await ensureQueue(name);
      await boss.insert(name, data.map((d) => ({ data: d })), tx ? { db: fromKysely(tx) } : undefined);
    },
    async work(name, handler) {
      await ensureQueue(name);
      // Up to ten jobs a fetch, fetching again at once while fetches come back full: a backlog (the demo
      // seed's settled invoices, a result file's hundreds) drains in seconds, not at one job per poll.
      // Every job of a batch runs; if one fails, the batch is retried, so handlers must be idempotent
      // (they are: mail delivery skips a sent mail, settled listeners check the state they would change).
      await boss.work(name, { pollingIntervalSeconds: 0.5, batchSize: 10, burstWhenBatchFull: true }, async (jobs: { data: unknown }[]) => {
        let failure: unknown;
        for (const job of jobs) {
          try {
            await handler(job.data as never);
          } catch (err) {
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
    async stop() {
      stopping = true;
      const stopped = new Promise<void>((resolve) => boss.once('stopped', () => resolve()));
      await boss.stop({ graceful: true, timeout: 5000 });
      // stop() resolves when shutdown starts; 'stopped' says the workers and the pool are done.
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 6000))]);
    },
  };
}
