import crypto from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createTestApp, freshDatabase, type TestApp } from '../../test/app';
import { createMember } from '../../test/factories';
import { Program } from '../../test/program';
import { signInMember } from '../../test/sign-in';
import { isDatabaseDown, pgClient, pgPool } from './database';

/*
 * PostgreSQL ends a session with 57P01 ("terminating connection due to administrator command") on
 * pg_terminate_backend, DROP DATABASE … WITH (FORCE) and a fast shutdown. A pg client or pool that hears it with
 * no 'error' listener throws an uncaught exception: the production process exits, and `vitest run` reports
 * "Unhandled Errors" and fails though every test passed. These tests fail that way if a listener is missing;
 * they add no listener of their own (one on process 'uncaughtException' would hide the errors from Vitest).
 */

let t: TestApp;
let admin: pg.Client;

beforeAll(async () => {
  t = await createTestApp();
  admin = pgClient({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await t?.close();
});

const databaseOf = (url: string) => new URL(url).pathname.slice(1);

/** Ends every session on the database; resolves once the server has let them all go. */
async function terminateAll(database: string): Promise<number> {
  // In the select list, not the WHERE clause: there the planner may call it before `datname` has filtered.
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
  for (;;) {
    const left = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [rows.map((r) => r.pid)]);
    if (left.rowCount === 0) return rows.length;
  }
}

describe('connections ended by the server (57P01)', () => {
  it('the app\'s idle and checked-out connections and pg-boss\'s: the next request answers, jobs run again', async () => {
    const m = await createMember(t.db, { member_number: '196001' });
    const c = await signInMember(t, m.member_number);
    expect((await c.get('/')).statusCode).toBe(200);
    const ran: string[] = [];
    await t.jobs.work<{ n: string }>('test.terminated', async (data) => void ran.push(data.n));
    await t.jobs.send('test.terminated', { n: 'before' });
    await expect.poll(() => ran, { timeout: 10_000 }).toEqual(['before']);

    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});

    // A transaction awaiting our code between two statements holds a checked-out connection.
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    let go!: () => void;
    const held = new Promise<void>((resolve) => (go = resolve));
    const tx = t.db.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx);
      inside();
      await held;
      await sql`SELECT 2`.execute(trx);
    });
    await opened;
    // The app's pool (idle connections and the transaction's) and pg-boss's: more than one session.
    expect(await terminateAll(databaseOf(t.config.databaseUrl!))).toBeGreaterThan(1);
    go();
    // The transaction's next statement fails: its request gets the 503 page.
    expect(isDatabaseDown(await tx.then(() => null, (err: unknown) => err))).toBe(true);

    // The pool lets each dead connection go once pg has read its 57P01; a request that took one from the pool
    // just before gets the 503 page (that race is the policy, not a failure). Then pages are served on new ones.
    await expect.poll(async () => (await c.get('/')).statusCode, { timeout: 10_000 }).toBe(200);
    expect((await c.get('/credits')).statusCode).toBe(200);
    await t.jobs.send('test.terminated', { n: 'after' });
    await expect.poll(() => ran, { timeout: 15_000 }).toEqual(['before', 'after']);
    // pg-boss heard it too: one warning, not an uncaught error.
    expect(warned.mock.calls.flat().join('\n')).toMatch(/\[jobs\] database unavailable, retrying: terminating connection due to administrator command/);
  });

  it('the real program (src/main.ts): its sessions ended, it keeps running and answers on new ones', async () => {
    const url = await freshDatabase();
    const program = new Program({
      NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, SESSION_SECRET: 'terminated-test-session-secret-0123456789abcdef',
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(t.mail.port), MAIL_FROM: 'Koushin <no-reply@koushin.test>',
    });
    try {
      await program.start();
      const ready = () => fetch(`${program.url}/readyz`).then((r) => r.status, () => 0);
      expect(await ready()).toBe(200);
      expect(await terminateAll(databaseOf(url))).toBeGreaterThan(1);
      // A request that took a pooled connection before the program read its 57P01 gets the 503 page; the pool
      // then opens new ones. An uncaught error would have ended the process.
      await expect.poll(async () => (program.running ? ready() : `the program exited:\n${program.output}`), { timeout: 10_000 }).toBe(200);
      expect(program.running, program.output).toBe(true);
    } finally {
      await program.stop();
    }
  }, 120_000);

  it('a client and a pool of our own on a database dropped WITH (FORCE): each fails its next query, nothing uncaught', async () => {
    const name = `t_drop_${crypto.randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = inject('pgAdminUrl').replace(/\/postgres$/, `/${name}`);
    const client = pgClient({ connectionString: url });
    await client.connect();
    const pool = pgPool({ connectionString: url, max: 3 });
    // One pooled connection idle, one checked out.
    const [idle, checkedOut] = [await pool.connect(), await pool.connect()];
    idle.release();
    expect([pool.totalCount, pool.idleCount]).toEqual([2, 1]);
    try {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await expect(client.query('SELECT 1')).rejects.toThrow();
      await expect(checkedOut.query('SELECT 1')).rejects.toThrow();
    } finally {
      checkedOut.release(true);
      await client.end();
      await pool.end();
    }
  });
});
