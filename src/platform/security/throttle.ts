import { sql } from 'kysely';
import type { Clock } from '../clock';
import type { Db, Executor } from '../db/database';

const WINDOW_MS = 15 * 60_000;
const FREE_FAILURES = 5;
const BASE_DELAY_MS = 30_000;
/** The longest an attacker can keep a real member out: a quarter of an hour, then one try again. */
const MAX_DELAY_MS = 15 * 60_000;

/**
 * Per-account brute-force brake. After 5 failures inside 15 minutes each further try must wait a
 * growing delay (30 s, 60 s, 2 min … at most 15 min) counted from the last failure. A success clears it.
 * Per-IP limits are @fastify/rate-limit's job (app.ts).
 */
export class LoginThrottle {
  constructor(private db: Db, private clock: Clock) {}

  /**
   * Check and record in one step, serialised per account: under a transaction-scoped advisory lock on the account,
   * the recent failures are counted and, when a try is allowed, the attempt is recorded as a failure before the
   * password or code is checked (`settle` turns it into a success). So N concurrent tries get exactly the
   * allowance; the rest wait. Returns the attempt to settle, or the milliseconds still to wait.
   */
  async admit(realm: string, accountKey: string, ip: string): Promise<{ attempt: string } | { waitMs: number }> {
    return this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`login:${realm}:${accountKey}`}))`.execute(tx);
      const waitMs = await this.wait(tx, realm, accountKey);
      if (waitMs > 0) return { waitMs };
      const row = await tx
        .insertInto('login_attempts')
        .values({ realm, account_key: accountKey, ip, succeeded: false, created_at: this.clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { attempt: row.id };
    });
  }

  /** The admitted attempt's outcome: a success clears the brake; a failure is already counted. */
  async settle(attempt: string, succeeded: boolean): Promise<void> {
    if (!succeeded) return;
    await this.db.updateTable('login_attempts').set({ succeeded: true }).where('id', '=', attempt).execute();
  }

  /** Milliseconds the account must still wait; 0 when a try is allowed now. */
  private async wait(db: Executor, realm: string, accountKey: string): Promise<number> {
    const now = this.clock.now().getTime();
    const rows = await db
      .selectFrom('login_attempts')
      .select(['succeeded', 'created_at'])
      .where('realm', '=', realm)
      .where('account_key', '=', accountKey)
      .where('created_at', '>', new Date(now - WINDOW_MS))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    const failures: Date[] = [];
    for (const row of rows) {
      if (row.succeeded) break;
      failures.push(row.created_at);
    }
    if (failures.length < FREE_FAILURES) return 0;
    const delay = Math.min(BASE_DELAY_MS * 2 ** (failures.length - FREE_FAILURES), MAX_DELAY_MS);
    const last = failures[0]!.getTime();
    return Math.max(0, last + delay - now);
  }
}
