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

  it('counts per route and key inside the window, then starts again; two stores on one table share the count', async () => {
    const root = Store();
    const login = root.child({ routeInfo: { method: 'POST', url: '/login' } } as never);
    const sameRouteElsewhere = Store().child({ routeInfo: { method: 'POST', url: '/login' } } as never);
    const verify = root.child({ routeInfo: { method: 'GET', url: '/verify/:code' } } as never);
    expect((await incr(login, '10.0.0.1', 60_000)).current).toBe(1);
    expect((await incr(sameRouteElsewhere, '10.0.0.1', 60_000)).current).toBe(2);
    const third = await incr(login, '10.0.0.1', 60_000);
    expect(third.current).toBe(3);
    expect(third.ttl).toBeGreaterThan(50_000);
    expect(third.ttl).toBeLessThanOrEqual(60_000);
    expect((await incr(verify, '10.0.0.1', 60_000)).current).toBe(1);
    expect((await incr(login, '10.0.0.2', 60_000)).current).toBe(1);

    expect((await incr(login, '10.0.0.3', 200)).current).toBe(1);
    expect((await incr(login, '10.0.0.3', 200)).current).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect((await incr(login, '10.0.0.3', 200)).current).toBe(1);
  });

  it('purges only the counters whose window has passed', async () => {
    const store = Store().child({ routeInfo: { method: 'POST', url: '/password/forgot' } } as never);
    await incr(store, 'short', 100);
    await incr(store, 'long', 60_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(await purgeRateLimits(db)).toBeGreaterThanOrEqual(1);
    const keys = (await db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
    expect(keys).toContain('POST /password/forgot|long');
    expect(keys).not.toContain('POST /password/forgot|short');
  });
});
