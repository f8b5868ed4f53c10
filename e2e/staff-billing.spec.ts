import { expect, loginStaff, STAFF, test } from './fixtures';

test('staff search the invoices of a member by a full-width number, see the annual fees of five years and open an overdue one', async ({ page, a11y }) => {
  await loginStaff(page, STAFF);
  await page.getByRole('link', { name: '請求の検索' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '請求の検索' })).toBeVisible();
  await a11y();

  await page.getByLabel('会員', { exact: true }).fill('１００００２');
  await page.getByRole('button', { name: '検索' }).click();
  // The demo member 100002 is billed 年会費 for five fiscal years and owes the last two (another test may pay one).
  await expect(page.getByRole('heading', { name: '該当 5 件（合計 ¥75,000）' })).toBeVisible();
  const rows = page.getByRole('region', { name: '請求の検索' }).getByRole('row').filter({ hasText: '100002' });
  await expect(rows).toHaveCount(5);
  await expect(rows.filter({ hasText: '年会費' })).toHaveCount(5);
  const overdue = rows.filter({ hasText: '期限切れ' });
  await expect(overdue.first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'この一覧をCSVでダウンロード' })).toBeVisible();
  await a11y();

  const controlNo = (await overdue.first().getByRole('link', { name: /^SK-/ }).textContent())!;
  await overdue.first().getByRole('link', { name: controlNo }).click();
  await expect(page.getByRole('heading', { level: 1, name: `請求の詳細 ${controlNo}` })).toBeVisible();
  await expect(page.getByRole('heading', { name: '決済の記録' })).toBeVisible();
  await expect(page.getByRole('button', { name: '入金済にする' })).toBeVisible();
  await a11y();

  await page.getByRole('link', { name: '過入金・返金' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '過入金・返金' })).toBeVisible();
});
