import { expect, loginMember, loginStaff, STAFF, test } from './fixtures';

/** Today and this fiscal year (年度) in Tokyo, whatever the machine's zone. */
function tokyoToday(): { date: string; fiscalYear: number } {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()).split('-').map(Number) as [number, number, number];
  return { date: `${y}/${m}/${d}`, fiscalYear: m >= 4 ? y : y - 1 };
}

test('staff import a direct-debit result file: preview, apply, and the member\'s 口座振替 annual fee is 入金済', async ({ page, browser, a11y }) => {
  // Demo member 100004 pays by 口座振替; this year's annual fee is unpaid.
  const { date, fiscalYear } = tokyoToday();
  const file = Buffer.from(`会員番号,年度,金額,引落日,結果,取引番号\r\n100004,${fiscalYear},15000,${date},振替済,E2E-${Date.now()}\r\n`);

  const desk = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await loginStaff(desk, STAFF);
  await desk.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '入金結果の取込' }).click();
  await expect(desk.getByRole('heading', { level: 1, name: '入金結果の取込（CSV）' })).toBeVisible();
  await a11y(desk);
  await desk.getByRole('radio', { name: '口座振替・クレジット継続払いの結果' }).check();
  await desk.getByLabel('CSVファイル').setInputFiles({ name: '振替結果.csv', mimeType: 'text/csv', buffer: file });
  await desk.getByRole('button', { name: '内容を確認' }).click();

  await expect(desk.getByRole('heading', { level: 1, name: '入金結果の確認' })).toBeVisible();
  const matched = desk.getByRole('region', { name: '入金確認の行（1件）' });
  await expect(matched.getByRole('row', { name: /100004/ })).toContainText('入金確認');
  await a11y(desk);
  await desk.getByRole('button', { name: '反映する（入金確認 1件）' }).click();
  await expect(desk.getByText('入金結果を反映しました。')).toBeVisible();
  await expect(desk.getByText('このファイルを反映しました。1件の請求を入金済にし、0件を過入金・返金待ちとして記録しました。')).toBeVisible();
  await a11y(desk);
  await desk.context().close();

  await loginMember(page, '100004');
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '会費請求/入金状況' }).click();
  const row = page.getByRole('row', { name: new RegExp(`${fiscalYear}年度`) });
  await expect(row).toContainText('入金済');
  await expect(row).not.toContainText('自動引き落とし');
  await a11y();
});
