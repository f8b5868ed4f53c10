import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { TestClient, textOf } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { linkIn } from '../../test/smtp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function loggedIn(number: string, fields: Parameters<typeof createMember>[1] = {}) {
  const member = await createMember(t.db, { member_number: number, ...fields });
  const c = new TestClient(t.app);
  await c.submit('/login', '/login', { memberNumber: number, password: TEST_PASSWORD });
  return { member, c };
}

describe('会員情報 → 会員情報照会', () => {
  it('lists the member by name and shows the whole profile with 和暦 beside the dates', async () => {
    const { c } = await loggedIn('100301', { family_name: '鈴木', given_name: '花子', cert_period_start: '2022-04-01', cert_period_end: '2027-03-31' });
    const list = await c.get('/profile');
    expect(list.body).toContain('href="/profile/detail"');
    expect(textOf(list.body)).toContain('鈴木 花子');
    const page = textOf((await c.get('/profile/detail')).body);
    for (const text of ['100301', '鈴木 花子', 'ヤマダ タロウ', '1975年6月15日（昭和50年）', 'm100301@example.jp', '03-1234-5678', '〒100-0001', '東京都', '千代田区千代田1-1', '循環器病院', '11-12345678', '2022年4月1日（令和4年） ～ 2027年3月31日（令和9年）']) {
      expect(page).toContain(text);
    }
  });

  it('needs a login', async () => {
    const res = await new TestClient(t.app).get('/profile/detail');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fprofile%2Fdetail');
  });
});

let nextNumber = 0;

describe('送付・請求先', () => {
  it('accepts full-width digits and hyphen look-alikes in the postal code, and audits before/after', async () => {
    const { member, c } = await loggedIn('100302');
    await c.get('/profile/address');
    const res = await c.post('/profile/address', { postal_code: '５３０ー０００１', prefecture: '大阪府', address_line1: '大阪市北区梅田1-1', address_line2: '梅田ビル5階', organisation: '梅田心臓クリニック' });
    expect(res.statusCode).toBe(303);
    const page = await c.get(res.headers.location as string);
    expect(textOf(page.body)).toContain('送付・請求先を変更しました。');
    expect(textOf(page.body)).toContain('〒530-0001');
    const row = await t.db.selectFrom('audit_log').select(['before', 'after', 'actor_type']).where('member_id', '=', member.id).where('action', '=', 'member.address_changed').executeTakeFirstOrThrow();
    expect(row.actor_type).toBe('member');
    expect(row.before).toMatchObject({ postal_code: '100-0001', prefecture: '東京都' });
    expect(row.after).toMatchObject({ postal_code: '530-0001', prefecture: '大阪府', organisation: '梅田心臓クリニック' });
  });

  it.each([
    ['a short postal code', { postal_code: '530-001' }, 'postal_code', '郵便番号は7桁の数字で入力してください'],
    ['letters in the postal code', { postal_code: 'abc-defg' }, 'postal_code', '郵便番号は7桁の数字で入力してください'],
    ['an unknown prefecture', { prefecture: 'Atlantis' }, 'prefecture', '都道府県を選択してください'],
    ['a blank address', { address_line1: '  ' }, 'address_line1', '入力してください'],
    ['a NUL byte', { address_line1: '梅田\u0000' }, 'address_line1', '使用できない文字が含まれています'],
    ['10 KB of text', { address_line1: 'あ'.repeat(10_240) }, 'address_line1', '入力できる文字数を超えています'],
  ])('refuses %s with 400, keeps the input and changes nothing', async (_name, change, field, message) => {
    const { member, c } = await loggedIn(String(100310 + ++nextNumber));
    await c.get('/profile/address');
    const fields = { postal_code: '530-0001', prefecture: '大阪府', address_line1: '大阪市北区梅田1-1', address_line2: '', organisation: '梅田', ...change };
    const res = await c.post('/profile/address', fields);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`id="${field}-error"`);
    expect(textOf(res.body)).toContain(message);
    expect(res.body).toContain('大阪府');
    const after = await t.db.selectFrom('members').select(['postal_code', 'prefecture']).where('id', '=', member.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ postal_code: '100-0001', prefecture: '東京都' });
  });
});

describe('メールアドレスの変更', () => {
  it('changes only after the link sent to the new address is opened; the old address is told', async () => {
    const { member, c } = await loggedIn('100303', { email: 'old@example.jp' });
    await c.get('/profile/email');
    const res = await c.post('/profile/email', { email: ' new@example.jp ' });
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body)).toContain('new@example.jp に確認用のリンクをお送りしました。');
    await t.mail.waitFor('old@example.jp', 'メールアドレス変更のお知らせ');
    const confirm = await t.mail.waitFor('new@example.jp', 'メールアドレス変更の確認');
    expect((await t.db.selectFrom('members').select('email').where('id', '=', member.id).executeTakeFirstOrThrow()).email).toBe('old@example.jp');

    const path = linkIn(confirm, 'http://koushin.test/profile/email/confirm/').replace('http://koushin.test', '');
    const done = await new TestClient(t.app).get(path);
    expect(done.statusCode).toBe(200);
    expect(textOf(done.body)).toContain('メールアドレスを変更しました。');
    expect((await t.db.selectFrom('members').select('email').where('id', '=', member.id).executeTakeFirstOrThrow()).email).toBe('new@example.jp');
    await t.mail.waitFor('old@example.jp', 'メールアドレスを変更しました');
    const again = await new TestClient(t.app).get(path);
    expect(again.statusCode).toBe(400);
    const audit = await t.db.selectFrom('audit_log').select(['before', 'after']).where('member_id', '=', member.id).where('action', '=', 'member.email_changed').executeTakeFirstOrThrow();
    expect(audit).toEqual({ before: { email: 'old@example.jp' }, after: { email: 'new@example.jp' } });
  });

  it('refuses a malformed address and the current one', async () => {
    const { c } = await loggedIn('100304', { email: 'same@example.jp' });
    await c.get('/profile/email');
    const bad = await c.post('/profile/email', { email: 'not an email' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('メールアドレスの形式で入力してください');
    expect(bad.body).toContain('value="not an email"');
    const same = await c.post('/profile/email', { email: 'SAME@example.jp' });
    expect(same.statusCode).toBe(400);
    expect(textOf(same.body)).toContain('現在と同じメールアドレスです');
  });

  it('refuses a confirmation link after 30 minutes', async () => {
    const { member, c } = await loggedIn('100305', { email: 'slow@example.jp' });
    await c.submit('/profile/email', '/profile/email', { email: 'slow-new@example.jp' });
    const path = linkIn(await t.mail.waitFor('slow-new@example.jp'), 'http://koushin.test/profile/email/confirm/').replace('http://koushin.test', '');
    t.clock.advance(31 * 60_000);
    expect((await c.get(path)).statusCode).toBe(400);
    expect((await t.db.selectFrom('members').select('email').where('id', '=', member.id).executeTakeFirstOrThrow()).email).toBe('slow@example.jp');
  });
});
