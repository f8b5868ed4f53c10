import { AsyncLocalStorage } from 'node:async_hooks';
import { TransactionBuilder } from 'kysely';
import type pg from 'pg';

/**
 * Code inside a transaction that reads through `this.deps.db` instead of the transaction takes a second
 * connection while holding the first. Under load every connection of the pool can be held by a transaction
 * waiting for a second one: the pool deadlocks (until its connect timeout, then every one of them is a 503).
 * This records each place that does it (a short stack), once, so a test can require that none does.
 */
export function watchNestedConnections(pool: pg.Pool): string[] {
  const found: string[] = [];
  const inTransaction = new AsyncLocalStorage<{ connected: boolean }>();
  const record = () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 40;
    const stack = (new Error().stack ?? '').split('\n').filter((l) => l.includes('/src/') && !l.includes('/src/test/')).slice(0, 8).map((l) => l.trim()).join(' ← ');
    Error.stackTraceLimit = limit;
    if (!found.includes(stack)) found.push(stack);
  };
  const proto = TransactionBuilder.prototype as unknown as { execute: (this: unknown, fn: unknown) => Promise<unknown> };
  const execute = proto.execute;
  proto.execute = function (fn) {
    if (inTransaction.getStore()) record();
    return inTransaction.run({ connected: false }, () => execute.call(this, fn));
  };
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { connect: typeof connect }).connect = (...args) => {
    const tx = inTransaction.getStore();
    if (tx?.connected) record();
    else if (tx) tx.connected = true;
    return connect(...args);
  };
  return found;
}
