import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { seedCreditRules, signInStaff } from '../../test/sign-in';
import { TestClient, textOf } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { linkIn } from '../../test/smtp';

let t: TestApp;
const PDF = Buffer.from('%PDF-1.7\n% proof\n1 0 obj<<>>endobj\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
let numberSeq = 160000;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await seedCreditRules(t);
});
afterAll(() => t.close());

const entry = async (code: string) => (await t.db.selectFrom('credit_catalogue').selectAll().where('code', '=', code).executeTakeFirstOrThrow());

async function member(over: Parameters<typeof createMember>[1] = {}) {
  const m = await createMember(t.db, { member_number: String(++numberSeq), cert_period_start: '2022-04-01', cert_period_end: '2027-03-31', ...over });
  const c = new TestClient(t.app);
  expect((await c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD })).statusCode).toBe(303);
  return { m, c };
}

/** 「保存」 of a self-report through the form; returns the 管理No. */
async function selfReport(c: TestClient, code: string, fields: Record<string, string> = {}) {
  const e = await entry(code);
  await c.get(`/credits/new?catalogue=${e.id}`);
  const res = await c.post('/credits/new', { catalogueId: String(e.id), activityDate: '2025-06-01', detailTitle: '第122回日本内科学会総会・講演会', detailSource: 'Circ J 90(3)', ...fields });
  expect(res.statusCode, textOf(res.body).slice(0, 400)).toBe(303);
  return (res.headers.location as string).replace('/credits/', '');
}

async function upload(c: TestClient, no: string, data = PDF, filename = 'badge.pdf', type = 'application/pdf') {
  await c.get(`/credits/${no}`);
  return c.postMultipart(`/credits/${no}/files`, {}, [{ name: 'file', filename, type, data }]);
}

async function send(c: TestClient, no: string, comment = '') {
  await c.get(`/credits/${no}/request`);
  return c.post(`/credits/${no}/request`, { comment });
}

async function staffClient() {
  return (await signInStaff(t)).c;
}

const statusOf = async (no: string) => (await t.db.selectFrom('credits').select('status').where('control_no', '=', no).executeTakeFirstOrThrow()).status;

describe('単位コード search', () => {
  it('suggests self-reportable, active entries ignoring width and kana, newest first', async () => {
    const { c } = await member();
    const json = (await c.get(`/credits/catalogue/suggest?q=${encodeURIComponent('ｶﾝﾚﾝ')}`)).json() as { code: string }[];
    expect(json).toEqual([]);
    const rel = (await c.get(`/credits/catalogue/suggest?q=${encodeURIComponent('関連学術集会')}`)).json() as { code: string }[];
    expect(rel.map((r) => r.code)).toContain('REL-ANNUAL');
    const paper = (await c.get(`/credits/catalogue/suggest?q=${encodeURIComponent('論文')}`)).json() as { code: string }[];
    expect(paper.map((r) => r.code).sort()).toEqual(['PAPER-CO', 'PAPER-FIRST']);
    const regional = (await c.get(`/credits/catalogue/suggest?q=${encodeURIComponent('ＲＭ')}`)).json() as { code: string }[];
    expect(regional.length).toBeGreaterThan(0);
    expect(regional[0]!.code.startsWith('RM2026')).toBe(true);
    // The society's own meetings come by check-in, not self-report.
    const own = (await c.get(`/credits/catalogue/suggest?q=${encodeURIComponent('日本循環器学会学術集会')}`)).json() as { code: string }[];
    expect(own.filter((r) => /^JCS\d+$/.test(r.code))).toEqual([]);
  });

  it('filters the lookup page by kind and links back to the form', async () => {
    const { c } = await member();
    const res = await c.get('/credits/catalogue?kind=paper&return=%2Fcredits%2Fnew');
    expect(textOf(res.body)).toContain('論文（筆頭著者）');
    expect(textOf(res.body)).not.toContain('関連学術集会 年次学術集会');
    expect(res.body).toMatch(/href="\/credits\/new\?catalogue=\d+"/);
  });
});

describe('自己申告: 保存, upload, 承認申請 → 送信', () => {
  it('walks the guide: save a draft, upload proof, request, recall, request again', async () => {
    const { m, c } = await member();
    const blank = await (async () => {
      const e = await entry('REL-ANNUAL');
      await c.get(`/credits/new?catalogue=${e.id}`);
      return c.post('/credits/new', { catalogueId: String(e.id), activityDate: '', detailTitle: '' });
    })();
    expect(blank.statusCode).toBe(400);
    expect(textOf(blank.body)).toContain('活動日を正しく入力してください');

    const noTitle = await c.post('/credits/new', { catalogueId: String((await entry('REL-ANNUAL')).id), activityDate: '2025-06-01', detailTitle: '' });
    expect(noTitle.statusCode).toBe(400);
    expect(textOf(noTitle.body)).toContain('学術集会名を入力してください');
    expect(noTitle.body).toContain('value="2025-06-01"');

    const no = await selfReport(c, 'REL-ANNUAL', { activityDate: '２０２５/６/１' });
    expect(no).toMatch(/^TN-\d+$/);
    const page = await c.get(`/credits/${no}`);
    expect(textOf(page.body)).toContain('単位申請情報を作成しました');
    expect(textOf(page.body)).toContain('まだ承認申請されていません');
    expect(await statusOf(no)).toBe('draft');

    const early = await send(c, no);
    expect(early.statusCode).toBe(409);
    expect(textOf(early.body)).toContain('証明書類をアップロードしてから承認申請してください');

    expect((await upload(c, no)).statusCode).toBe(303);
    // Opening the request page sends nothing; only 「送信」 does.
    const confirm = await c.get(`/credits/${no}/request`);
    expect(textOf(confirm.body)).toContain('まだ送信されていません');
    expect(await statusOf(no)).toBe('draft');
    expect((await c.post(`/credits/${no}/request`, { comment: '' })).statusCode).toBe(303);
    expect(await statusOf(no)).toBe('pending');
    expect(textOf((await c.get(`/credits/${no}`)).body)).toContain('承認申請中です');

    await c.get(`/credits/${no}/recall`);
    expect((await c.post(`/credits/${no}/recall`, { comment: '単位コードを間違えました' })).statusCode).toBe(303);
    expect(await statusOf(no)).toBe('draft');
    const history = textOf((await c.get(`/credits/${no}`)).body);
    expect(history).toContain('単位コードを間違えました');
    expect(history).toMatch(/作成.*承認申請.*取り消し/);
    const audits = await t.db.selectFrom('audit_log').select('action').where('member_id', '=', m.id).where('action', 'like', 'credit.%').orderBy('id').execute();
    expect(audits.map((a) => a.action)).toEqual(['credit.create', 'credit.file_attached', 'credit.submit', 'credit.recall']);
  });

  it('checks uploads by content, size and name', async () => {
    const { c } = await member();
    const no = await selfReport(c, 'PAPER-CO');
    const exe = await upload(c, no, Buffer.from('MZ\x90\x00 not a pdf'), 'proof.pdf');
    expect(exe.statusCode).toBe(400);
    expect(textOf(exe.body)).toContain('PDF・JPEG・PNGのファイルを選択してください');
    const polyglot = await upload(c, no, Buffer.from('%PDF-1.4\n<html><script>alert(1)</script>'), 'x.pdf');
    expect(polyglot.statusCode).toBe(400);
    const big = await upload(c, no, Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]), 'big.pdf');
    expect(big.statusCode).toBe(400);
    expect(textOf(big.body)).toContain('ファイルが大きすぎます');
    const traversal = await upload(c, no, PNG, '../../x.png', 'image/png');
    expect(traversal.statusCode).toBe(303);
    const files = await t.db.selectFrom('credit_files').selectAll().innerJoin('credits', 'credits.id', 'credit_files.credit_id').where('credits.control_no', '=', no).execute();
    expect(files).toHaveLength(1);
    expect(files[0]!.original_name).toBe('x.png');
    expect(files[0]!.stored_name).toMatch(/^[a-f0-9]{32}\.png$/);
    expect(files[0]!.content_type).toBe('image/png');

    const page = await c.get(`/credits/${no}`);
    const href = page.body.match(/href="(\/credits\/TN-\d+\/files\/\d+)"/)![1]!;
    const download = await c.get(href);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(String(download.headers['content-security-policy'])).toContain('sandbox');
    expect(download.headers['x-content-type-options']).toBe('nosniff');

    const stranger = await member();
    expect((await stranger.c.get(href)).statusCode).toBe(404);
    expect((await stranger.c.get(`/credits/${no}`)).statusCode).toBe(404);
  });
});

describe('the self-report cap (18 in the period)', () => {
  it('allows exactly 18, then explains on 「新規」 that no more can be added', async () => {
    const { c } = await member();
    for (const code of ['PAPER-FIRST', 'PAPER-FIRST', 'PAPER-FIRST', 'REL-ANNUAL']) {
      const no = await selfReport(c, code);
      await upload(c, no);
      expect((await send(c, no)).statusCode).toBe(303);
    }
    const page = await c.get('/credits/new');
    expect(page.statusCode).toBe(409);
    expect(textOf(page.body)).toContain('自己申告の単位が上限の18単位に達しているため');
    const transcript = textOf((await c.get('/credits')).body);
    expect(transcript).toContain('0 / 上限 18 単位（承認済み 0・申請中 18）');
  });

  it('refuses 17 + 2 with the numbers', async () => {
    const { c } = await member();
    for (const code of ['PAPER-FIRST', 'PAPER-FIRST', 'PAPER-FIRST', 'PAPER-CO']) {
      const no = await selfReport(c, code);
      await upload(c, no);
      await send(c, no);
    }
    const e = await entry('PAPER-CO');
    await c.get(`/credits/new?catalogue=${e.id}`);
    const res = await c.post('/credits/new', { catalogueId: String(e.id), activityDate: '2025-06-01', detailTitle: 'A', detailSource: 'B' });
    expect(res.statusCode).toBe(409);
    expect(textOf(res.body)).toContain('承認済みと申請中で17単位あるため、2単位のこの申告はできません（残り1単位）');
    expect(res.body).toContain('value="2025-06-01"');
  });

  it('holds when two approval requests race and together would pass 18', async () => {
    const { c } = await member();
    const a = await selfReport(c, 'INTL', { activityDate: '2024-08-01' });
    const b = await selfReport(c, 'INTL', { activityDate: '2025-08-01' });
    await upload(c, a);
    await upload(c, b);
    await c.get(`/credits/${a}/request`);
    const token = c.csrfToken();
    const [ra, rb] = await Promise.all([c.post(`/credits/${a}/request`, { comment: '' }, { csrf: token }), c.post(`/credits/${b}/request`, { comment: '' }, { csrf: token })]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([303, 409]);
    const statuses = [await statusOf(a), await statusOf(b)].sort();
    expect(statuses).toEqual(['draft', 'pending']);
  });

  it('does not count a self-report dated outside the period against the cap or the total', async () => {
    const { c } = await member({ cert_period_start: '2022-04-01', cert_period_end: '2027-03-31' });
    await selfReport(c, 'PAPER-FIRST', { activityDate: '2022-03-31' });
    const page = textOf((await c.get('/credits')).body);
    expect(page).toContain('期間外');
    expect(page).toContain('自己申告はあと18単位まで申請できます');
  });
});

describe('staff review', () => {
  it('rejects with a reason and a mail whose link lands on the record; the member fixes it; approval counts', async () => {
    const { m, c } = await member({ email: 'reviewed@example.jp' });
    const no = await selfReport(c, 'REL-ANNUAL');
    await upload(c, no);
    await send(c, no);
    const id = (await t.db.selectFrom('credits').select('id').where('control_no', '=', no).executeTakeFirstOrThrow()).id;

    const s = await staffClient();
    const queue = await s.get('/staff/credits');
    expect(textOf(queue.body)).toContain(no);
    expect(textOf(queue.body)).toContain(m.member_number);
    await s.get(`/staff/credits/${id}`);
    const blank = await s.post(`/staff/credits/${id}/reject`, { reason: ' ' });
    expect(blank.statusCode).toBe(400);
    expect(textOf(blank.body)).toContain('却下理由を入力してください');
    expect((await s.post(`/staff/credits/${id}/reject`, { reason: '学術集会名が証明書類と一致しません。' })).statusCode).toBe(303);

    const mail = await t.mail.waitFor('reviewed@example.jp', '自己申告単位が却下されました');
    expect(mail.text).toContain('学術集会名が証明書類と一致しません。');
    const link = linkIn(mail, 'http://koushin.test/credits/').replace('http://koushin.test', '');
    expect(link).toBe(`/credits/${no}`);
    const fresh = new TestClient(t.app);
    const redirect = await fresh.get(link);
    expect(redirect.headers.location).toBe(`/login?next=${encodeURIComponent(link)}`);
    await fresh.get(redirect.headers.location as string);
    expect((await fresh.post('/login', { memberNumber: m.member_number, password: TEST_PASSWORD, next: link })).headers.location).toBe(link);
    const rejected = textOf((await fresh.get(link)).body);
    expect(rejected).toContain('却下理由');
    expect(rejected).toContain('学術集会名が証明書類と一致しません。');

    const e = await entry('REL-ANNUAL');
    await fresh.get(`${link}/edit`);
    expect((await fresh.post(`${link}/edit`, { catalogueId: String(e.id), activityDate: '2025-06-02', detailTitle: '第70回日本心臓病学会学術集会', detailSource: '' })).statusCode).toBe(303);
    expect((await send(fresh, no, '修正しました')).statusCode).toBe(303);

    await s.get(`/staff/credits/${id}`);
    expect((await s.post(`/staff/credits/${id}/approve`, {})).statusCode).toBe(303);
    expect(await statusOf(no)).toBe('approved');
    const transcript = textOf((await fresh.get('/credits')).body);
    expect(transcript).toContain('3 / 50 単位');
    expect(transcript).toContain('3 / 上限 18 単位（承認済み 3・申請中 0）');
  });

  it('lets exactly one of two clerks decide the same report', async () => {
    const { c } = await member();
    const no = await selfReport(c, 'PAPER-CO');
    await upload(c, no);
    await send(c, no);
    const id = (await t.db.selectFrom('credits').select('id').where('control_no', '=', no).executeTakeFirstOrThrow()).id;
    const [s1, s2] = [await staffClient(), await staffClient()];
    await s1.get(`/staff/credits/${id}`);
    await s2.get(`/staff/credits/${id}`);
    const [r1, r2] = await Promise.all([s1.post(`/staff/credits/${id}/approve`, {}), s2.post(`/staff/credits/${id}/reject`, { reason: '不備があります' })]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([303, 409]);
    const loser = r1.statusCode === 409 ? r1 : r2;
    expect(textOf(loser.body)).toContain('他の職員がすでに処理しました');
    const events = await t.db.selectFrom('credit_events').select('action').where('credit_id', '=', id).where('action', 'in', ['approve', 'reject']).execute();
    expect(events).toHaveLength(1);
  });

  it('bulk-approves the selected rows and shows the ledger on the member page', async () => {
    const { m, c } = await member();
    const nos = [await selfReport(c, 'PAPER-CO'), await selfReport(c, 'REL-STUDY')];
    for (const no of nos) {
      await upload(c, no);
      await send(c, no);
    }
    const ids = await t.db.selectFrom('credits').select('id').where('control_no', 'in', nos).execute();
    const s = await staffClient();
    await s.get('/staff/credits');
    const body = new URLSearchParams([['_csrf', s.csrfToken()], ...ids.map((r) => ['ids', String(r.id)] as [string, string])]);
    const res = await t.app.inject({ method: 'POST', url: '/staff/credits/bulk-approve', payload: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `kstaff=${s.cookie('kstaff')}; _csrf_secret=${s.cookie('_csrf_secret')}` } });
    expect(res.statusCode).toBe(303);
    for (const no of nos) expect(await statusOf(no)).toBe('approved');
    const page = textOf((await s.get(`/staff/members/${m.member_number}`)).body);
    expect(page).toContain('単位情報');
    expect(page).toContain(nos[0]!);
  });

  it('lets staff edit the rejection templates shown on the review page, audited', async () => {
    const s = await staffClient();
    await s.get('/staff/credits/reasons');
    const res = await s.post('/staff/credits/reasons', { templates: '氏名が確認できません。\n\n日付が一致しません。 ' });
    expect(res.statusCode).toBe(303);
    expect(await t.services.credits.rejectTemplates()).toEqual(['氏名が確認できません。', '日付が一致しません。']);
    const { c } = await member();
    const no = await selfReport(c, 'PAPER-CO');
    await upload(c, no);
    await send(c, no);
    const id = (await t.db.selectFrom('credits').select('id').where('control_no', '=', no).executeTakeFirstOrThrow()).id;
    expect(textOf((await s.get(`/staff/credits/${id}`)).body)).toContain('日付が一致しません。');
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'credit.reject_templates_changed').execute();
    expect(audit).toHaveLength(1);
  });

  it('keeps a member out of the staff queue', async () => {
    const { c } = await member();
    const res = await c.get('/staff/credits');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/login');
  });
});

describe('単位取得情報', () => {
  it('counts credits by the cycle rules and downloads as CSV', async () => {
    const { m, c } = await member();
    const sys = { type: 'system' as const, id: null };
    await t.services.credits.recordEarned(sys, { memberId: m.id, code: 'JCS88', activityDate: '2024-03-14', source: 'attendance' });
    for (const code of ['RM2023-004', 'RM2023-005', 'RM2023-006']) {
      const e = await entry(code);
      await t.services.credits.recordEarned(sys, { memberId: m.id, code, activityDate: e.activity_from!, source: 'attendance' });
    }
    const page = textOf((await c.get('/credits')).body);
    expect(page).toContain('25 / 50 単位');
    expect(page).toContain('更新にはあと 25 単位必要です。');
    expect(page).toContain('認定期間内の上限を超えた分: 5 単位（1 件）');
    const csv = await c.get('/credits.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    expect(csv.body).toContain('JCS88');
    expect(csv.body.split('\r\n').length).toBeGreaterThan(4);
  });
});
