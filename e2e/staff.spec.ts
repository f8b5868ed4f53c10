import { ADMIN, expect, freshTotp, loginMember, loginStaff, STAFF, STAFF_PASSWORD, test } from './fixtures';

test('staff log in with password and TOTP, find a member by half-width kana and open the record', async ({ page, a11y }) => {
  await page.goto('/staff/login');
  await a11y();
  await page.getByLabel('メールアドレス').fill(STAFF.email);
  await page.getByLabel('パスワード').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.getByRole('heading', { name: '2段階認証' })).toBeVisible();
  await a11y();
  await page.getByLabel('認証コード').fill('000000');
  await page.getByRole('button', { name: '確認' }).click();
  await expect(page.getByText('認証コードが正しくありません').first()).toBeVisible();
  await page.getByLabel('認証コード').fill(await freshTotp(STAFF.secret));
  await page.getByRole('button', { name: '確認' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '会員検索' })).toBeVisible();
  await a11y();

  // A staff account sees no 職員アカウント tab.
  await expect(page.getByRole('link', { name: '職員アカウント' })).toHaveCount(0);

  await page.getByLabel('会員番号・氏名・フリガナ・メールアドレス').fill('ｻﾄｳ');
  await page.getByRole('button', { name: '検索' }).click();
  await expect(page.getByRole('row', { name: /100001/ })).toBeVisible();
  await a11y();
  await page.getByRole('link', { name: '100001' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /会員詳細/ })).toBeVisible();
  await a11y();
  await page.getByRole('button', { name: 'パスワード再設定リンクを送信' }).click();
  await expect(page.getByText('パスワード再設定リンクを会員に送信しました。')).toBeVisible();

  await page.getByLabel('会員番号・氏名・フリガナ・メールアドレス').count().then((n) => expect(n).toBe(0));
  await page.goto('/staff?q=%EF%BC%91%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%92');
  await expect(page.getByRole('link', { name: '100002' })).toBeVisible();
});

test('an admin publishes a notice that members see on their home page', async ({ page, browser, a11y }) => {
  await loginStaff(page, ADMIN);
  await page.getByRole('link', { name: 'お知らせ管理' }).click();
  await a11y();
  await page.getByRole('link', { name: 'お知らせを作成' }).click();
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '入力内容に問題があります' })).toBeVisible();
  await a11y();
  await page.getByLabel('件名（日本語）').fill('年末年始の事務局休業のお知らせ');
  await page.getByLabel('本文（日本語）').fill('12月27日から1月5日まで事務局は休業します。');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('お知らせを保存しました。')).toBeVisible();
  await expect(page.getByRole('link', { name: '年末年始の事務局休業のお知らせ' })).toBeVisible();

  const member = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await loginMember(member, '100011');
  await expect(member.getByRole('heading', { name: /年末年始の事務局休業のお知らせ/ })).toBeVisible();
  await member.context().close();

  await page.getByRole('link', { name: '職員アカウント' }).click();
  await expect(page.getByRole('cell', { name: 'staff@example.jp' })).toBeVisible();
  await a11y();
});
