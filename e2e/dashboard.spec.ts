import { expect, loginStaff, STAFF, test } from './fixtures';

test('staff open the dashboard first, follow a number to the list behind it, and find the exports', async ({ page, a11y }) => {
  await loginStaff(page, STAFF);
  const nav = page.getByRole('navigation', { name: 'メインメニュー' });
  await expect(nav.getByRole('link').first()).toHaveText('ダッシュボード');
  await nav.getByRole('link', { name: 'ダッシュボード' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'ダッシュボード' })).toBeVisible();
  await expect(page.getByRole('img', { name: /更新対象者から更新完了までの人数/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /過去30日の日ごとの申請完了と更新完了/ })).toBeVisible();
  // The funnel's text alternative: a table with one row per stage.
  await expect(page.getByRole('rowheader', { name: '申請開始' })).toBeVisible();
  await a11y();

  const targets = page.getByRole('link', { name: /^更新対象者: / });
  const shown = (await targets.textContent())!;
  const count = Number(shown.replace(/[^\d]/g, ''));
  expect(count).toBeGreaterThan(0);
  await targets.click();
  await expect(page).toHaveURL(/\/staff\/applications\/list\?cycle=\d{4}&status=targets$/);
  await expect(page.getByRole('heading', { level: 1, name: '申請の一覧' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: '更新対象者（全員）' })).toBeVisible();
  await expect(page.getByRole('region', { name: '更新対象者（全員）' }).getByRole('row')).toHaveCount(Math.min(count, 100) + 1);
  await a11y();

  await page.goBack();
  await page.getByRole('link', { name: /^審査待ち: / }).click();
  await expect(page).toHaveURL(/\/staff\/credits$/);

  await nav.getByRole('link', { name: 'データ出力' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'データ出力' })).toBeVisible();
  await a11y();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '会員のCSVを出力' }).click();
  expect((await download).suggestedFilename()).toMatch(/^会員一覧_\d{8}\.csv$/);
});
