import { withScaleSociety } from './common';

/**
 * `npm run bench:import`: a 10,000-row credit CSV (Shift_JIS-free UTF-8, as a provider or the
 * secretariat would send) through the import service: upload (parse and stage), preview (validate every
 * row against members, catalogue, periods and earlier imports) and commit. Target: under 5 s in total.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
await withScaleSociety(async ({ db, services, actor }) => {
  const members = await db.selectFrom('members').select(['member_number', 'cert_period_start']).where('cert_period_start', 'is not', null)
    .where('member_number', '>', '100030').orderBy('member_number').limit(ROWS).execute();
  const run = Date.now().toString(36);
  const lines = ['会員番号,単位コード,活動日,外部ID'];
  members.forEach((m, i) => lines.push(`${m.member_number},PAPER-CO,${m.cert_period_start!.slice(0, 4)}-10-01,bench-${run}-${i}`));
  const data = Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');

  const t0 = performance.now();
  const id = await services.creditImport.upload(actor, { name: 'bench.csv', data });
  const t1 = performance.now();
  const preview = await services.creditImport.preview(actor, id);
  const t2 = performance.now();
  const result = await services.creditImport.commit(actor, id);
  const t3 = performance.now();
  console.log(`Credit import of ${lines.length - 1} rows (${(data.length / 1024).toFixed(0)} KB):`);
  console.log(`  upload + parse + stage  ${(t1 - t0).toFixed(0)} ms`);
  console.log(`  preview (validate)      ${(t2 - t1).toFixed(0)} ms   ${JSON.stringify(preview.counts)}`);
  console.log(`  commit                  ${(t3 - t2).toFixed(0)} ms   imported ${result.imported}`);
  console.log(`  total                   ${(t3 - t0).toFixed(0)} ms   (target < 5000 ms)`);
});
