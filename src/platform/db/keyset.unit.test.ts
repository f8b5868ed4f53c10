import { describe, expect, it } from 'vitest';
import { keysetBatches } from './keyset';

describe('keysetBatches', () => {
  const rows = Array.from({ length: 7 }, (_, i) => ({ id: i + 1 }));
  const page = async (after: number | undefined, size: number) => rows.filter((r) => r.id > (after ?? 0)).slice(0, size);

  it('reads batch after batch from the cursor of the last row until a short one', async () => {
    const seen: number[][] = [];
    for await (const batch of keysetBatches(page, (r) => r.id, 3)) seen.push(batch.map((r) => r.id));
    expect(seen).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('stops after an empty page when the rows fill the last batch exactly, and yields nothing for no rows', async () => {
    const calls: (number | undefined)[] = [];
    const counted = async (after: number | undefined, size: number) => (calls.push(after), page(after, size));
    const seen: number[] = [];
    for await (const batch of keysetBatches(counted, (r) => r.id, 7)) seen.push(batch.length);
    expect(seen).toEqual([7]);
    expect(calls).toEqual([undefined, 7]);
    const none: unknown[] = [];
    for await (const batch of keysetBatches(async () => [], () => 0, 5)) none.push(batch);
    expect(none).toEqual([]);
  });
});
