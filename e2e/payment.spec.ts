import { expect, loginMember, test } from './fixtures';
import { linkFromMail, mailCount } from './mail';

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
  await page.getByRole('button', { name: '入金済みにする' }).first().click();
  await expect(page.getByText('速報と確報を送りました。')).toBeVisible();

  await page.goto(invoiceUrl);
  await expect(page.getByText('入金済', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: '領収書' })).toBeVisible();
  await linkFromMail('member100003@example.jp', '入金を確認しました', 'http://127.0.0.1:\\d+/billing/SK-\\d+', before);
});
