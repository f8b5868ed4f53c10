import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../platform/db/database';
import { freshDatabase } from './app';
import { describeNestedConnections, takeNestedConnections, watchPool } from './pool-guard';

/** The guard every integration test runs under (setup.ts): what it records, and what it leaves alone. */
let url: string;
let watched: ReturnType<typeof createDb>;
let other: ReturnType<typeof createDb>;

beforeAll(async () => {
  url = await freshDatabase();
  watched = createDb(url, 3);
  other = createDb(url, 3);
  watchPool(watched.pool);
});
afterAll(async () => {
  await watched.db.destroy();
  await other.db.destroy();
});

const read = (db: Db) => db.selectFrom('settings').select('key').execute();

describe('pool guard', () => {
  it('records a read through the pool inside a transaction, with the stack of the call', async () => {
    await watched.db.transaction().execute(async (tx) => {
      await read(tx);
      await read(watched.db);
    });
    const found = takeNestedConnections();
    expect(found).toHaveLength(1);
    expect(found[0]!.stack).toContain('src/test/pool-guard.test.ts');
    expect(found[0]!.test).toBe('pool guard > records a read through the pool inside a transaction, with the stack of the call');
    expect(describeNestedConnections(found)).toMatch(/^a second pool connection was taken inside a transaction/);
  });

  it('records a transaction opened inside a transaction and a read inside db.connection()', async () => {
    await watched.db.transaction().execute(async () => {
      await watched.db.transaction().execute(read);
    });
    await watched.db.connection().execute(async () => {
      await read(watched.db);
    });
    expect(takeNestedConnections()).toHaveLength(2);
  });

  it('leaves alone: reads through the transaction, before and after it, another pool, unwatched pools, work that outlives the commit', async () => {
    await read(watched.db);
    // Queued inside the transaction (its async context), run once the transaction has committed.
    let committed!: () => void;
    const commit = new Promise<void>((resolve) => (committed = resolve));
    let later: Promise<unknown> = Promise.resolve();
    await watched.db.transaction().execute(async (tx) => {
      await read(tx);
      await read(other.db);
      await other.db.transaction().execute(read);
      later = commit.then(() => read(watched.db));
    });
    committed();
    await later;
    await other.db.transaction().execute(async () => read(other.db));
    await Promise.all([watched.db.transaction().execute(read), watched.db.transaction().execute(read), read(watched.db)]);
    expect(takeNestedConnections()).toEqual([]);
  });
});
