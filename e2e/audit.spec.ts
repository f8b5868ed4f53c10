import { ADMIN, expect, loginStaff, test } from './fixtures';

const AUDITOR = { email: 'auditor@example.jp', secret: 'KOUSHINAUDITDEMOJBSWY3DPEHPK3PXP' };

test('an admin searches the audit trail by actor and action and downloads it as CSV', async ({ page, a11y }) => {
  await loginStaff(page, ADMIN);
  await page.getByRole('link', { name: '監査ログ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '監査ログ' })).toBeVisible();
  await a11y();

  await page.getByLabel('操作者').fill('admin@example.jp');
  await page.getByLabel('操作', { exact: true }).fill('staff.login');
  await page.getByRole('button', { name: '検索' }).click();
  // The filters stay in the URL, so the list can be bookmarked or shared.
  await expect(page).toHaveURL(/actor=admin%40example\.jp.*action=staff\.login/);
  const rows = page.getByRole('region', { name: '検索結果' }).getByRole('row');
  await expect(rows.nth(1)).toContainText('staff.login');
  await expect(rows.nth(1)).toContainText('admin@example.jp');
  await a11y();

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'CSVダウンロード' }).click();
  expect((await download).suggestedFilename()).toBe('監査ログ.csv');

  await page.getByLabel('期間（開始日）').fill('2026-13-01');
  await page.getByRole('button', { name: '検索' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '入力内容に問題があります' })).toBeVisible();
  await a11y();
});

test('an auditor reads the staff pages but every change is refused', async ({ page, a11y }) => {
  await loginStaff(page, AUDITOR);
  await expect(page.getByRole('heading', { level: 1, name: '会員検索' })).toBeVisible();
  await expect(page.getByRole('link', { name: '職員アカウント' })).toHaveCount(0);
  await expect(page.getByText('監査担当（閲覧のみ）としてログインしています。')).toBeVisible();
  await page.getByRole('link', { name: '自己申告の承認' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: '選択した申告を承認' })).toHaveCount(0);
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await page.getByRole('link', { name: '監査ログ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '監査ログ' })).toBeVisible();

  await page.getByRole('link', { name: 'お知らせ管理' }).click();
  // A button it could not use is not shown at all; the page behind it still refuses a direct visit.
  await expect(page.getByRole('heading', { level: 1, name: 'お知らせ管理' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'お知らせを作成' })).toHaveCount(0);
  await page.goto('/staff/notices/new');
  await expect(page.getByRole('heading', { name: 'この操作は許可されていません' })).toBeVisible();
  await a11y();
});
