import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { seedCreditRules, signInStaff } from '../../test/sign-in';
import { TestClient, textOf } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { statementsDuring } from '../../test/statements';
import { classifyRows, parseActivityDate, parseImportFile } from './import';

let t: TestApp;
const A = '170001';
const B = '170002';
const NOT_CERTIFIED = '170003';

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await seedCreditRules(t);
  const a = await createMember(t.db, { member_number: A, password: null });
  await createMember(t.db, { member_number: B, password: null, cert_period_start: '2024-04-01', cert_period_end: '2029-03-31' });
  await createMember(t.db, { member_number: NOT_CERTIFIED, password: null, cert_period_start: null, cert_period_end: null, specialist_number: null });
  // Imported by an earlier file: a row with this external id is a duplicate.
  await t.services.credits.recordEarned({ type: 'system', id: null }, { memberId: a.id, code: 'PAPER-CO', activityDate: '2024-05-01', source: 'import', externalId: 'EXT-OLD' });
});
afterAll(() => t.close());

async function staffClient() {
  return (await signInStaff(t)).c;
}

async function upload(c: TestClient, data: Buffer, filename = 'credits.csv') {
  await c.get('/staff/credits/import');
  return c.postMultipart('/staff/credits/import', {}, [{ name: 'file', filename, type: 'text/csv', data }]);
}

/** line → status, from the preview's row tables. */
function statusesOf(html: string): Record<number, string> {
  return Object.fromEntries([...html.matchAll(/<tr data-status="(\w+)"><td>(\d+)<\/td>/g)].map((m) => [Number(m[2]), m[1]!]));
}

const countOf = (html: string, status: string) => Number(html.match(new RegExp(`<tr data-count="${status}"><th scope="row">[^<]*</th><td>(\\d+)</td>`))?.[1] ?? 0);

/** A file with one row of every kind; `p` keeps external ids apart between files. Line numbers include the header. */
const mixedFile = (p: string) => [
  '会員番号,単位コード,活動日,外部ID',
  `${A},PAPER-CO,2025/6/1,${p}-01`, // 2 ok
  '１７０００１,PAPER-FIRST,２０２５－０７－０１,' + `${p}-02`, // 3 ok: full-width digits and hyphen
  `179999,PAPER-CO,2025-06-01,${p}-03`, // 4 unknown member
  `${A},NOPE-1,2025-06-01,${p}-04`, // 5 unknown code
  `${A},PAPER-CO,2025-02-30,${p}-05`, // 6 bad date (no such day)
  `${A},PAPER-CO,2025-06-01,${p}-01`, // 7 duplicate: repeated in the file
  `${A},PAPER-CO,2021-06-01,${p}-06`, // 8 outside the certification period
  `${A},PAPER-CO,2025-06-01`, // 9 invalid: no external id
  `${A},JCS90,2026-03-20,${p}-07`, // 10 outside the meeting's dates
  `${A},JCS90,2026-03-14,${p}-08`, // 11 ok
  `${A},JCS90,2026-03-15,${p}-09`, // 12 duplicate: the same member at the same meeting
  `${A},PAPER-CO,2027-01-01,${p}-10`, // 13 bad date: in the future
  `${A},PAPER-CO,2025-06-01,EXT-OLD`, // 14 duplicate: imported before
  `${NOT_CERTIFIED},PAPER-CO,2025-06-01,${p}-11`, // 15 outside period: no certification period
  `${B},REL-ANNUAL,2025年8月3日,${p}-12`, // 16 ok
].join('\r\n') + '\r\n';

const EXPECTED: Record<number, string> = {
  2: 'ok', 3: 'ok', 4: 'unknown_member', 5: 'unknown_code', 6: 'bad_date', 7: 'duplicate', 8: 'outside_period', 9: 'invalid_row',
  10: 'date_outside_entry', 11: 'ok', 12: 'duplicate', 13: 'bad_date', 14: 'duplicate', 15: 'outside_period', 16: 'ok',
};

const importedIds = async (prefix: string) =>
  (await t.db.selectFrom('credits').select('external_id').where('source', '=', 'import').where('external_id', 'like', `${prefix}-%`).orderBy('external_id').execute())
    .map((r) => r.external_id);

describe('parsing', () => {
  it('reads dates as staff write them and refuses impossible ones', () => {
    expect(parseActivityDate('2025/6/1')).toBe('2025-06-01');
    expect(parseActivityDate('２０２５－０６－０１')).toBe('2025-06-01');
    expect(parseActivityDate('2025年6月1日')).toBe('2025-06-01');
    expect(parseActivityDate('20250601')).toBe('2025-06-01');
    expect(parseActivityDate('2025/6/1 0:00')).toBe('2025-06-01');
    expect(parseActivityDate('2025-02-29')).toBeNull();
    expect(parseActivityDate('6/1/2025')).toBeNull();
    expect(parseActivityDate('')).toBeNull();
  });

  it('detects the header, the encoding and quoted cells', () => {
    const withHeader = parseImportFile(Buffer.from(`\uFEFFmember,code,date,id\n${A},"PAPER-CO","2025-06-01","X,1"\n`));
    expect(withHeader).toMatchObject({ hadHeader: true, encoding: 'utf-8', rows: [{ line: 2, member: A, code: 'PAPER-CO', date: '2025-06-01', externalId: 'X,1', columns: 4 }] });
    const bare = parseImportFile(iconv.encode(`${A},PAPER-CO,2025/6/1,あ-1\r\n`, 'Shift_JIS'));
    expect(bare).toMatchObject({ hadHeader: false, encoding: 'shift_jis', rows: [{ line: 1, externalId: 'あ-1' }] });
  });

  it('classifies from lookups alone', () => {
    const rows = [{ line: 1, member: A, code: 'X', date: '2025-01-01', externalId: 'e', columns: 4 }];
    const lookups = { members: new Map(), catalogue: new Map(), importedIds: new Set<string>(), pairs: new Set<string>() };
    expect(classifyRows(rows, lookups, '2026-01-01')).toEqual(['unknown_member']);
  });
});

describe('一括登録 (CSV import)', () => {
  it('reports every kind of problem per row, for UTF-8 and Shift_JIS files alike', async () => {
    const c = await staffClient();
    const utf8 = await upload(c, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(mixedFile('U'))]), '単位.csv');
    expect(utf8.statusCode, textOf(utf8.body).slice(0, 300)).toBe(303);
    const page = await c.get(utf8.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(statusesOf(page.body)).toEqual(EXPECTED);
    const text = textOf(page.body);
    expect(text).toContain('UTF-8');
    expect(text).toContain('あり（1行目を読み飛ばしました）');
    expect(text).toContain('会員番号が見つかりません');
    expect(text).toContain('単位コードが見つかりません');
    expect(text).toContain('活動日が会員の認定期間外です（登録しません）');
    expect(text).toContain('4件を登録');
    expect(countOf(page.body, 'ok')).toBe(4);
    expect(countOf(page.body, 'duplicate')).toBe(3);

    const sjis = await upload(c, iconv.encode(mixedFile('S'), 'Shift_JIS'), 'sjis.csv');
    expect(sjis.statusCode).toBe(303);
    const sPage = await c.get(sjis.headers.location as string);
    expect(statusesOf(sPage.body)).toEqual(EXPECTED);
    expect(textOf(sPage.body)).toContain('Shift_JIS');
    // Nothing reaches a ledger before 「登録」.
    expect(await importedIds('U')).toEqual([]);

    // The full report as CSV (Excel-friendly UTF-8 with BOM).
    const report = await c.get(`${utf8.headers.location as string}/report.csv`);
    expect(report.headers['content-type']).toContain('text/csv');
    expect(report.body.split('\r\n').filter(Boolean)).toHaveLength(16);
    expect(report.body).toContain('14,170001,PAPER-CO,2025-06-01,EXT-OLD,重複');

    // 登録: only the good rows, approved, with their events and one audit row.
    await c.get(utf8.headers.location as string);
    const commit = await c.post(`${utf8.headers.location as string}/commit`, {});
    expect(commit.statusCode).toBe(303);
    expect(await importedIds('U')).toEqual(['U-01', 'U-02', 'U-08', 'U-12']);
    const rows = await t.db.selectFrom('credits').selectAll().where('external_id', 'like', 'U-%').execute();
    expect(rows.every((r) => r.status === 'approved' && r.source === 'import' && r.decided_by !== null)).toBe(true);
    expect(rows.find((r) => r.external_id === 'U-02')).toMatchObject({ activity_date: '2025-07-01', credits: 5 });
    const events = await t.db.selectFrom('credit_events').selectAll().where('credit_id', 'in', rows.map((r) => r.id)).execute();
    expect(events).toHaveLength(4);
    expect(events.every((e) => e.action === 'create' && e.to_status === 'approved' && e.actor_type === 'staff')).toBe(true);
    const audits = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'credit.import').execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.detail).toMatchObject({ rows: 15, imported: 4, counts: { ok: 4, duplicate: 3, bad_date: 2, outside_period: 2 } });
    const done = await c.get(utf8.headers.location as string);
    expect(textOf(done.body)).toContain('このファイルから4件の単位を登録しました');
    expect(done.body).not.toContain('/commit"');

    // Committing the same import again adds nothing.
    const again = await c.post(`${utf8.headers.location as string}/commit`, {});
    expect(again.statusCode).toBe(409);
    expect(textOf(again.body)).toContain('この取り込みはすでに登録されています');

    // Re-importing the same file: every former good row is now a duplicate; nothing to commit.
    const re = await upload(c, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(mixedFile('U'))]), '単位.csv');
    const rePage = await c.get(re.headers.location as string);
    expect(countOf(rePage.body, 'ok')).toBe(0);
    expect(statusesOf(rePage.body)).toMatchObject({ 2: 'duplicate', 3: 'duplicate', 11: 'duplicate', 16: 'duplicate' });
    expect(textOf(rePage.body)).toContain('同じ内容のファイルが');
    expect(rePage.body).not.toContain('/commit"');
    const reCommit = await c.post(`${re.headers.location as string}/commit`, {});
    expect(reCommit.statusCode).toBe(303);
    expect(await importedIds('U')).toHaveLength(4);

    // The Shift_JIS preview was taken before; the commit checks again: the meeting is now in member A's ledger.
    await c.get(sjis.headers.location as string);
    const sCommit = await c.post(`${sjis.headers.location as string}/commit`, {});
    expect(sCommit.statusCode).toBe(303);
    expect(await importedIds('S')).toEqual(['S-01', 'S-02', 'S-12']);
    const sDone = await c.get(sjis.headers.location as string);
    expect(statusesOf(sDone.body)[11]).toBe('duplicate');
  });

  it('refuses files it cannot use, with the reason beside the field', async () => {
    const c = await staffClient();
    await c.get('/staff/credits/import');
    const none = await c.postMultipart('/staff/credits/import', {}, []);
    expect(none.statusCode).toBe(400);
    expect(textOf(none.body)).toContain('CSVファイルを選択してください');
    const empty = await upload(c, Buffer.from('会員番号,単位コード,活動日,外部ID\r\n'));
    expect(empty.statusCode).toBe(400);
    expect(textOf(empty.body)).toContain('取り込む行がありません');
    const broken = await upload(c, Buffer.from(`${A},PAPER-CO,2025-06-01,"X1\n${A},PAPER-CO,2025-06-01,X2\n`));
    expect(broken.statusCode).toBe(400);
    expect(textOf(broken.body)).toContain('CSVファイルとして読み取れませんでした');
  });

  it('keeps each clerk\'s imports to that clerk and keeps members out', async () => {
    const mine = await staffClient();
    const res = await upload(mine, Buffer.from(`${A},PAPER-CO,2025-06-01,PRIV-1\n`));
    const url = res.headers.location as string;
    const other = await staffClient();
    expect((await other.get(url)).statusCode).toBe(404);
    await other.get('/staff/credits/import');
    expect((await other.post(`${url}/commit`, {})).statusCode).toBe(404);

    const m = await createMember(t.db, { member_number: '170009' });
    const member = new TestClient(t.app);
    await member.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD });
    for (const path of ['/staff/credits/import', url, `${url}/report.csv`]) {
      const r = await member.get(path);
      expect(r.statusCode, path).toBe(303);
      expect(r.headers.location).toMatch(/^\/staff\/login/);
    }
    expect(await importedIds('PRIV')).toEqual([]);
  });

  // Its speed (budget 5 s) is measured by `npm run bench:import`; here, what keeps it fast: statements in bulk.
  it('validates and commits 10,000 rows in bulk', async () => {
    const numbers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const n = String(172000 + i);
      await createMember(t.db, { member_number: n, password: null });
      numbers.push(n);
    }
    const lines = ['会員番号,単位コード,活動日,外部ID'];
    for (let i = 0; i < 10_000; i++) lines.push(`${numbers[i % 20]},PAPER-CO,2025/${(i % 12) + 1}/1,BULK-${String(i).padStart(5, '0')}`);
    const file = iconv.encode(`${lines.join('\r\n')}\r\n`, 'Shift_JIS');
    const c = await staffClient();
    await c.get('/staff/credits/import');

    const res = await c.postMultipart('/staff/credits/import', {}, [{ name: 'file', filename: 'bulk.csv', type: 'text/csv', data: file }]);
    expect(res.statusCode).toBe(303);
    const page = await c.get(res.headers.location as string);
    expect(countOf(page.body, 'ok')).toBe(10_000);
    const { result: commit, statements } = await statementsDuring(() => c.post(`${res.headers.location as string}/commit`, {}));
    expect(commit.statusCode).toBe(303);
    // Committed in bulk, a fixed number of statements whatever the file's size (decisions/0008): row by row, over 10,000.
    expect(statements.length).toBeLessThan(500);
    expect(await importedIds('BULK')).toHaveLength(10_000);
    const events = await t.db.selectFrom('credit_events as e').innerJoin('credits as c', 'c.id', 'e.credit_id')
      .select((eb) => eb.fn.countAll<string>().as('n')).where('c.external_id', 'like', 'BULK-%').executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(10_000);
    const audits = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'credit.import').execute();
    expect(audits.filter((a) => (a.detail as { imported: number }).imported === 10_000)).toHaveLength(1);
  });
});
