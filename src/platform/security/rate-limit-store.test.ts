import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/database';
import { freshDatabase } from '../../test/app';
import { postgresRateLimitStore, purgeRateLimits } from './rate-limit-store';

let db: Db;
beforeAll(async () => {
  ({ db } = createDb(await freshDatabase(), 4));
});
afterAll(() => db.destroy());

describe('the rate limiter\'s PostgreSQL store', () => {
  const Store = () => new (postgresRateLimitStore(db))({});
  const incr = (store: ReturnType<typeof Store>, key: string, windowMs: number) =>
    new Promise<{ current: number; ttl: number }>((resolve, reject) => store.incr(key, (err, res) => (err ? reject(err) : resolve(res!)), windowMs, 10));
  const resetsAt = async (key: string) => (await db.selectFrom('rate_limits').select('resets_at').where('key', '=', key).executeTakeFirstOrThrow()).resets_at;
  /** The counter's window has passed, as the database's clock sees it (the store reads no clock of ours: no FakeClock reaches it). */
  const windowPassed = (key: string) => db.updateTable('rate_limits').set({ resets_at: sql<Date>`now() - interval '1 second'` }).where('key', '=', key).execute();

  it('counts per route and key inside the window, then starts again; two stores on one table share the count', async () => {
    const root = Store();
    const login = root.child({ routeInfo: { method: 'POST', url: '/login' } } as never);
    const sameRouteElsewhere = Store().child({ routeInfo: { method: 'POST', url: '/login' } } as never);
    const verify = root.child({ routeInfo: { method: 'GET', url: '/verify/:code' } } as never);
    expect((await incr(login, '10.0.0.1', 60_000)).current).toBe(1);
    const window = await resetsAt('POST /login|10.0.0.1');
    expect((await incr(sameRouteElsewhere, '10.0.0.1', 60_000)).current).toBe(2);
    const third = await incr(login, '10.0.0.1', 60_000);
    expect(third.current).toBe(3);
    // A fixed window: hits inside it do not move its end, and the time left is counted from that end.
    expect(await resetsAt('POST /login|10.0.0.1')).toEqual(window);
    expect(third.ttl).toBeGreaterThan(0);
    expect(third.ttl).toBeLessThanOrEqual(60_000);
    expect((await incr(verify, '10.0.0.1', 60_000)).current).toBe(1);
    expect((await incr(login, '10.0.0.2', 60_000)).current).toBe(1);

    expect((await incr(login, '10.0.0.3', 60_000)).current).toBe(1);
    expect((await incr(login, '10.0.0.3', 60_000)).current).toBe(2);
    await windowPassed('POST /login|10.0.0.3');
    const again = await incr(login, '10.0.0.3', 60_000);
    expect(again.current).toBe(1);
    expect(again.ttl).toBeGreaterThan(0); // a new window, ending in the future again
  });

  it('purges only the counters whose window has passed', async () => {
    const store = Store().child({ routeInfo: { method: 'POST', url: '/password/forgot' } } as never);
    await incr(store, 'short', 60_000);
    await incr(store, 'long', 60_000);
    await windowPassed('POST /password/forgot|short');
    expect(await purgeRateLimits(db)).toBeGreaterThanOrEqual(1);
    const keys = (await db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
    expect(keys).toContain('POST /password/forgot|long');
    expect(keys).not.toContain('POST /password/forgot|short');
  });
});
