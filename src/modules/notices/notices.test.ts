import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createStaff, nextTotp, TEST_PASSWORD } from '../../test/factories';
import { createTestApp, type TestApp } from '../../test/app';
import { TestClient, textOf } from '../../test/client';

let t: TestApp;
let staff: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  t = await createTestApp();
  staff = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.notices@example.jp' });
  await createMember(t.db, { member_number: '152001', email: 'notice.reader@example.jp' });
});
afterAll(() => t.close());

const HOUR = 3_600_000;

/** The value a datetime-local input holds for `date` in Tokyo wall time: 'YYYY-MM-DDTHH:mm'. */
function tokyoInput(date: Date): string {
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: string) => p.find((x) => x.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}
const fromNow = (ms: number) => tokyoInput(new Date(t.clock.now().getTime() + ms));

/** A clerk signed in with password and authenticator code. A fresh one each time: the FakeClock moves between tests. */
async function staffClient(): Promise<TestClient> {
  const c = new TestClient(t.app);
  expect((await c.submit('/staff/login', '/staff/login', { email: 'clerk.notices@example.jp', password: TEST_PASSWORD })).headers.location).toBe('/staff/login/verify');
  await c.get('/staff/login/verify');
  expect((await c.post('/staff/login/verify', { code: await nextTotp(t.clock) })).headers.location).toBe('/staff');
  return c;
}

async function memberClient(): Promise<TestClient> {
  const c = new TestClient(t.app);
  expect((await c.submit('/login', '/login', { memberNumber: '152001', password: TEST_PASSWORD })).statusCode).toBe(303);
  return c;
}

/** What a logged-in member reads on the home page now. */
async function memberHome(): Promise<string> {
  const res = await (await memberClient()).get('/');
  expect(res.statusCode).toBe(200);
  return textOf(res.body);
}

interface NoticeInput {
  title_ja: string;
  body_ja: string;
  title_en?: string;
  body_en?: string;
  publish_from: string;
  publish_until?: string;
}
const form = (n: NoticeInput): Record<string, string> => ({ title_en: '', body_en: '', publish_until: '', ...n });

async function createNotice(c: TestClient, n: NoticeInput): Promise<number> {
  const res = await c.submit('/staff/notices/new', '/staff/notices/new', form(n));
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/staff/notices');
  const list = await c.get('/staff/notices');
  expect(textOf(list.body)).toContain('お知らせを保存しました。');
  const id = list.body.match(new RegExp(`href="/staff/notices/(\\d+)">${n.title_ja}<`))?.[1];
  expect(id, `link to ${n.title_ja} on the list`).toBeDefined();
  return Number(id);
}

const auditFor = (noticeId: number) =>
  t.db.selectFrom('audit_log').selectAll().where('subject_type', '=', 'notice').where('subject_id', '=', String(noticeId)).orderBy('id').execute();

const noticeCount = async () => Number((await t.db.selectFrom('notices').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('お知らせ management', () => {
  it('stores the publish window as Tokyo wall time and shows it back the same', async () => {
    const c = await staffClient();
    const id = await createNotice(c, { title_ja: '年末年始休業のお知らせ', body_ja: '事務局は休業します。', publish_from: '2099-04-01T09:30', publish_until: '2099-04-02T00:00' });
    const row = await t.db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.publish_from.toISOString()).toBe('2099-04-01T00:30:00.000Z');
    expect(row.publish_until?.toISOString()).toBe('2099-04-01T15:00:00.000Z');
    expect(row.created_by).toBe(staff.id);
    const edit = await c.get(`/staff/notices/${id}`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="2099-04-01T09:30"');
    expect(edit.body).toContain('value="2099-04-02T00:00"');
    expect(textOf((await c.get('/staff/notices')).body)).toContain('掲載予定');
  });

  it('shows a notice to members only inside its window', async () => {
    const c = await staffClient();
    await createNotice(c, { title_ja: '掲載中のお知らせ', body_ja: '現在掲載中の本文です。', publish_from: fromNow(-HOUR), publish_until: fromNow(2 * HOUR) });
    await createNotice(c, { title_ja: '予定のお知らせ', body_ja: '予定の本文です。', publish_from: fromNow(HOUR) });
    await createNotice(c, { title_ja: '終了したお知らせ', body_ja: '終了した本文です。', publish_from: fromNow(-3 * HOUR), publish_until: fromNow(-2 * HOUR) });
    const list = textOf((await c.get('/staff/notices')).body);
    for (const status of ['掲載中', '掲載予定', '掲載終了']) expect(list).toContain(status);

    let home = await memberHome();
    expect(home).toContain('お知らせ');
    expect(home).toContain('掲載中のお知らせ');
    expect(home).toContain('現在掲載中の本文です。');
    expect(home).not.toContain('予定のお知らせ');
    expect(home).not.toContain('終了したお知らせ');

    // 90 minutes on: the scheduled one has started, the live one is still within its window.
    t.clock.advance(90 * 60_000);
    home = await memberHome();
    expect(home).toContain('予定のお知らせ');
    expect(home).toContain('掲載中のお知らせ');
    expect(home).not.toContain('終了したお知らせ');

    // Another hour: the first one's window has closed.
    t.clock.advance(60 * 60_000);
    home = await memberHome();
    expect(home).not.toContain('掲載中のお知らせ');
    expect(home).toContain('予定のお知らせ');
  });

  it('edits a notice: members see the new text, not the old, and the change is audited', async () => {
    const c = await staffClient();
    const id = await createNotice(c, { title_ja: '編集前の件名', body_ja: '編集前の本文', publish_from: fromNow(-HOUR) });
    expect(await memberHome()).toContain('編集前の件名');
    const created = await auditFor(id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ action: 'notice.created', actor_type: 'staff', actor_id: staff.id, after: { title_ja: '編集前の件名' } });

    const page = await c.get(`/staff/notices/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="編集前の件名"');
    expect(page.body).toContain('>編集前の本文</textarea>');
    const res = await c.post(`/staff/notices/${id}`, form({ title_ja: '編集後の件名', body_ja: '編集後の本文', publish_from: fromNow(-HOUR) }));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/notices');
    expect(textOf((await c.get('/staff/notices')).body)).toContain('お知らせを保存しました。');

    const home = await memberHome();
    expect(home).toContain('編集後の件名');
    expect(home).toContain('編集後の本文');
    expect(home).not.toContain('編集前の件名');
    const rows = await auditFor(id);
    expect(rows.map((r) => r.action)).toEqual(['notice.created', 'notice.updated']);
    expect(rows[1]).toMatchObject({ actor_type: 'staff', actor_id: staff.id, before: { title_ja: '編集前の件名' }, after: { title_ja: '編集後の件名' } });
  });

  it('deletes a notice: gone for members and staff, and audited', async () => {
    const c = await staffClient();
    const id = await createNotice(c, { title_ja: '削除するお知らせ', body_ja: '消える本文', publish_from: fromNow(-HOUR) });
    expect(await memberHome()).toContain('削除するお知らせ');
    await c.get(`/staff/notices/${id}`);
    const res = await c.post(`/staff/notices/${id}/delete`, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/notices');
    const list = await c.get('/staff/notices');
    expect(textOf(list.body)).toContain('お知らせを削除しました。');
    expect(list.body).not.toContain(`href="/staff/notices/${id}"`);
    expect(await memberHome()).not.toContain('削除するお知らせ');
    expect((await c.get(`/staff/notices/${id}`)).statusCode).toBe(404);
    expect(await t.db.selectFrom('notices').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    const rows = await auditFor(id);
    expect(rows.map((r) => r.action)).toEqual(['notice.created', 'notice.deleted']);
    expect(rows[1]).toMatchObject({ actor_type: 'staff', actor_id: staff.id, before: { title_ja: '削除するお知らせ' } });
    await c.get('/staff/notices');
    expect((await c.post(`/staff/notices/${id}/delete`, {})).statusCode).toBe(404);
  });

  it('shows markup in a notice as text, never as markup', async () => {
    const c = await staffClient();
    const saved = await c.submit('/staff/notices/new', '/staff/notices/new', form({ title_ja: '記号<b>を含む件名</b>', body_ja: '<script>alert(1)</script>', publish_from: fromNow(-HOUR) }));
    expect(saved.statusCode).toBe(303);
    const list = await c.get('/staff/notices');
    expect(list.body).not.toContain('<b>を含む件名</b>');
    expect(textOf(list.body)).toContain('記号<b>を含む件名</b>');
    const res = await (await memberClient()).get('/');
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).not.toContain('<b>を含む件名</b>');
    expect(textOf(res.body)).toContain('<script>alert(1)</script>');
    expect(textOf(res.body)).toContain('記号<b>を含む件名</b>');
  });
});

describe('bad input', () => {
  it('refuses a blank title with 400 and the error summary, keeping the input, saving nothing', async () => {
    const c = await staffClient();
    const before = await noticeCount();
    await c.get('/staff/notices/new');
    const res = await c.post('/staff/notices/new', form({ title_ja: '   ', body_ja: '下書きの本文', title_en: 'Draft', publish_from: '2099-05-01T10:00' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="error-summary"');
    expect(res.body).toContain('id="title_ja-error"');
    expect(res.body).toMatch(/<title>エラー: /);
    expect(textOf(res.body)).toContain('件名（日本語）: 入力してください');
    expect(res.body).toContain('>下書きの本文</textarea>');
    expect(res.body).toContain('value="Draft"');
    expect(res.body).toContain('value="2099-05-01T10:00"');
    expect(await noticeCount()).toBe(before);
  });

  it('refuses an end before (or at) the start, keeping the input', async () => {
    const c = await staffClient();
    const before = await noticeCount();
    for (const until of ['2099-05-01T09:59', '2099-05-01T10:00']) {
      await c.get('/staff/notices/new');
      const res = await c.post('/staff/notices/new', form({ title_ja: '期間が逆のお知らせ', body_ja: '本文', publish_from: '2099-05-01T10:00', publish_until: until }));
      expect(res.statusCode, until).toBe(400);
      expect(res.body).toContain('id="publish_until-error"');
      expect(textOf(res.body)).toContain('掲載終了日時は掲載開始日時より後にしてください');
      expect(res.body).toContain('value="期間が逆のお知らせ"');
      expect(res.body).toContain(`value="${until}"`);
    }
    expect(await noticeCount()).toBe(before);
  });

  it('refuses the same on the edit form and leaves the notice unchanged', async () => {
    const c = await staffClient();
    const id = await createNotice(c, { title_ja: '変更されないお知らせ', body_ja: '元の本文', publish_from: '2099-06-01T10:00' });
    await c.get(`/staff/notices/${id}`);
    const res = await c.post(`/staff/notices/${id}`, form({ title_ja: '', body_ja: '新しい本文', publish_from: '2099-06-01T10:00', publish_until: '2099-05-01T10:00' }));
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('入力してください');
    expect(res.body).toContain('>新しい本文</textarea>');
    const row = await t.db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.title_ja).toBe('変更されないお知らせ');
    expect(row.body_ja).toBe('元の本文');
    expect((await auditFor(id)).map((r) => r.action)).toEqual(['notice.created']);
  });

  it.each([
    ['a slash date', '2099/05/01 10:00'],
    ['a month 13', '2099-13-01T10:00'],
    ['an hour 25', '2099-05-01T25:00'],
    ['nothing', ''],
  ])('refuses a start given as %s', async (_name, value) => {
    const c = await staffClient();
    await c.get('/staff/notices/new');
    const res = await c.post('/staff/notices/new', form({ title_ja: '日付の誤り', body_ja: '本文', publish_from: value }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="publish_from-error"');
    expect(textOf(res.body)).toContain('日時を正しく入力してください');
  });

  it('refuses an impossible calendar date (2月30日) instead of saving another day', async () => {
    const c = await staffClient();
    await c.get('/staff/notices/new');
    const res = await c.post('/staff/notices/new', form({ title_ja: '存在しない日付', body_ja: '本文', publish_from: '2099-02-30T10:00' }));
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('日時を正しく入力してください');
  });
});

describe('access', () => {
  it('sends a member (and anyone not signed in as staff) to the staff login, and saves nothing they post', async () => {
    const member = await memberClient();
    const anonymous = new TestClient(t.app);
    for (const c of [member, anonymous]) {
      for (const path of ['/staff/notices', '/staff/notices/new', '/staff/notices/1']) {
        const res = await c.get(path);
        expect(res.statusCode, path).toBe(303);
        expect(res.headers.location, path).toBe('/staff/login');
      }
    }
    const before = await noticeCount();
    await member.get('/');
    const post = await member.post('/staff/notices/new', form({ title_ja: '会員が作ったお知らせ', body_ja: '本文', publish_from: fromNow(-HOUR) }));
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/staff/login');
    expect(await noticeCount()).toBe(before);
    expect(await memberHome()).not.toContain('会員が作ったお知らせ');
  });
});
