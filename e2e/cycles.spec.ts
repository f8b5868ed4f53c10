import { ADMIN, expect, loginStaff, test } from './fixtures';

test('the administrator creates next year’s renewal cycle from the current one, corrects a mistake and extends its window', async ({ page, a11y }) => {
  await loginStaff(page, ADMIN);
  await page.getByRole('link', { name: '更新サイクル' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '更新サイクル' })).toBeVisible();
  const cycles = page.getByRole('region', { name: '更新サイクル' });
  const current = cycles.getByRole('row').filter({ hasText: '現在' });
  await expect(current).toHaveCount(1);
  const currentYear = Number((await current.getByRole('cell').first().textContent())!.match(/^(\d{4})年度/)![1]);
  const next = currentYear + 1;
  await a11y();

  await page.getByRole('button', { name: '次年度のサイクルを作成' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `更新サイクルの編集: ${next}年度更新` })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('次年度のサイクルを作成しました');
  await expect(page.getByLabel('申請受付［終了］')).toHaveValue(`${next + 1}-01-31`);
  await a11y();

  // A cap above the credits required is refused with the input kept.
  await page.getByLabel('自己申告単位の上限').fill('９９');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '入力内容に問題があります' })).toContainText('自己申告単位の上限は必要単位数以下にしてください');
  await expect(page.getByLabel('自己申告単位の上限')).toHaveValue('９９');
  await a11y();

  await page.getByLabel('自己申告単位の上限').fill('18');
  await page.getByLabel('申請受付［終了］').fill(`${next + 1}年2月15日`);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status')).toContainText('更新サイクルを保存しました');
  await expect(page.getByRole('region', { name: '現在の値' })).toContainText(`${next + 1}年2月15日`);

  await page.getByRole('link', { name: '更新サイクル', exact: true }).first().click();
  await expect(cycles.getByRole('row').filter({ hasText: `${next}年度更新` })).toContainText(`${next + 1}年2月15日`);
});
