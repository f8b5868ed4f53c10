import { AsyncLocalStorage } from 'node:async_hooks';
import { ConnectionBuilder, TransactionBuilder } from 'kysely';
import pg from 'pg';
import { expect } from 'vitest';

/**
 * Code inside a transaction that reads through `this.deps.db` instead of the transaction takes a second
 * connection while holding the first. Under load every connection of the pool can be held by a transaction
 * waiting for a second one: the pool deadlocks (until its connect timeout, then every one of them is a 503).
 * The rule (decisions/0022, 0027): inside a transaction every query goes through that transaction.
 *
 * Every pool the tests build an app on is watched (`watchPool`: createTestApp, oneConnectionApp). A connection
 * asked of a watched pool by code running inside a transaction (or `db.connection()`) that already holds one of
 * that pool is recorded with the stack of the call; src/test/setup.ts fails the test it happened in.
 *
 * Installed once per process: the Kysely and pg classes are patched once (vitest re-evaluates this file for
 * every test file of a worker, the node_modules classes it patches are shared), the state lives on globalThis.
 */

export interface NestedConnection {
  /** The calls that led to it, innermost first (our source files only). */
  stack: string;
  /** The test running when it happened (undefined in a beforeAll / afterAll hook). */
  test?: string;
}

/** A transaction (or a connection scope) in progress: the pool its own connection came from. */
interface Scope {
  outer?: Scope;
  /** Set by the first connection asked for inside the scope: the scope's own. */
  own?: pg.Pool;
  taken: boolean;
  open: boolean;
}

interface Guard {
  scopes: AsyncLocalStorage<Scope>;
  /** Watched pools and what each recorded (distinct stacks), for a test that asks about one app. */
  watched: WeakMap<pg.Pool, string[]>;
  /** Not yet reported to a test (drained by setup.ts after each test). */
  unreported: NestedConnection[];
}

const KEY = Symbol.for('koushin.test.pool-guard');

function guard(): Guard {
  const global = globalThis as { [KEY]?: Guard };
  return (global[KEY] ??= install());
}

function install(): Guard {
  const g: Guard = { scopes: new AsyncLocalStorage<Scope>(), watched: new WeakMap(), unreported: [] };

  // A transaction (and a `db.connection()` scope) runs its callback in a scope of its own; the first connection
  // asked for inside it is the one it holds. Once it has ended, work it started (not awaited) is no longer inside.
  for (const proto of [TransactionBuilder.prototype, ConnectionBuilder.prototype] as unknown as { execute: (this: unknown, ...args: unknown[]) => Promise<unknown> }[]) {
    const execute = proto.execute;
    proto.execute = function (...args) {
      const outer = g.scopes.getStore();
      const scope: Scope = { outer: outer?.open ? outer : undefined, taken: false, open: true };
      return g.scopes.run(scope, async () => {
        try {
          return await execute.apply(this, args);
        } finally {
          scope.open = false;
        }
      });
    };
  }

  // pg.Pool is the class every pool of the process is made from (ours through createDb, pg-boss's too).
  const poolProto = pg.Pool.prototype as unknown as { connect: (this: pg.Pool, ...args: unknown[]) => unknown };
  const connect = poolProto.connect;
  poolProto.connect = function (...args) {
    const scope = g.scopes.getStore();
    if (scope?.open) {
      if (!scope.taken) {
        scope.taken = true;
        scope.own = this;
        if (holds(scope.outer, this)) record(g, this);
      } else if (holds(scope, this)) {
        record(g, this);
      }
    }
    return connect.apply(this, args);
  };
  return g;
}

/** Does this scope, or one it runs inside, hold a connection of the pool? */
function holds(scope: Scope | undefined, pool: pg.Pool): boolean {
  for (let s = scope; s; s = s.outer) if (s.open && s.own === pool) return true;
  return false;
}

function record(g: Guard, pool: pg.Pool): void {
  const found = g.watched.get(pool);
  if (!found) return;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const raw = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const stack = raw.split('\n').slice(1)
    .filter((l) => l.includes('/src/') && !l.includes('/node_modules/') && !l.includes('/src/test/pool-guard.ts'))
    .slice(0, 12).map((l) => l.trim()).join('\n      ');
  if (!found.includes(stack)) found.push(stack);
  g.unreported.push({ stack, test: expect.getState().currentTestName });
}

/**
 * Watch a pool: from now on a second connection asked of it inside one of its transactions is recorded.
 * Returns the pool's own list of distinct stacks (TestApp.nestedConnections).
 */
export function watchPool(pool: pg.Pool): string[] {
  const g = guard();
  let found = g.watched.get(pool);
  if (!found) g.watched.set(pool, (found = []));
  return found;
}

/** What was recorded since the last call (setup.ts fails the test with it). */
export function takeNestedConnections(): NestedConnection[] {
  const g = guard();
  return g.unreported.splice(0);
}

/** The failure message for what `takeNestedConnections` returned. */
export function describeNestedConnections(found: NestedConnection[]): string {
  const distinct = [...new Map(found.map((f) => [f.stack, f])).values()];
  return `a second pool connection was taken inside a transaction (the pool deadlock of decisions/0022; read through \`tx\`, decisions/0027):\n`
    + distinct.map((f) => `  ${f.test ? `during "${f.test}"` : 'outside a test (beforeAll/afterAll)'}:\n      ${f.stack || '(no frame of ours)'}`).join('\n');
}
