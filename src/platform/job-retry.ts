/**
 * How pg-boss retries a failed job and notices a dead worker (decisions/0023). Every queue gets these when
 * `jobs.ts` creates it; the retry schedule must outlast a mail server's outage of 10 minutes or more.
 */
export interface JobRetryPolicy {
  /** Retries after the first run (pg-boss retryLimit). */
  retryLimit: number;
  /** The first retry's delay in seconds; with backoff each next one doubles (pg-boss retryDelay). */
  retryDelay: number;
  /** No single delay is longer than this (pg-boss retryDelayMax). */
  retryDelayMax: number;
}

/** Production: 10 retries, 15 s doubling to at most 10 minutes: the last retry comes no sooner than 55 minutes after the first failure. */
export const JOB_RETRY: JobRetryPolicy = { retryLimit: 10, retryDelay: 15, retryDelayMax: 600 };

/**
 * A running job's worker confirms it is alive this often (pg-boss heartbeatSeconds, at least 10). A job
 * whose worker died (a crash, SIGKILL, a lost machine) is failed once its heartbeat is this old and then
 * retried, instead of staying active until its 15-minute expiry.
 */
export const JOB_HEARTBEAT_SECONDS = 30;

/**
 * The earliest moments (seconds after the first failure) at which each retry can start. pg-boss waits
 * `retryDelay × 2^n / 2 × (1 + random)` before retry n+1 (n from 0), capped at `retryDelayMax`: the lower
 * bound of each wait is `retryDelay × 2^n`, capped. Polling and the worker's batch add a little to each.
 */
export function earliestRetryTimes(policy: JobRetryPolicy): number[] {
  const times: number[] = [];
  let at = 0;
  for (let n = 0; n < policy.retryLimit; n++) {
    at += Math.min(policy.retryDelayMax, Math.max(policy.retryDelay, 1) * 2 ** Math.min(15, n));
    times.push(at);
  }
  return times;
}
