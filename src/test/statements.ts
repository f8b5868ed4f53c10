import pg from 'pg';

/**
 * The SQL statements this process sends to PostgreSQL while `run` runs (every pool and client: the app's, the
 * test's), leaving out pg-boss's own (its polling goes on meanwhile). How a bulk operation's cost is asserted
 * without a clock: work done row by row sends a statement per row, batched work a fixed number per batch.
 */
export async function statementsDuring<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    if (!/\bpgboss\./.test(text)) statements.push(text);
    return query.apply(this, args);
  };
  try {
    return { result: await run(), statements };
  } finally {
    proto.query = query;
  }
}
