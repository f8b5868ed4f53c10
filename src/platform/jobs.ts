import { fromKysely, PgBoss } from 'pg-boss';
import { type Executor, isDatabaseDown } from './db/database';

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

export async function startJobs(connectionString: string, opts: { schedule?: boolean } = {}): Promise<Jobs> {
  const boss = new PgBoss({ connectionString, schedule: opts.schedule ?? true, max: 4 });
  let stopping = false;
  let lastDown = 0;
  // During shutdown the database goes away under pg-boss's connections: that is expected, not news. While it
  // restarts every poll fails alike and pg-boss resumes by itself: a warning a minute, not an error a poll.
  boss.on('error', (err: Error) => {
    if (stopping) return;
    if (!isDatabaseDown(err)) return console.error(`[jobs] ${err.message}`);
    if (Date.now() - lastDown > 60_000) console.warn(`[jobs] database unavailable, retrying: ${err.message}`);
    lastDown = Date.now();
  });
  await boss.start();
  const created = new Set<string>();
  const ensureQueue = async (name: string) => {
    if (created.has(name)) return;
    await boss.createQueue(name, { retryLimit: 10, retryDelay: 15, retryBackoff: true, retryDelayMax: 600 });
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
