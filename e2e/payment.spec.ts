import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { readPdf } from '../src/test/pdf';
import { expect, loginMember, test } from './fixtures';
import { linkFromMail, mailCount, mailsTo } from './mail';

/** Opens the member's unpaid 専門医更新料 (demo members 100021–100023 have one) and returns its 管理No. */
async function openRenewalFee(page: Page, memberNumber: string): Promise<string> {
  await loginMember(page, memberNumber);
  await page.goto('/billing');
  const link = page.getByRole('table').getByRole('row').filter({ hasText: '専門医更新料' }).getByRole('link').first();
  const controlNo = (await link.textContent())!.trim();
  await link.click();
  await expect(page.getByRole('heading', { level: 1, name: `請求収納の照会 ${controlNo}` })).toBeVisible();
  await expect(page.getByText('¥30,000').first()).toBeVisible();
  return controlNo;
}

/** The text of the first mail to `to` whose subject has `subject`, once it has arrived. */
async function mailText(to: string, subject: string): Promise<string> {
  let text = '';
  await expect.poll(() => (text = mailsTo(to).find((m) => m.subject.includes(subject))?.text ?? ''), { timeout: 15_000 }).not.toBe('');
  return text;
}

test('a member pays the annual fee by Pay-easy through the gateway; it settles from the gateway console and the invoice becomes 入金済', async ({ page, a11y }) => {
  // Demo member 100003 has this fiscal year's annual fee unpaid; the annual fee is payable by Pay-easy.
  await loginMember(page, '100003');
  await page.goto('/billing');
  await page.getByRole('table').getByRole('link').first().click();
  await page.getByRole('link', { name: 'クレジットカード/コンビニ/ペイジーでのお支払い' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'お支払い内容の確認' })).toBeVisible();
  await expect(page.getByText('¥15,000').first()).toBeVisible();
  await a11y();
  await page.getByLabel('ペイジー').check();
  await page.getByRole('button', { name: '上記情報を送信して、決済を申し込む' }).click();

  // The gateway's own page, with its notes.
  await expect(page.getByRole('heading', { level: 1, name: 'サンドボックス決済（テスト用）' })).toBeVisible();
  await page.getByRole('button', { name: '注意事項を確認したので、決済を申し込む' }).click();

  // Back in the portal: the numbers to pay with, and no 入金済 until the gateway confirms.
  await expect(page.getByText('収納機関番号').first()).toBeVisible();
  await expect(page.getByText('入金済', { exact: true })).toHaveCount(0);
  await a11y();
  const invoiceUrl = page.url().replace(/\/return.*$/, '');

  const before = mailCount();
  await page.goto('/sandbox-gateway/console');
  const controlNo = invoiceUrl.match(/SK-\d+/)![0];
  await page.getByRole('article').filter({ hasText: controlNo }).getByRole('button', { name: '入金済みにする' }).click();
  await expect(page.getByText('速報と確報を送りました。')).toBeVisible();

  await page.goto(invoiceUrl);
  await expect(page.getByText('入金済', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: '領収書' })).toBeVisible();
  await linkFromMail('member100003@example.jp', '入金を確認しました', 'http://127.0.0.1:\\d+/billing/SK-\\d+', before);
});

test('a member pays the renewal fee by card: settled at once, 入金済, the mail 更新料振り込み完了, and a receipt', async ({ page, a11y }) => {
  const controlNo = await openRenewalFee(page, '100021');
  await a11y();
  await page.getByRole('link', { name: 'クレジットカード/コンビニ/ペイジーでのお支払い' }).click();
  await expect(page.getByText('専門医更新料').first()).toBeVisible();
  await page.getByLabel('クレジットカード').check();
  await page.getByRole('button', { name: '上記情報を送信して、決済を申し込む' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'サンドボックス決済（テスト用）' })).toBeVisible();
  await a11y();
  const before = mailCount();
  await page.getByLabel('カード番号').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: '注意事項を確認したので、決済を申し込む' }).click();

  // The result page: the card's settlement notice arrived before the browser came back.
  await expect(page.getByRole('heading', { level: 1, name: 'お支払い手続きの状況' })).toBeVisible();
  await expect(page.getByText('お支払いが確定しました。ありがとうございました。')).toBeVisible();
  await a11y();
  await page.getByRole('link', { name: '請求収納の照会に戻る' }).click();
  await expect(page.getByText('入金済', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'クレジットカード/コンビニ/ペイジーでのお支払い' })).toHaveCount(0);
  const link = await linkFromMail('member100021@example.jp', '更新料振り込み完了', 'http://127.0.0.1:\\d+/billing/SK-\\d+', before);
  expect(link).toContain(`/billing/${controlNo}`);

  // The 領収書 of the paid renewal fee: payer, amount, what for, the method, tax.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '領収書' }).click()]);
  const text = JSON.stringify(readPdf(fs.readFileSync(await download.path())));
  expect(text).toContain('領収書');
  expect(text).toContain('¥30,000');
  expect(text).toContain('但し　専門医更新料として');
  expect(text).toContain('クレジットカード');
  expect(text).toContain('消費税額(10%)');
  await a11y();
});

test('a member pays the renewal fee at a Lawson: the numbers on the invoice and by mail, settled from the sandbox console', async ({ page, a11y }) => {
  const controlNo = await openRenewalFee(page, '100022');
  await page.getByRole('link', { name: 'クレジットカード/コンビニ/ペイジーでのお支払い' }).click();
  await page.getByLabel('コンビニ').check();
  await page.getByRole('button', { name: '上記情報を送信して、決済を申し込む' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'サンドボックス決済（テスト用）' })).toBeVisible();
  await page.getByLabel('ローソン').check();
  await a11y();
  await page.getByRole('button', { name: '注意事項を確認したので、決済を申し込む' }).click();

  await page.getByRole('link', { name: '請求収納の照会に戻る' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `請求収納の照会 ${controlNo}` })).toBeVisible();
  const live = page.getByRole('status').filter({ hasText: 'お支払い手続きの処理中' });
  await expect(live).toBeVisible();
  const numbers = live.locator('dl');
  await expect(numbers.getByText('ローソン')).toBeVisible();
  const receiptNumber = (await numbers.locator('div', { hasText: '受付番号' }).locator('dd').textContent())!.trim();
  expect(receiptNumber).toMatch(/^\d{6}$/);
  await expect(numbers.getByText('電話番号')).toBeVisible();
  await expect(numbers.getByText('お支払い期限')).toBeVisible();
  await expect(numbers.locator('div', { hasText: 'お支払い期限' }).locator('dd')).toHaveText(/23:59$/);
  await expect(page.getByText('入金済', { exact: true })).toHaveCount(0);
  await a11y();

  const mail = await mailText('member100022@example.jp', 'お支払い番号のお知らせ');
  expect(mail).toContain(`受付番号: ${receiptNumber}`);
  expect(mail).toContain('電話番号: ');
  expect(mail).toMatch(/お支払い期限: \d{4}年\d{1,2}月\d{1,2}日（令和\d+年） 23:59/);
  expect(mail).toContain(`/billing/${controlNo}`);

  const before = mailCount();
  await page.goto('/sandbox-gateway/console');
  await a11y();
  await page.getByRole('article').filter({ hasText: receiptNumber }).getByRole('button', { name: '入金済みにする' }).click();
  await expect(page.getByText('速報と確報を送りました。')).toBeVisible();

  await page.goto(`/billing/${controlNo}`);
  await expect(page.getByText('入金済', { exact: true }).first()).toBeVisible();
  await expect(page.getByText(receiptNumber)).toHaveCount(0);
  await linkFromMail('member100022@example.jp', '更新料振り込み完了', 'http://127.0.0.1:\\d+/billing/SK-\\d+', before);
  await a11y();
});

test('a member chooses to pay the renewal fee by slip: confirmed, the red notice, no online payment any more', async ({ page, a11y }) => {
  await openRenewalFee(page, '100023');
  await page.getByRole('link', { name: '払込票での支払いお申込み' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '払込票での支払いお申込み' })).toBeVisible();
  await a11y();
  await page.getByRole('button', { name: '払込票を申し込む' }).click();
  await expect(page.getByText('払込票でのお支払いをお申し込みいただきました。')).toBeVisible();
  await expect(page.locator('.slip-chosen')).toContainText('ほかのお支払い方法はご利用いただけません');
  await expect(page.getByRole('link', { name: 'クレジットカード/コンビニ/ペイジーでのお支払い' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: '払込票での支払いお申込み' })).toHaveCount(0);
  await a11y();
});
