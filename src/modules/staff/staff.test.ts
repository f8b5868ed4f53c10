import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createStaff, nextTotp, TEST_PASSWORD, TEST_TOTP_SECRET } from '../../test/factories';
import { createTestApp, type TestApp } from '../../test/app';
import { TestClient, textOf } from '../../test/client';
import { jobsIdle } from '../../test/jobs-idle';
import { linkIn } from '../../test/smtp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const NEW_PASSWORD = 'sakura-momiji-2026';

/** The authenticator app's code for the next time step (the app accepts each code once). */
const totp = (secret = TEST_TOTP_SECRET) => nextTotp(t.clock, secret);

/** A six-digit code that is valid in no window the app accepts (now ± 60 s). */
async function wrongTotp(secret = TEST_TOTP_SECRET): Promise<string> {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  const valid = new Set(await Promise.all([-60, -30, 0, 30, 60].map((d) => generate({ secret, epoch: now + d }))));
  for (let n = 123_456; ; n = (n + 111_111) % 1_000_000) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

/** Password step only: the client holds a half-open staff session. */
async function passwordStep(c: TestClient, email: string, password = TEST_PASSWORD) {
  return c.submit('/staff/login', '/staff/login', { email, password });
}

/** A fully signed-in staff client (password + TOTP). */
async function staffClient(email: string): Promise<TestClient> {
  const c = new TestClient(t.app);
  const first = await passwordStep(c, email);
  expect(first.statusCode).toBe(303);
  expect(first.headers.location).toBe('/staff/login/verify');
  await c.get('/staff/login/verify');
  const second = await c.post('/staff/login/verify', { code: await totp() });
  expect(second.statusCode).toBe(303);
  expect(second.headers.location).toBe('/staff');
  return c;
}

async function memberClient(memberNumber: string): Promise<TestClient> {
  const c = new TestClient(t.app);
  const res = await c.submit('/login', '/login', { memberNumber, password: TEST_PASSWORD });
  expect(res.statusCode).toBe(303);
  return c;
}

const auditRows = (action: string) =>
  t.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

const recoveryCodesIn = (html: string) => [...html.matchAll(/<code>([A-Z2-9]{5}-[A-Z2-9]{5})<\/code>/g)].map((m) => m[1]!);
const secretIn = (html: string) => html.match(/data-testid="totp-secret">([A-Z2-7]+)</)?.[1];

/** Password step for a not-yet-enrolled account, then the enrolment page; returns the secret it shows. */
async function openEnrolment(c: TestClient, email: string, password = TEST_PASSWORD): Promise<string> {
  const res = await passwordStep(c, email, password);
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/staff/enrol');
  const page = await c.get('/staff/enrol');
  expect(page.statusCode).toBe(200);
  expect(textOf(page.body)).toContain('2段階認証の設定');
  const secret = secretIn(page.body);
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  return secret!;
}

describe('staff sign-in (事務局ログイン): password, then the authenticator code', () => {
  it('answers the same for a wrong password and an unknown email, keeping the email, never the password', async () => {
    await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.wrong@example.jp' });
    const c = new TestClient(t.app);
    const wrong = await passwordStep(c, 'clerk.wrong@example.jp', 'not-the-password');
    const unknown = await passwordStep(c, 'nobody@example.jp', 'not-the-password');
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body)).toContain('メールアドレスまたはパスワードが正しくありません。');
      expect(res.body).not.toContain('not-the-password');
      expect(res.cookies.find((k) => k.name === 'kstaff')).toBeUndefined();
    }
    expect(wrong.body).toContain('value="clerk.wrong@example.jp"');
    expect(c.cookie('kstaff')).toBeUndefined();
    const staffId = (await t.db.selectFrom('staff_users').select('id').where('email', '=', 'clerk.wrong@example.jp').executeTakeFirstOrThrow()).id;
    const failed = (await auditRows('staff.login_failed')).map((r) => r.subject_id);
    expect(failed).toEqual(expect.arrayContaining([String(staffId), 'nobody@example.jp']));
  });

  it('gives 20 concurrent wrong passwords, and 20 concurrent wrong codes, exactly the five free tries (issue 14 C)', async () => {
    const staff = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.race@example.jp' });
    const c = new TestClient(t.app);
    await c.get('/staff/login');
    const passwords = await Promise.all(Array.from({ length: 20 }, (_, i) => c.post('/staff/login', { email: 'clerk.race@example.jp', password: `wrong-${i}` })));
    expect(passwords.filter((r) => r.statusCode === 400)).toHaveLength(5);
    expect(passwords.filter((r) => r.statusCode === 429)).toHaveLength(15);
    const failed = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'staff.login_failed').where('subject_id', '=', String(staff.id)).execute();
    expect(failed).toHaveLength(5);

    const codes = new TestClient(t.app);
    const second = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.race2@example.jp' });
    expect((await passwordStep(codes, 'clerk.race2@example.jp')).headers.location).toBe('/staff/login/verify');
    await codes.get('/staff/login/verify');
    const wrong = await wrongTotp();
    const tries = await Promise.all(Array.from({ length: 20 }, () => codes.post('/staff/login/verify', { code: wrong })));
    expect(tries.filter((r) => r.statusCode === 400)).toHaveLength(5);
    expect(tries.filter((r) => r.statusCode === 429)).toHaveLength(15);
    const attempts = await t.db.selectFrom('login_attempts').select('succeeded').where('realm', '=', 'staff').where('account_key', '=', `2fa:${second.id}`).execute();
    expect(attempts).toHaveLength(5);
  });

  it('takes the password, holds the half-open session at the code step, refuses a wrong code, accepts the right one and audits it', async () => {
    const staff = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.totp@example.jp' });
    const c = new TestClient(t.app);
    const first = await passwordStep(c, 'Clerk.TOTP@example.jp');
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/staff/login/verify');
    const cookie = first.cookies.find((k) => k.name === 'kstaff')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.path).toBe('/staff');

    // Half logged in: nothing under /staff opens yet.
    for (const path of ['/staff', '/staff/qr', '/staff/notices', '/staff/members/100001']) {
      const res = await c.get(path);
      expect(res.statusCode, path).toBe(303);
      expect(res.headers.location, path).toBe('/staff/login/verify');
    }

    const page = await c.get('/staff/login/verify');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('2段階認証');
    const bad = await c.post('/staff/login/verify', { code: await wrongTotp() });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('認証コードが正しくありません');
    expect(bad.body).toContain('id="error-summary"');
    expect((await c.get('/staff')).headers.location).toBe('/staff/login/verify');
    expect((await auditRows('staff.second_factor_failed')).some((r) => r.actor_id === staff.id)).toBe(true);

    await c.get('/staff/login/verify');
    const halfOpen = c.cookie('kstaff')!;
    const ok = await c.post('/staff/login/verify', { code: await totp() });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/staff');
    // A new token once the second factor is given: the half-open one (password only) opens nothing, now or later.
    expect(c.cookie('kstaff')).not.toBe(halfOpen);
    const stale = new TestClient(t.app);
    stale.setCookie('kstaff', halfOpen);
    expect((await stale.get('/staff')).headers.location).toMatch(/^\/staff\/login/);
    const home = await c.get('/staff');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<h1>会員検索</h1>');
    expect(home.body).toContain('action="/staff/logout"');

    const logins = (await auditRows('staff.login')).filter((r) => r.actor_id === staff.id);
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ actor_type: 'staff', subject_type: 'staff', subject_id: String(staff.id), detail: { method: 'totp' } });
    const user = await t.db.selectFrom('staff_users').select('last_login_at').where('id', '=', staff.id).executeTakeFirstOrThrow();
    expect(user.last_login_at).not.toBeNull();
  });

  it('enrols on first login, shows 10 recovery codes once, and each recovery code works once only', async () => {
    const staff = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.enrol@example.jp', enrolled: false });
    const c = new TestClient(t.app);
    const secret = await openEnrolment(c, 'clerk.enrol@example.jp');
    expect(secret).not.toBe(TEST_TOTP_SECRET);
    const enrolled = await c.post('/staff/enrol', { code: await totp(secret) });
    expect(enrolled.statusCode).toBe(200);
    expect(textOf(enrolled.body)).toContain('復旧コード');
    const codes = recoveryCodesIn(enrolled.body);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await c.get('/staff')).statusCode).toBe(200);
    expect((await auditRows('staff.totp_enrolled')).some((r) => r.actor_id === staff.id)).toBe(true);
    // Only hashes are stored.
    const stored = await t.db.selectFrom('staff_recovery_codes').select('code_hash').where('staff_id', '=', staff.id).execute();
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(codes[0]!.replace('-', ''));

    const out = await c.post('/staff/logout', {});
    expect(out.headers.location).toBe('/staff/login');

    // The next login asks for the code; the new secret works, and so does a recovery code, once.
    const again = new TestClient(t.app);
    expect((await passwordStep(again, 'clerk.enrol@example.jp')).headers.location).toBe('/staff/login/verify');
    await again.get('/staff/login/verify');
    const byRecovery = await again.post('/staff/login/verify', { code: codes[0]! });
    expect(byRecovery.statusCode).toBe(303);
    expect(byRecovery.headers.location).toBe('/staff');
    expect((await again.get('/staff')).statusCode).toBe(200);
    const logins = (await auditRows('staff.login')).filter((r) => r.actor_id === staff.id);
    expect(logins.map((r) => (r.detail as { method: string }).method)).toEqual(['recovery_code']);

    const replay = new TestClient(t.app);
    await passwordStep(replay, 'clerk.enrol@example.jp');
    await replay.get('/staff/login/verify');
    const reused = await replay.post('/staff/login/verify', { code: codes[0]! });
    expect(reused.statusCode).toBe(400);
    expect(textOf(reused.body)).toContain('認証コードが正しくありません');
    expect((await replay.get('/staff')).headers.location).toBe('/staff/login/verify');

    // Another code, typed in lower case without the hyphen, still works.
    await replay.get('/staff/login/verify');
    const other = await replay.post('/staff/login/verify', { code: codes[1]!.replace('-', '').toLowerCase() });
    expect(other.statusCode).toBe(303);
    expect((await replay.get('/staff')).statusCode).toBe(200);

    const viaApp = new TestClient(t.app);
    await passwordStep(viaApp, 'clerk.enrol@example.jp');
    await viaApp.get('/staff/login/verify');
    expect((await viaApp.post('/staff/login/verify', { code: await totp(secret) })).headers.location).toBe('/staff');
  });

  it('refuses a wrong code at enrolment with 400 and shows the same secret again', async () => {
    const staff = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.enrol-wrong@example.jp', enrolled: false });
    const c = new TestClient(t.app);
    const secret = await openEnrolment(c, 'clerk.enrol-wrong@example.jp');
    const bad = await c.post('/staff/enrol', { code: await wrongTotp(secret) });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('認証コードが正しくありません');
    expect(secretIn(bad.body)).toBe(secret);
    expect(recoveryCodesIn(bad.body)).toHaveLength(0);
    const row = await t.db.selectFrom('staff_users').select(['totp_enrolled_at', 'totp_secret_enc']).where('id', '=', staff.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_enrolled_at: null, totp_secret_enc: null });
    // Not in yet.
    expect((await c.get('/staff')).statusCode).toBe(303);

    await c.get('/staff/enrol');
    const ok = await c.post('/staff/enrol', { code: await totp(secret) });
    expect(ok.statusCode).toBe(200);
    expect(recoveryCodesIn(ok.body)).toHaveLength(10);
  });

  it('ends a staff session after 15 idle minutes, not while the clerk is working', async () => {
    await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.idle@example.jp' });
    const c = await staffClient('clerk.idle@example.jp');
    expect((await c.get('/staff')).statusCode).toBe(200);
    t.clock.advance(14 * 60_000);
    expect((await c.get('/staff')).statusCode).toBe(200);
    t.clock.advance(14 * 60_000);
    expect((await c.get('/staff')).statusCode).toBe(200);
    t.clock.advance(16 * 60_000);
    const res = await c.get('/staff');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/login?expired=1');
    const page = await c.get('/staff/login?expired=1');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('一定時間操作がなかったため、ログアウトしました');
    expect((await c.get('/staff')).headers.location).toBe('/staff/login');
  });
});

describe('the staff and member sessions are separate', () => {
  it('a member session opens nothing under /staff, not even as a staff cookie', async () => {
    await createMember(t.db, { member_number: '151001', email: 'sep.member@example.jp' });
    const c = await memberClient('151001');
    expect((await c.get('/')).statusCode).toBe(200);
    for (const path of ['/staff', '/staff/notices', '/staff/accounts', '/staff/members/151001']) {
      const res = await c.get(path);
      expect(res.statusCode, path).toBe(303);
      expect(res.headers.location, path).toBe('/staff/login');
    }
    const forged = new TestClient(t.app);
    forged.setCookie('kstaff', c.cookie('ksid')!);
    const res = await forged.get('/staff');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/login');
  });

  it('a staff session opens no member page, not even as a member cookie', async () => {
    await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.sep@example.jp' });
    const c = await staffClient('clerk.sep@example.jp');
    expect((await c.get('/staff')).statusCode).toBe(200);
    for (const path of ['/profile', '/']) {
      const res = await c.get(path);
      expect(res.statusCode, path).toBe(303);
      expect(res.headers.location, path).toMatch(/^\/login/);
    }
    const forged = new TestClient(t.app);
    forged.setCookie('ksid', c.cookie('kstaff')!);
    const res = await forged.get('/profile');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });
});

describe('会員検索 and the member page', () => {
  let clerk: Awaited<ReturnType<typeof createStaff>>;
  let c: TestClient;
  let hanako: Awaited<ReturnType<typeof createMember>>;
  beforeAll(async () => {
    clerk = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.search@example.jp' });
    c = await staffClient('clerk.search@example.jp');
    hanako = await createMember(t.db, {
      member_number: '151101', family_name: '山田', given_name: '花子', family_name_kana: 'ヤマダ', given_name_kana: 'ハナコ',
      email: 'hanako.yamada@example.jp', organisation: '北辰循環器クリニック',
    });
    await createMember(t.db, {
      member_number: '151102', family_name: '佐藤', given_name: '次郎', family_name_kana: 'サトウ', given_name_kana: 'ジロウ', email: 'jiro.sato@example.jp',
    });
  });

  it.each([
    ['half-width katakana', 'ﾔﾏﾀﾞ', '151101', '151102'],
    ['hiragana', 'やまだ', '151101', '151102'],
    ['kanji name with a space', '山田　花子', '151101', '151102'],
    ['full-width member number', '１５１１０２', '151102', '151101'],
    ['part of an email', 'jiro.sato@exa', '151102', '151101'],
    ['part of an email in capitals', 'HANAKO.YAMADA', '151101', '151102'],
  ])('finds a member by %s', async (_name, query, found, notFound) => {
    const res = await c.get(`/staff?q=${encodeURIComponent(query)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`href="/staff/members/${found}"`);
    expect(res.body).not.toContain(`href="/staff/members/${notFound}"`);
    expect(res.body).toContain(`value="${query}"`);
  });

  it('says so when nothing matches', async () => {
    const res = await c.get(`/staff?q=${encodeURIComponent('存在しない名前')}`);
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body)).toContain('該当する会員はいません。');
    expect(res.body).not.toContain('href="/staff/members/');
  });

  it('shows the profile read-only, with nothing about the password but the reset link button', async () => {
    const res = await c.get('/staff/members/151101');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    for (const value of ['151101', '山田 花子', 'ヤマダ ハナコ', 'hanako.yamada@example.jp', '北辰循環器クリニック', '〒100-0001']) expect(text).toContain(value);
    expect(res.body.match(/<input(?![^>]*type="hidden")[^>]*>/g)).toBeNull();
    expect(res.body).not.toContain('<textarea');
    expect(res.body).not.toContain('<select');
    expect(res.body).not.toContain('type="password"');
    expect(res.body).not.toContain('$argon2');
    expect(text.replace('パスワード再設定リンクを送信', '')).not.toContain('パスワード');
    // Full-width digits in the address work too.
    expect((await c.get(`/staff/members/${encodeURIComponent('１５１１０１')}`)).statusCode).toBe(200);
  });

  it('sends the member a reset link by real mail, says so and audits it as the clerk', async () => {
    await c.get('/staff/members/151101');
    const res = await c.post('/staff/members/151101/reset-link', {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/members/151101');
    const page = await c.get('/staff/members/151101');
    expect(textOf(page.body)).toContain('パスワード再設定リンクを会員に送信しました。');
    const mail = await t.mail.waitFor('hanako.yamada@example.jp', 'パスワード設定のご案内');
    expect(mail.text).toContain('山田 花子');
    const link = linkIn(mail, 'http://koushin.test/password/reset/').replace('http://koushin.test', '');
    expect((await new TestClient(t.app).get(link)).statusCode).toBe(200);
    const rows = (await auditRows('auth.reset_link_sent')).filter((r) => r.member_id === hanako.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_type: 'staff', actor_id: clerk.id, subject_type: 'member', subject_id: String(hanako.id) });
    // The flash shows once.
    expect(textOf((await c.get('/staff/members/151101')).body)).not.toContain('パスワード再設定リンクを会員に送信しました。');
  });

  it.each(['199999', 'abc', '1511011'])('answers an unknown member number (%s) with the 404 page', async (number) => {
    const res = await c.get(`/staff/members/${number}`);
    expect(res.statusCode).toBe(404);
    expect(textOf(res.body)).toContain('ページが見つかりません');
    await c.get('/staff');
    expect((await c.post(`/staff/members/${number}/reset-link`, {})).statusCode).toBe(404);
  });
});

describe('職員アカウント (admin only)', () => {
  let admin: Awaited<ReturnType<typeof createStaff>>;
  let a: TestClient;
  beforeAll(async () => {
    admin = await createStaff(t.db, t.config.sessionSecret, { email: 'admin.main@example.jp', role: 'admin' });
    await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.taken@example.jp' });
  });
  const adminClient = async () => (a ??= await staffClient('admin.main@example.jp'));

  it('refuses the staff role with 403 and hides the tab from it', async () => {
    const clerk = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.norole@example.jp' });
    const other = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.victim0@example.jp' });
    const c = await staffClient('clerk.norole@example.jp');
    const home = await c.get('/staff');
    expect(home.body).not.toContain('href="/staff/accounts"');
    for (const path of ['/staff/accounts', '/staff/accounts/new']) {
      const res = await c.get(path);
      expect(res.statusCode, path).toBe(403);
      expect(textOf(res.body)).toContain('この操作は許可されていません');
    }
    await c.get('/staff');
    expect((await c.post(`/staff/accounts/${other.id}/disable`, {})).statusCode).toBe(403);
    expect((await c.post('/staff/accounts/new', { email: 'sneaky@example.jp', displayName: 'x', role: 'admin' })).statusCode).toBe(403);
    const row = await t.db.selectFrom('staff_users').select('disabled_at').where('id', '=', other.id).executeTakeFirstOrThrow();
    expect(row.disabled_at).toBeNull();
    expect(await t.db.selectFrom('staff_users').select('id').where('email', '=', 'sneaky@example.jp').executeTakeFirst()).toBeUndefined();
    expect(clerk.role).toBe('staff');
  });

  it('shows the admin every account with role and status', async () => {
    const clerk = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.listed@example.jp' });
    const c = await adminClient();
    const res = await c.get('/staff/accounts');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    for (const value of ['職員アカウント', 'admin.main@example.jp', 'clerk.listed@example.jp', clerk.display_name, admin.display_name, '管理者', '職員', '有効']) {
      expect(text).toContain(value);
    }
    expect(res.body).toContain(`action="/staff/accounts/${clerk.id}/disable"`);
    expect(res.body).not.toContain(`action="/staff/accounts/${admin.id}/disable"`);
    expect(res.body).toContain('href="/staff/accounts"');
  });

  it('invites a colleague by real mail; the link sets a password once; the first login enrols', async () => {
    const c = await adminClient();
    await c.get('/staff/accounts/new');
    const res = await c.post('/staff/accounts/new', { email: 'new.colleague@example.jp', displayName: '鈴木 一郎', role: 'staff' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/accounts');
    const list = textOf((await c.get('/staff/accounts')).body);
    expect(list).toContain('招待メールを送信しました。');
    expect(list).toContain('new.colleague@example.jp');
    expect(list).toContain('招待中');

    const mail = await t.mail.waitFor('new.colleague@example.jp', '事務局システムへの招待');
    expect(mail.text).toContain('鈴木 一郎');
    const path = linkIn(mail, 'http://koushin.test/staff/invite/').replace('http://koushin.test', '');
    const invitee = new TestClient(t.app);

    // An invited account without a password cannot sign in.
    const early = await passwordStep(invitee, 'new.colleague@example.jp', NEW_PASSWORD);
    expect(early.statusCode).toBe(400);
    expect(textOf(early.body)).toContain('メールアドレスまたはパスワードが正しくありません。');

    const page = await invitee.get(path);
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('職員アカウントの有効化');
    const mismatch = await invitee.post(path, { password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}x` });
    expect(mismatch.statusCode).toBe(400);
    expect(textOf(mismatch.body)).toContain('確認用のパスワードが一致しません');
    // Issue 14 B: not built from the account's own e-mail or name.
    for (const own of ['new.colleague@example.jp', 'new.colleague-2026', '鈴木一郎鈴木一郎鈴木一郎']) {
      await invitee.get(path);
      const personal = await invitee.post(path, { password: own, confirm: own });
      expect(personal.statusCode, own).toBe(400);
      expect(textOf(personal.body)).toContain('会員番号・氏名・メールアドレスを元にしたパスワードは設定できません');
    }
    await invitee.get(path);
    const done = await invitee.post(path, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/staff/login');
    expect(textOf((await invitee.get('/staff/login')).body)).toContain('パスワードを設定しました。ログインしてください。');

    const reused = await invitee.get(path);
    expect(reused.statusCode).toBe(400);
    expect(textOf(reused.body)).toContain('この招待リンクは無効か、有効期限が切れています');

    const secret = await openEnrolment(new TestClient(t.app), 'new.colleague@example.jp', NEW_PASSWORD);
    expect(secret).toBeTruthy();

    const user = await t.db.selectFrom('staff_users').selectAll().where('email', '=', 'new.colleague@example.jp').executeTakeFirstOrThrow();
    expect(user.role).toBe('staff');
    const invited = (await auditRows('staff.invited')).filter((r) => r.subject_id === String(user.id));
    expect(invited).toHaveLength(1);
    expect(invited[0]).toMatchObject({ actor_type: 'staff', actor_id: admin.id });
    expect((await auditRows('staff.invite_accepted')).some((r) => r.subject_id === String(user.id))).toBe(true);
  });

  it.each([
    ['the same', 'clerk.taken@example.jp'],
    ['different case', 'Clerk.Taken@Example.jp'],
  ])('refuses to invite an email already registered (%s) with 409, keeping the input, sending nothing', async (_name, email) => {
    const c = await adminClient();
    await c.get('/staff/accounts/new');
    const res = await c.post('/staff/accounts/new', { email, displayName: '重複 花子', role: 'admin' });
    expect(res.statusCode).toBe(409);
    expect(textOf(res.body)).toContain('このメールアドレスは既に登録されています');
    expect(res.body).toContain('id="error-summary"');
    expect(res.body).toContain(`value="${email}"`);
    expect(res.body).toContain('value="重複 花子"');
    const rows = await t.db.selectFrom('staff_users').select(['role', 'display_name']).where('email', '=', 'clerk.taken@example.jp').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.role).toBe('staff');
    await jobsIdle(t);
    expect(t.mail.received.filter((m) => m.to.toLowerCase().includes('clerk.taken@example.jp'))).toHaveLength(0);
  });

  it('disables an account: its open session stops at once, its login fails; enabling lets it back in', async () => {
    const victim = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.disabled@example.jp' });
    const v = await staffClient('clerk.disabled@example.jp');
    expect((await v.get('/staff')).statusCode).toBe(200);

    const c = await adminClient();
    await c.get('/staff/accounts');
    const res = await c.post(`/staff/accounts/${victim.id}/disable`, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/accounts');
    const list = await c.get('/staff/accounts');
    expect(textOf(list.body)).toContain('アカウントを無効にしました。');
    expect(list.body).toContain(`action="/staff/accounts/${victim.id}/enable"`);

    const after = await v.get('/staff');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/staff\/login/);
    const login = await passwordStep(new TestClient(t.app), 'clerk.disabled@example.jp');
    expect(login.statusCode).toBe(400);
    expect(textOf(login.body)).toContain('メールアドレスまたはパスワードが正しくありません。');
    expect((await auditRows('staff.disabled')).filter((r) => r.subject_id === String(victim.id))).toMatchObject([{ actor_type: 'staff', actor_id: admin.id }]);

    await c.get('/staff/accounts');
    expect((await c.post(`/staff/accounts/${victim.id}/enable`, {})).statusCode).toBe(303);
    expect(textOf((await c.get('/staff/accounts')).body)).toContain('アカウントを有効にしました。');
    await staffClient('clerk.disabled@example.jp');
  });

  it('resets a lost authenticator: sessions end, recovery codes go, the next login enrols again', async () => {
    const victim = await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.lostphone@example.jp' });
    const v = await staffClient('clerk.lostphone@example.jp');
    const c = await adminClient();
    await c.get('/staff/accounts');
    const res = await c.post(`/staff/accounts/${victim.id}/reset-2fa`, {});
    expect(res.statusCode).toBe(303);
    expect(textOf((await c.get('/staff/accounts')).body)).toContain('2段階認証をリセットしました。');
    expect((await v.get('/staff')).statusCode).toBe(303);

    const secret = await openEnrolment(new TestClient(t.app), 'clerk.lostphone@example.jp');
    expect(secret).not.toBe(TEST_TOTP_SECRET);
    expect((await auditRows('staff.second_factor_reset')).filter((r) => r.subject_id === String(victim.id))).toMatchObject([{ actor_id: admin.id }]);
  });

  it('does not let an admin disable or reset themselves (403)', async () => {
    const c = await adminClient();
    for (const action of ['disable', 'reset-2fa']) {
      await c.get('/staff/accounts');
      const res = await c.post(`/staff/accounts/${admin.id}/${action}`, {});
      expect(res.statusCode, action).toBe(403);
      expect(textOf(res.body)).toContain('この操作は許可されていません');
    }
    const row = await t.db.selectFrom('staff_users').select(['disabled_at', 'totp_enrolled_at']).where('id', '=', admin.id).executeTakeFirstOrThrow();
    expect(row.disabled_at).toBeNull();
    expect(row.totp_enrolled_at).not.toBeNull();
    expect((await c.get('/staff/accounts')).statusCode).toBe(200);
  });

  it('answers 404 for an account that does not exist', async () => {
    const c = await adminClient();
    await c.get('/staff/accounts');
    expect((await c.post('/staff/accounts/999999/disable', {})).statusCode).toBe(404);
    await c.get('/staff/accounts');
    expect((await c.post('/staff/accounts/abc/disable', {})).statusCode).toBe(404);
  });

  it('answers 404, not 500, for an account id beyond the integer range', async () => {
    const c = await adminClient();
    await c.get('/staff/accounts');
    expect((await c.post('/staff/accounts/9999999999/disable', {})).statusCode).toBe(404);
  });
});

describe('QRコード確認 (/staff/qr)', () => {
  const verify = async (c: TestClient, code: string) => {
    await c.get('/staff/qr');
    return c.post('/staff/qr', { code });
  };

  it('verifies a code the society issued, and refuses a tampered one', async () => {
    const member = await createMember(t.db, { member_number: '151201', email: 'qr.member@example.jp' });
    const { code } = await t.services.checkin.issue({ type: 'system', id: null }, member);
    await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.qr@example.jp' });
    const c = await staffClient('clerk.qr@example.jp');

    const page = await c.get('/staff/qr');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('会員確認QRコードの検証');

    const ok = await verify(c, code);
    expect(ok.statusCode).toBe(200);
    expect(textOf(ok.body)).toContain('有効なQRコードです');
    expect(ok.body).toContain('href="/staff/members/151201"');
    expect(textOf(ok.body)).toContain('151201');

    const [prefix, payload, signature] = code.split('.') as [string, string, string];
    const i = Math.floor(payload.length / 2);
    const tamperedPayload = `${payload.slice(0, i)}${payload[i] === 'A' ? 'B' : 'A'}${payload.slice(i + 1)}`;
    for (const bad of [`${prefix}.${tamperedPayload}.${signature}`, `${prefix}.${payload}`, 'hello', `${prefix}.${payload}.${signature.slice(0, -4)}`]) {
      const res = await verify(c, bad);
      expect(res.statusCode).toBe(200);
      const text = textOf(res.body);
      expect(text).toContain('無効なQRコード');
      expect(text).not.toContain('有効なQRコードです');
      expect(res.body).not.toContain('href="/staff/members/151201"');
    }

    const empty = await verify(c, '');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('id="error-summary"');
  });

  it('tells an expired code (older than 72 hours) from a forged one', async () => {
    const member = await createMember(t.db, { member_number: '151202', email: 'qr.expired@example.jp' });
    const { code } = await t.services.checkin.issue({ type: 'system', id: null }, member);
    t.clock.advance(73 * 3_600_000);
    await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.qr-expired@example.jp' });
    const c = await staffClient('clerk.qr-expired@example.jp');
    const res = await verify(c, code);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('有効期限が切れたQRコードです');
    expect(text).not.toContain('有効なQRコードです');
    expect(text).toContain('151202');
  });

  it('refuses the verify page to anyone not signed in as staff', async () => {
    const res = await new TestClient(t.app).get('/staff/qr');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/login');
  });
});

describe('TOTP replay', () => {
  it('never accepts the same authenticator code twice', async () => {
    await createStaff(t.db, t.config.sessionSecret, { email: 'clerk.replay@example.jp' });
    const code = await totp();
    const first = new TestClient(t.app);
    await passwordStep(first, 'clerk.replay@example.jp');
    await first.get('/staff/login/verify');
    expect((await first.post('/staff/login/verify', { code })).headers.location).toBe('/staff');
    const second = new TestClient(t.app);
    await passwordStep(second, 'clerk.replay@example.jp');
    await second.get('/staff/login/verify');
    const replayed = await second.post('/staff/login/verify', { code });
    expect(replayed.statusCode).toBe(400);
    expect(textOf(replayed.body)).toContain('認証コードが正しくありません');
  });
});
