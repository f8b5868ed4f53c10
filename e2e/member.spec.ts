import fs from 'node:fs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { expect, loginMember, loginStaff, MEMBER_PASSWORD, STAFF, test } from './fixtures';
import { linkFromMail, mailCount } from './mail';

function currentFiscalYear(): number {
  const tokyo = new Date(Date.now() + 9 * 3_600_000);
  return tokyo.getUTCMonth() + 1 >= 4 ? tokyo.getUTCFullYear() : tokyo.getUTCFullYear() - 1;
}

test('a member logs in with full-width digits and sees the renewal notice on the home page', async ({ page, a11y }) => {
  await page.goto('/login');
  await a11y();
  await page.getByLabel('会員番号').fill('１０００01');
  await page.getByLabel('パスワード').fill(MEMBER_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.getByRole('heading', { name: `<<${currentFiscalYear()}年度認定更新対象専門医各位>>` })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'お知らせ', exact: true })).toBeVisible();
  await a11y();
  await page.getByRole('link', { name: '申請の手引き' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: '申請の手引き' })).toBeVisible();
  await a11y();
  await page.goto('/faq');
  await expect(page.getByRole('heading', { level: 1, name: 'よくあるご質問（認定更新Q&A）' })).toBeVisible();
});

test('a wrong password is refused with one message and the number kept; bad numbers are explained', async ({ page, a11y }) => {
  await loginMember(page, '100006', 'not-my-password');
  await expect(page.getByText('会員番号またはパスワードが正しくありません。')).toBeVisible();
  await expect(page.getByLabel('会員番号')).toHaveValue('100006');
  await expect(page.getByLabel('パスワード')).toHaveValue('');
  await a11y();
  await loginMember(page, '10006', 'x');
  const summary = page.getByRole('alert').filter({ hasText: '入力内容に問題があります' });
  await expect(summary).toBeVisible();
  await expect(summary).toBeFocused();
  await expect(page).toHaveTitle(/^エラー: /);
  await expect(page.getByLabel('会員番号')).toHaveValue('10006');
});

test('repeated failures slow the account down for minutes', async ({ page, a11y }) => {
  for (let i = 0; i < 5; i++) {
    await loginMember(page, '100005', `wrong-${i}`);
    await expect(page.getByText('会員番号またはパスワードが正しくありません。')).toBeVisible();
  }
  await loginMember(page, '100005', MEMBER_PASSWORD);
  await expect(page.getByText(/一時的にログインを制限しています。\d+分ほどおいてから/)).toBeVisible();
  await a11y();
});

test('a forgotten password is reset by the emailed link, which ends every other session', async ({ page, browser, a11y }) => {
  const elsewhere = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await loginMember(elsewhere, '100002');
  await expect(elsewhere.getByRole('heading', { name: 'お知らせ', exact: true })).toBeVisible();

  const before = mailCount();
  await page.goto('/login');
  await page.getByRole('link', { name: 'パスワードをお忘れですか？' }).click();
  await a11y();
  await page.getByLabel('会員番号').fill('100002');
  await page.getByRole('button', { name: '再設定メールを送信' }).click();
  await expect(page.getByText('会員番号が登録されている場合')).toBeVisible();
  const link = await linkFromMail('member100002@example.jp', 'パスワード設定のご案内', 'http://127.0.0.1:\\d+/password/reset/', before);

  await page.goto(link);
  await a11y();
  await page.getByLabel('新しいパスワード', { exact: false }).first().fill('hanami-2026-spring');
  await page.getByLabel('新しいパスワード（確認）').fill('hanami-2026-spring');
  await page.getByRole('button', { name: 'パスワードを設定' }).click();
  await expect(page.getByText('パスワードを設定しました。新しいパスワードでログインしてください。')).toBeVisible();

  await elsewhere.reload();
  await expect(elsewhere.getByRole('heading', { name: 'ログイン' })).toBeVisible();
  await elsewhere.context().close();

  await page.goto(link);
  await expect(page.getByText('このリンクは無効か、有効期限（30分）が切れています。')).toBeVisible();
  await loginMember(page, '100002', 'hanami-2026-spring');
  await expect(page.getByRole('heading', { name: 'お知らせ', exact: true })).toBeVisible();
});

test('a member changes the mailing address, typing the postal code in full-width digits', async ({ page, a11y }) => {
  await loginMember(page, '100003');
  await page.getByRole('link', { name: '会員情報' }).click();
  await a11y();
  await page.getByRole('link', { name: '松本 剛' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '会員情報照会' })).toBeVisible();
  await a11y();
  await page.getByRole('link', { name: '送付・請求先を変更' }).click();
  await page.getByLabel('郵便番号').fill('１６０ー');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('郵便番号は7桁の数字で入力してください（例: 100-0001）').first()).toBeVisible();
  await a11y();
  await page.getByLabel('郵便番号').fill('１６０ー００２２');
  await page.getByLabel('都道府県').selectOption('東京都');
  await page.getByLabel('住所1（市区町村・番地）').fill('新宿区新宿1-2-3');
  await page.getByLabel('勤務先・所属').fill('新宿ハートクリニック');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('送付・請求先を変更しました。')).toBeVisible();
  await expect(page.getByText('〒160-0022')).toBeVisible();
  await expect(page.getByText('新宿ハートクリニック')).toBeVisible();
});

test('a member changes the email address through the link sent to the new address', async ({ page, a11y }) => {
  await loginMember(page, '100007');
  await page.goto('/profile/detail');
  await page.getByRole('link', { name: 'メールアドレスを変更' }).click();
  await a11y();
  const before = mailCount();
  await page.getByLabel('新しいメールアドレス').fill('new-100007@example.jp');
  await page.getByRole('button', { name: '確認メールを送信' }).click();
  await expect(page.getByText('new-100007@example.jp に確認用のリンクをお送りしました。')).toBeVisible();
  const link = await linkFromMail('new-100007@example.jp', 'メールアドレス変更の確認', 'http://127.0.0.1:\\d+/profile/email/confirm/', before);
  await linkFromMail('member100007@example.jp', 'メールアドレス変更のお知らせ', '', before).catch(() => '');
  await page.goto(link);
  await expect(page.getByText('メールアドレスを変更しました。')).toBeVisible();
  await page.goto('/profile/detail');
  await expect(page.getByText('new-100007@example.jp')).toBeVisible();
});

test('the check-in QR code is issued on click, downloads as PNG and verifies at the reception', async ({ page, browser, a11y }) => {
  await loginMember(page, '100004');
  await page.getByRole('button', { name: '学術集会の会員確認で利用するQRコード' }).click();
  await expect(page.getByRole('img', { name: '会員番号 100004 の会員確認用QRコード' })).toBeVisible();
  await a11y();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'PNG画像をダウンロード' }).click()]);
  const png = PNG.sync.read(fs.readFileSync(await download.path()));
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded?.data).toMatch(/^KSN1\./);

  const desk = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await loginStaff(desk, STAFF);
  await desk.getByRole('link', { name: 'QRコード確認' }).click();
  await desk.getByLabel('QRコードの内容').fill(decoded!.data);
  await desk.getByRole('button', { name: '検証' }).click();
  await expect(desk.getByText('有効なQRコードです')).toBeVisible();
  await expect(desk.getByRole('link', { name: '100004' })).toBeVisible();
  await a11y(desk);

  const [prefix, body, sig] = decoded!.data.split('.');
  const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
  const forged = `${prefix}.${Buffer.from(JSON.stringify({ ...payload, m: '100009' })).toString('base64url')}.${sig}`;
  await desk.getByLabel('QRコードの内容').fill(forged);
  await desk.getByRole('button', { name: '検証' }).click();
  await expect(desk.getByText('無効なQRコードです（改ざんされているか、本会が発行したものではありません）')).toBeVisible();
  await desk.context().close();
});

test('the language switch shows the portal in English and back', async ({ page, a11y }) => {
  await loginMember(page, '100008');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Notices' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await a11y();
  await page.goto('/profile/detail');
  await expect(page.getByRole('heading', { level: 1, name: 'Member record' })).toBeVisible();
  await a11y();
  await page.getByRole('link', { name: '日本語' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '会員情報照会' })).toBeVisible();
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page.getByText('ログアウトしました。')).toBeVisible();
});

test('pages fit a 375 px wide phone without sideways scrolling', async ({ page, a11y }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  for (const path of ['/login', '/guide']) {
    await page.goto(path);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await a11y();
  }
  await loginMember(page, '100010');
  for (const path of ['/', '/profile', '/profile/detail', '/profile/address']) {
    await page.goto(path);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(375);
    await a11y();
  }
});
