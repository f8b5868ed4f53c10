import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { TestClient } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { readPdf } from '../../test/pdf';
import { CATEGORIES, demoCatalogue, demoCycles } from '../../seed/credits';
import type { CreditSource, CreditStatus } from '../../platform/db/schema';

let t: TestApp;
let numberSeq = 170000;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  for (const c of demoCycles(2026)) await t.services.cycles.seed(c);
  await t.services.credits.seedCatalogue(CATEGORIES, demoCatalogue(2026));
});
afterAll(() => t.close());

async function member() {
  const m = await createMember(t.db, { member_number: String(++numberSeq), cert_period_start: '2022-04-01', cert_period_end: '2027-03-31' });
  const c = new TestClient(t.app);
  expect((await c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD })).statusCode).toBe(303);
  return { m, c };
}

/** `count` ledger lines straight into the table: every catalogue entry in turn, all statuses and sources, some outside the period. */
async function giveCredits(memberId: number, count: number): Promise<string[]> {
  const entries = await t.db.selectFrom('credit_catalogue').select(['id', 'credits']).orderBy('id').execute();
  // Only self-reports go through the workflow; the other sources are approved on arrival (a table CHECK).
  const statuses: CreditStatus[] = ['approved', 'pending', 'draft', 'rejected'];
  const sources: CreditSource[] = ['attendance', 'elearning', 'self_report', 'import', 'staff'];
  const attended = new Set<number>(); // one attendance per meeting (a unique index)
  const rows = Array.from({ length: count }, (_, i) => {
    const e = entries[i % entries.length]!;
    // Every seventh line is before the period (期間外); the rest spread over 2022-2026.
    const date = i % 7 === 0 ? `2021-${String((i % 12) + 1).padStart(2, '0')}-10` : `${2022 + (i % 5)}-${String((i % 9) + 4).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`;
    let source = sources[i % sources.length]!;
    if (source === 'attendance' && attended.has(e.id)) source = 'import';
    if (source === 'attendance') attended.add(e.id);
    const status = source === 'self_report' ? statuses[Math.floor(i / sources.length) % statuses.length]! : 'approved';
    return { member_id: memberId, catalogue_id: e.id, source, status, credits: e.credits, activity_date: date };
  });
  const inserted = await t.db.insertInto('credits').values(rows).returning('control_no').execute();
  return inserted.map((r) => r.control_no);
}

describe('単位取得情報 as PDF', () => {
  it('downloads the transcript of ~120 lines over several pages, Japanese font embedded, header and page numbers on each', async () => {
    const { m, c } = await member();
    const numbers = await giveCredits(m.id, 120);

    const page = await c.get('/credits');
    expect(page.body).toContain('href="/credits.pdf"');
    expect(page.body).toContain('PDFでダウンロード');

    const res = await c.get('/credits.pdf');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="______.pdf"; filename*=UTF-8''${encodeURIComponent('単位取得情報.pdf')}`);
    expect(res.headers['cache-control']).toBe('no-store');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);

    const doc = readPdf(pdf);
    expect(doc.fonts.some((f) => /^[A-Z]{6}\+NotoSansJP-Regular$/.test(f))).toBe(true);
    expect(doc.fonts.some((f) => /^[A-Z]{6}\+NotoSansJP-Bold$/.test(f))).toBe(true);
    expect(doc.pageCount).toBeGreaterThanOrEqual(3);
    expect(doc.pages.length).toBe(doc.pageCount);

    const all = doc.pages.join('\n');
    expect(all).toContain('単位取得情報');
    expect(all).toContain(`会員番号: ${m.member_number}`);
    expect(all).toContain('山田 太郎');
    expect(all).toContain('現在の認定期間: 2022年4月1日（令和4年） ～ 2027年3月31日（令和9年）');
    expect(all).toContain('発行日時: 2026/11/23 10:00');
    expect(all).toMatch(/\d+ \/ 50 単位/);
    expect(all).toContain('承認待ちの申請:');
    expect(all).toContain('自己申告の単位');
    expect(all).toContain('集計されなかった単位');
    expect(all).toContain('認定期間外の活動');
    expect(all).toContain('期間外');
    // Every line is in the table, none lost at a page break.
    for (const no of numbers) expect(all, no).toContain(no);
    doc.pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain(`${i + 1} / ${doc.pageCount}`);
      // The table header is repeated on every page the table runs over (it starts on the first).
      expect(text, `page ${i + 1}`).toContain('管理No');
      expect(text, `page ${i + 1}`).toContain('ステータス');
    });
  });

  it('speaks English when the member reads in English', async () => {
    const { m, c } = await member();
    await giveCredits(m.id, 5);
    await c.get('/lang/en');
    expect((await c.get('/credits')).body).toContain('Download as PDF');
    const res = await c.get('/credits.pdf');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="credits.pdf"; filename*=UTF-8''credits.pdf`);
    const doc = readPdf(res.rawPayload);
    const all = doc.pages.join('\n');
    expect(doc.pageCount).toBe(1);
    expect(all).toContain(`Member number: ${m.member_number}`);
    expect(all).toContain('Current certification period: 1 April 2022 (Reiwa 4) to 31 March 2027 (Reiwa 9)');
    expect(all).toContain('1 / 1');
  });

  it('renders a member without credits and without a period', async () => {
    const { c } = await (async () => {
      const m = await createMember(t.db, { member_number: String(++numberSeq), cert_period_start: null, cert_period_end: null });
      const client = new TestClient(t.app);
      await client.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD });
      return { c: client };
    })();
    const res = await c.get('/credits.pdf');
    expect(res.statusCode).toBe(200);
    const all = readPdf(res.rawPayload).pages.join('\n');
    expect(all).toContain('認定期間が登録されていないため');
    expect(all).toContain('まだ単位はありません。');
  });

  it('is only for the signed-in member: anonymous requests go to the sign-in page', async () => {
    const res = await new TestClient(t.app).get('/credits.pdf');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/credits.pdf')}`);
    expect(res.headers['content-type']).not.toBe('application/pdf');
  });

  // How fast it renders is measured by `npm run bench:pdf`, not asserted here (a test on a shared machine cannot time it).
  it('renders 200 credits: every line on one of its pages, each page numbered', async () => {
    const { m, c } = await member();
    const numbers = await giveCredits(m.id, 200);
    const res = await c.get('/credits.pdf');
    expect(res.statusCode).toBe(200);
    const doc = readPdf(res.rawPayload);
    expect(doc.pageCount).toBeGreaterThanOrEqual(5);
    const all = doc.pages.join('\n');
    for (const no of numbers) expect(all, no).toContain(no);
    doc.pages.forEach((text, i) => expect(text, `page ${i + 1}`).toContain(`${i + 1} / ${doc.pageCount}`));
  });
});
