import fs from 'node:fs';
import { expect, loginStaff, STAFF, test } from './fixtures';

test('staff issue the certificates of completed renewals, download the mailing list and open a certificate\'s verification page', async ({ page, a11y }) => {
  await loginStaff(page, STAFF);
  await page.getByRole('link', { name: '専門医証', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: '専門医証' })).toBeVisible();
  // The demo member 100009 renewed (fee paid): 更新完了, waiting for a certificate.
  const pending = page.getByRole('region', { name: /発行待ち/ });
  await expect(pending.getByRole('row').filter({ hasText: '100009' })).toBeVisible();
  await a11y();

  await page.getByRole('button', { name: '専門医証を発行' }).click();
  await expect(page.getByText('専門医証を発行しました。')).toBeVisible();
  const issued = page.getByRole('region', { name: /発行済みの専門医証/ }).getByRole('row').filter({ hasText: '100009' });
  await expect(issued).toHaveCount(1);
  const number = (await issued.getByRole('link', { name: /^SC-\d{6}$/ }).textContent())!;
  await expect(issued.getByText('有効')).toBeVisible();
  await a11y();

  await page.getByRole('button', { name: '発送リストを作成' }).click();
  await expect(page.getByText('発送リストを作成しました。')).toBeVisible();
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: /^発送リスト（CSV）/ }).first().click();
  const csv = fs.readFileSync((await (await downloading).path())!, 'utf8');
  expect(csv.startsWith('\uFEFF氏名,郵便番号,住所,勤務先,専門医証番号\r\n')).toBe(true);
  expect(csv).toContain(`,${number}\r\n`);
  await a11y();

  await page.getByRole('link', { name: number, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: `専門医証 ${number}` })).toBeVisible();
  await a11y();
  await page.getByRole('link', { name: /照会ページ/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: '専門医証の照会' })).toBeVisible();
  await expect(page.getByText(number)).toBeVisible();
  await expect(page.getByText('循環器専門医')).toBeVisible();
  await expect(page.getByText(/この専門医証は有効です/)).toBeVisible();
  await expect(page.getByText('100009')).toHaveCount(0);
});
