/**
 * Every row of a keyset-paged query, a batch at a time: `page(after, size)` reads the rows after the
 * cursor (undefined: from the start), `cursorOf(last)` is the cursor after a batch. One batch is in memory
 * at a time, however many rows match, and rows changing meanwhile are neither skipped nor repeated.
 */
export async function* keysetBatches<Row, Cursor>(
  page: (after: Cursor | undefined, size: number) => Promise<Row[]>,
  cursorOf: (last: Row) => Cursor,
  size: number,
): AsyncGenerator<Row[]> {
  let after: Cursor | undefined;
  for (;;) {
    const rows = await page(after, size);
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    after = cursorOf(rows[rows.length - 1]!);
  }
}
