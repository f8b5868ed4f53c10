import crypto from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { migrations } from '../../../migrations/index';
import { pgClient, pgPool } from './database';
import { migrateToLatest } from './migrate';

// Every instance migrates on start (runtime.ts openDatabase): two replicas of a rolling deployment start together.
describe('migrations started by two instances at once', () => {
  const name = `t_mig_${crypto.randomBytes(6).toString('hex')}`;
  const url = inject('pgAdminUrl').replace(/\/postgres$/, `/${name}`);
  const open = () => new Kysely<unknown>({ dialect: new PostgresDialect({ pool: pgPool({ connectionString: url, max: 2 }) }) });
  const dbs: Kysely<unknown>[] = [];

  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.destroy()));
    const admin = pgClient({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('apply every migration exactly once on an empty database: whichever of the two takes the lock', async () => {
    const admin = pgClient({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    dbs.push(open(), open());

    const [first, second] = await Promise.all(dbs.map((db) => migrateToLatest(db)));
    const all = Object.keys(migrations).sort();
    expect([...first!, ...second!].sort()).toEqual(all);
    const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(dbs[0]!);
    expect(applied.rows.map((r) => r.name)).toEqual(all);
    // A third start (the next rolling restart) has nothing to do.
    expect(await migrateToLatest(dbs[1]!)).toEqual([]);
  });
});
