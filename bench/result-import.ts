import { tokyoDate } from '../src/platform/japanese';
import { intEnv, withScaleSociety } from './common';

/**
 * `npm run bench:result-import`: a 払込取扱票 (postal) result file of BENCH_ROWS (5,000) matched payments through the
 * result import service: upload (parse and stage), preview (look up and classify every row) and apply (one
 * transaction settling every invoice: events, audit rows, mails and jobs in bulk; decisions/0014). Each run bills
 * fresh 専門医更新料 invoices to scale members first. Target: the apply under 5 s.
 */
const ROWS = intEnv('BENCH_ROWS', 5_000, 1);
const TARGET_MS = 5_000;
/** The outcomes a batch had, without the zeros. */
const had = (counts: Record<string, number>) => JSON.stringify(Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)));
await withScaleSociety(async ({ db, services, actor }) => {
  const members = await db.selectFrom('members').select('id').where('member_number', '>', '100030').orderBy('member_number').limit(ROWS).execute();
  const run = Date.now().toString(36);
  // Issued and paid today, due in 60 days: every row matches.
  const today = tokyoDate(new Date());
  const due = tokyoDate(new Date(Date.now() + 60 * 86_400_000));
  const invoices = await db.insertInto('invoices').values(Array.from({ length: ROWS }, (_, i) => ({
    member_id: members[i % members.length]!.id, fee_type: 'renewal_fee', fiscal_year: null, business_key: `bench-result:${run}:${i}`, amount: 30_000, issued_on: today, due_on: due,
  }))).returning('control_no').execute();
  const lines = ['管理No,金額,入金日,払込人名,取引番号', ...invoices.map((inv, i) => `${inv.control_no},30000,${today.replace(/-/g, '/')},ﾔﾏﾀﾞ,BENCH-${run}-${i}`)];
  const data = Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');

  const t0 = performance.now();
  const id = await services.resultImport.upload(actor, { kind: 'postal', name: 'bench.csv', data });
  const t1 = performance.now();
  const preview = await services.resultImport.preview(actor, id);
  const t2 = performance.now();
  const applied = await services.resultImport.apply(actor, id);
  const t3 = performance.now();
  console.log(`Payment result import (postal) of ${ROWS} rows (${(data.length / 1024).toFixed(0)} KB):`);
  console.log(`  upload + parse + stage  ${(t1 - t0).toFixed(0)} ms`);
  console.log(`  preview (classify)      ${(t2 - t1).toFixed(0)} ms   ${had(preview.counts)}`);
  console.log(`  apply                   ${(t3 - t2).toFixed(0)} ms   ${had(applied.counts)}   (target < ${TARGET_MS} ms: ${t3 - t2 < TARGET_MS ? '✓' : '✗'})`);
  console.log('  (the settled invoices\' mails and listener jobs wait in the outbox for the next `npm start` on this DATA_DIR)');
});
