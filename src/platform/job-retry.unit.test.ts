import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { earliestRetryTimes, JOB_HEARTBEAT_SECONDS, JOB_RETRY } from './job-retry';

describe('the job retry schedule (the constants jobs.ts gives every queue)', () => {
  it('outlasts a mail server that refuses for 10 minutes, and retries at least every 10 minutes until the last', () => {
    const times = earliestRetryTimes(JOB_RETRY);
    expect(times).toEqual([15, 45, 105, 225, 465, 945, 1545, 2145, 2745, 3345]);
    // A server back after 10 minutes still has retries ahead of it …
    expect(times.filter((t) => t > 600).length).toBeGreaterThanOrEqual(5);
    // … and the waits between them grow to retryDelayMax (10 minutes), no further.
    const gaps = times.map((t, i) => t - (times[i - 1] ?? 0));
    expect(Math.max(...gaps)).toBe(JOB_RETRY.retryDelayMax);
    // The last retry comes no sooner than 55 minutes after the first failure.
    expect(times.at(-1)!).toBeGreaterThan(55 * 60);
  });

  it('follows the delay it is given: the tests’ shortened schedule (JOBS_RETRY_DELAY_SECONDS=1) keeps the same shape', () => {
    expect(earliestRetryTimes({ ...JOB_RETRY, retryDelay: 1 })).toEqual([1, 3, 7, 15, 31, 63, 127, 255, 511, 1023]);
  });

  it('is what production runs unless told otherwise', () => {
    expect(loadConfig({}).jobs).toEqual({ retryDelaySeconds: JOB_RETRY.retryDelay, heartbeatSeconds: JOB_HEARTBEAT_SECONDS, superviseIntervalSeconds: 60 });
    expect(() => loadConfig({ JOBS_HEARTBEAT_SECONDS: '5' })).toThrow(/JOBS_HEARTBEAT_SECONDS/);
  });
});
