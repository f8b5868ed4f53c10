import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { createTestApp, type TestApp } from '../../test/app';
import { TestClient, textOf } from '../../test/client';
import { jobsIdle } from '../../test/jobs-idle';
import { linkIn } from '../../test/smtp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const auditActions = async (memberId: number) =>
  (await t.db.selectFrom('audit_log').select('action').where('member_id', '=', memberId).orderBy('id').execute()).map((r) => r.action);

describe('member sign-in (ログイン)', () => {
  it('shows the labels members know from the guide', async () => {
    const res = await new TestClient(t.app).get('/login');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    for (const label of ['会員番号', 'パスワード', 'ログイン', 'パスワードをお忘れですか？']) expect(text).toContain(label);
  });

  it('accepts full-width digits and spaces, starts a new session and audits it', async () => {
    const member = await createMember(t.db, { member_number: '100201' });
    const c = new TestClient(t.app);
    await c.get('/login');
    const res = await c.post('/login', { memberNumber: '　１００２０１ ', password: TEST_PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = res.cookies.find((k) => k.name === 'ksid')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const home = await c.get('/');
    expect(home.statusCode).toBe(200);
    expect(textOf(home.body)).toContain('山田 太郎');
    expect(await auditActions(member.id)).toContain('auth.login');
  });

  it('answers the same for a wrong password and an unknown number, keeping the number', async () => {
    await createMember(t.db, { member_number: '100202' });
    const c = new TestClient(t.app);
    await c.get('/login');
    const wrong = await c.post('/login', { memberNumber: '100202', password: 'not-the-password' });
    const unknown = await c.post('/login', { memberNumber: '199998', password: 'not-the-password' });
    expect(wrong.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain('会員番号またはパスワードが正しくありません。');
    expect(textOf(unknown.body)).toContain('会員番号またはパスワードが正しくありません。');
    expect(wrong.body).toContain('value="100202"');
    expect(wrong.body).not.toContain('not-the-password');
  });

  it.each([
    ['letters', 'abcdef'],
    ['5 digits', '10001'],
    ['7 digits', '1000011'],
    ['not starting with 1', '200001'],
    ['10 KB', '1'.repeat(10_240)],
    ['a NUL byte', '10000\u0000'],
  ])('refuses a member number with %s: inline message, error summary, HTTP 400', async (_name, value) => {
    const c = new TestClient(t.app);
    await c.get('/login');
    const res = await c.post('/login', { memberNumber: value, password: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="error-summary"');
    expect(res.body).toContain('id="memberNumber-error"');
    expect(res.body).toMatch(/<title>エラー: /);
    expect(textOf(res.body)).toContain('会員番号は1から始まる6桁の数字で入力してください');
  });

  it('refuses a form without its CSRF token with the 403 page', async () => {
    const c = new TestClient(t.app);
    await c.get('/login');
    const res = await c.post('/login', { memberNumber: '100001', password: 'x' }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(textOf(res.body)).toContain('この操作は許可されていません');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('slows an account down after five failures, for minutes, not longer', async () => {
    const member = await createMember(t.db, { member_number: '100203' });
    const c = new TestClient(t.app, { 'x-forwarded-for': '203.0.113.9' });
    await c.get('/login');
    for (let i = 0; i < 5; i++) expect((await c.post('/login', { memberNumber: '100203', password: `wrong-${i}` })).statusCode).toBe(400);
    const throttled = await c.post('/login', { memberNumber: '100203', password: TEST_PASSWORD });
    expect(throttled.statusCode).toBe(429);
    expect(textOf(throttled.body)).toContain('一時的にログインを制限しています');
    t.clock.advance(31_000);
    const ok = await c.post('/login', { memberNumber: '100203', password: TEST_PASSWORD });
    expect(ok.statusCode).toBe(303);
    expect(await auditActions(member.id)).toEqual(expect.arrayContaining(['auth.login_failed', 'auth.login_throttled', 'auth.login']));
    const rows = await t.db.selectFrom('audit_log').select(['detail', 'after']).where('member_id', '=', member.id).execute();
    expect(JSON.stringify(rows)).not.toContain(TEST_PASSWORD);
  });

  it('gives 20 concurrent wrong passwords exactly the five free tries, not one more (issue 14 C)', async () => {
    const member = await createMember(t.db, { member_number: '100214' });
    const c = new TestClient(t.app, { 'x-forwarded-for': '203.0.113.14' });
    await c.get('/login');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.post('/login', { memberNumber: '100214', password: `wrong-${i}` })));
    expect(results.filter((r) => r.statusCode === 400)).toHaveLength(5);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(15);
    const attempts = await t.db.selectFrom('login_attempts').select('succeeded').where('realm', '=', 'member').where('account_key', '=', '100214').execute();
    expect(attempts).toEqual(Array.from({ length: 5 }, () => ({ succeeded: false })));
    const actions = await auditActions(member.id);
    expect(actions.filter((a) => a === 'auth.login_failed')).toHaveLength(5);
    expect(actions.filter((a) => a === 'auth.login_throttled')).toHaveLength(15);
  });

  it('logs out, and the old session cookie opens nothing afterwards', async () => {
    await createMember(t.db, { member_number: '100204' });
    const c = new TestClient(t.app);
    await c.submit('/login', '/login', { memberNumber: '100204', password: TEST_PASSWORD });
    const stolen = c.cookie('ksid')!;
    await c.get('/');
    const out = await c.post('/logout', {});
    expect(out.headers.location).toBe('/login');
    const replay = new TestClient(t.app);
    replay.setCookie('ksid', stolen);
    const res = await replay.get('/profile');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/login');
  });

  it('ends a session after 30 idle minutes', async () => {
    await createMember(t.db, { member_number: '100205' });
    const c = new TestClient(t.app);
    await c.submit('/login', '/login', { memberNumber: '100205', password: TEST_PASSWORD });
    expect((await c.get('/')).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    const res = await c.get('/');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?expired=1');
    const page = await c.get('/login?expired=1');
    expect(textOf(page.body)).toContain('一定時間操作がなかったため、ログアウトしました');
  });
});

describe('per-IP limit', () => {
  it('answers 429 past the limit of sign-in attempts per minute from one address', async () => {
    const limited = await createTestApp({ AUTH_RATE_LIMIT: '3' });
    try {
      const c = new TestClient(limited.app);
      await c.get('/login');
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await c.post('/login', { memberNumber: '100001', password: 'x' })).statusCode);
      expect(codes).toEqual([400, 400, 400, 429]);
      expect(textOf(c.last!.body)).toContain('しばらくお待ちください');
    } finally {
      await limited.close();
    }
  });
});

describe('パスワードをお忘れですか？', () => {
  it('sends a single-use link by real SMTP, sets the password, ends every other session and confirms by mail', async () => {
    const member = await createMember(t.db, { member_number: '100210', email: 'reset@example.jp' });
    const other = new TestClient(t.app);
    await other.submit('/login', '/login', { memberNumber: '100210', password: TEST_PASSWORD });
    expect((await other.get('/')).statusCode).toBe(200);

    const c = new TestClient(t.app);
    const sent = await c.submit('/password/forgot', '/password/forgot', { memberNumber: '１００２１０' });
    expect(textOf(sent.body)).toContain('会員番号が登録されている場合');
    const mail = await t.mail.waitFor('reset@example.jp', 'パスワード設定のご案内');
    const link = linkIn(mail, 'http://koushin.test/password/reset/');
    const path = link.replace('http://koushin.test', '');

    const weak = await c.submit(path, path, { password: 'password1234', confirm: 'password1234' });
    expect(weak.statusCode).toBe(400);
    expect(textOf(weak.body)).toContain('よく使われている');
    const same = await c.submit(path, path, { password: '100210100210', confirm: '100210100211' });
    expect(textOf(same.body)).toContain('確認用のパスワードが一致しません');

    const done = await c.submit(path, path, { password: 'sakura-momiji-2026', confirm: 'sakura-momiji-2026' });
    expect(done.statusCode).toBe(303);
    expect((await other.get('/')).statusCode).toBe(303);
    await t.mail.waitFor('reset@example.jp', 'パスワードを変更しました');

    const reused = await c.get(path);
    expect(reused.statusCode).toBe(400);
    expect(textOf(reused.body)).toContain('このリンクは無効か、有効期限（30分）が切れています');

    const login = new TestClient(t.app);
    const res = await login.submit('/login', '/login', { memberNumber: '100210', password: 'sakura-momiji-2026' });
    expect(res.statusCode).toBe(303);
    expect(await auditActions(member.id)).toEqual(expect.arrayContaining(['auth.reset_link_sent', 'auth.password_set']));
  });

  it('refuses a new password built from the member number, name or e-mail with the reason, and keeps the link usable (issue 14 B)', async () => {
    await createMember(t.db, { member_number: '100027', email: 'hanako.yamada@example.jp', family_name: '山田', given_name: '花子', family_name_kana: 'ヤマダ', given_name_kana: 'ハナコ' });
    const c = new TestClient(t.app);
    await c.submit('/password/forgot', '/password/forgot', { memberNumber: '100027' });
    const path = linkIn(await t.mail.waitFor('hanako.yamada@example.jp', 'パスワード設定のご案内'), 'http://koushin.test/password/reset/').replace('http://koushin.test', '');

    for (const password of ['100027100027', 'hanako.yamada100027', 'やまだはなこ100027!']) {
      const res = await c.submit(path, path, { password, confirm: password });
      expect(res.statusCode, password).toBe(400);
      expect(textOf(res.body)).toContain('会員番号・氏名・メールアドレスを元にしたパスワードは設定できません');
      // The same form again, on the same link: the member corrects the password and sends it (passwords are never echoed back).
      expect(res.body).toContain(`action="${path}"`);
      expect(res.body).not.toContain(password);
    }
    await c.get('/lang/en?next=/login');
    const en = await c.submit(path, path, { password: '100027100027', confirm: '100027100027' });
    expect(textOf(en.body)).toContain('The password must not be built from your member number, name or e-mail address');
    const done = await c.submit(path, path, { password: 'kaede-to-momiji-2026', confirm: 'kaede-to-momiji-2026' });
    expect(done.statusCode).toBe(303);
    await t.mail.waitFor('hanako.yamada@example.jp', 'Your password has been changed');
  });

  it('answers the same for an unknown number and sends nothing', async () => {
    const c = new TestClient(t.app);
    const before = t.mail.received.length;
    const res = await c.submit('/password/forgot', '/password/forgot', { memberNumber: '199997' });
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body)).toContain('会員番号が登録されている場合');
    await jobsIdle(t);
    expect(t.mail.received.length).toBe(before);
  });

  it('refuses a link older than 30 minutes', async () => {
    await createMember(t.db, { member_number: '100211', email: 'late@example.jp' });
    const c = new TestClient(t.app);
    await c.submit('/password/forgot', '/password/forgot', { memberNumber: '100211' });
    const path = linkIn(await t.mail.waitFor('late@example.jp'), 'http://koushin.test/password/reset/').replace('http://koushin.test', '');
    t.clock.advance(31 * 60_000);
    const res = await c.get(path);
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('有効期限');
    await c.get('/login');
    const post = await c.post(path, { password: 'sakura-momiji-2026', confirm: 'sakura-momiji-2026' });
    expect(post.statusCode).toBe(400);
  });
});
