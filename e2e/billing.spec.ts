import fs from 'node:fs';
import { readPdf } from '../src/test/pdf';
import { expect, loginMember, loginStaff, STAFF, test } from './fixtures';

test('a member with unpaid annual fees sees them first, in yen, with the real due date and 期限切れ; staff record a payment', async ({ page, browser, a11y }) => {
  // Demo member 100002 has this year's and last year's annual fee unpaid.
  await loginMember(page, '100002');
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '会費請求/入金状況' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '会費請求/入金状況' })).toBeVisible();
  await expect(page.getByText(/未納の請求が 2 件あります（合計 ¥30,000）/)).toBeVisible();
  await expect(page.getByText('期限切れ').first()).toBeVisible();
  await a11y();
  const first = page.getByRole('table').getByRole('link').first();
  const controlNo = (await first.textContent())!;
  await first.click();
  await expect(page.getByRole('heading', { level: 1, name: `請求収納の照会 ${controlNo}` })).toBeVisible();
  await expect(page.getByText('¥15,000')).toBeVisible();
  await a11y();

  const desk = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await loginStaff(desk, STAFF);
  await desk.getByLabel('会員番号・氏名・フリガナ・メールアドレス').fill('100002');
  await desk.getByRole('button', { name: '検索' }).click();
  await desk.getByRole('link', { name: '100002' }).click();
  await desk.getByRole('link', { name: controlNo }).click();
  await a11y(desk);
  await desk.getByLabel('入金日').fill('2026-11-20');
  await desk.getByLabel('入金の参照番号').fill('FURIKAE-0001');
  await desk.getByLabel('理由・メモ').fill('郵便振替の入金を確認');
  await desk.getByRole('button', { name: '入金済にする' }).click();
  await expect(desk.getByText('入金済にしました。')).toBeVisible();
  await desk.context().close();

  await page.reload();
  await expect(page.getByText('入金済', { exact: true }).first()).toBeVisible();

  // The paid invoice offers its 領収書: a PDF that names the payer, the amount and what it was for.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '領収書' }).click()]);
  const text = JSON.stringify(readPdf(fs.readFileSync(await download.path())));
  expect(text).toContain('領収書');
  expect(text).toContain('15,000');
  expect(text).toContain('年会費');
  expect(text).toContain('不課税');
  await a11y();
});
