import { expect, loginStaff, STAFF, test } from './fixtures';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(new Date());

test('a clerk finds a member by phone, approves a pending self-report, and enters a paper application that bills the renewal fee', async ({ page, a11y }) => {
  await loginStaff(page, STAFF);
  await expect(page.getByRole('heading', { level: 1, name: '会員検索' })).toBeVisible();

  // 会員検索: part of the phone number in full-width digits (100029: 07-2036-3484).
  await page.getByLabel('会員番号・氏名・フリガナ・メールアドレス・電話番号').fill('０７－２０３６');
  await page.getByRole('button', { name: '検索' }).click();
  await expect(page).toHaveURL(/\/staff\?q=/);
  await expect(page.getByRole('row', { name: /100029/ })).toContainText('07-2036-3484');
  await a11y();

  // 自己申告の承認: 100001's pending self-report, found in the queue, approved.
  await page.getByRole('link', { name: '自己申告の承認' }).click();
  const row = page.getByRole('row', { name: /100001/ });
  await row.getByRole('link', { name: /^TN-\d+$/ }).click();
  await expect(page.getByRole('link', { name: '100001' })).toBeVisible();
  await a11y();
  await page.getByRole('button', { name: '承認', exact: true }).click();
  await expect(page.getByText('承認しました。')).toBeVisible();

  // The member by number, then its 360° page.
  await page.goto('/staff');
  await page.getByLabel('会員番号・氏名・フリガナ・メールアドレス・電話番号').fill('100029');
  await page.getByRole('button', { name: '検索' }).click();
  await page.getByRole('link', { name: '100029' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /会員詳細.*100029/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: '更新申請の要件（今回の更新）' })).toBeVisible();
  await expect(page.getByText('年会費・研修単位は充足（申請情報の入力待ち）')).toBeVisible();
  await expect(page.getByRole('heading', { name: '変更履歴（監査ログ）' })).toBeVisible();
  await a11y();

  // 郵送申請を入力: the same form plus 受付日; blanks are refused with the input kept.
  await page.getByRole('link', { name: '郵送申請を入力' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '郵送の認定更新申請書の入力' })).toBeVisible();
  await a11y();
  await page.getByLabel('基本領域認定番号').fill('20191234');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '入力内容に問題があります' })).toBeVisible();
  await expect(page.getByLabel('基本領域認定番号')).toHaveValue('20191234');
  await a11y();
  await page.getByLabel('受付日').fill(today());
  await page.getByLabel('基本領域資格').selectOption({ label: '総合内科専門医' });
  await page.getByLabel('基本領域認定・更新年度').fill('令和元年度');
  await page.getByLabel('基本領域認定期間［開始］').fill('2019-04-01');
  await page.getByLabel('基本領域認定期間［終了］').fill('2024-03-31');
  await page.getByLabel('留学していない').check();
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('郵送申請を下書きとして保存しました。')).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: '事務局入力（郵送）' })).toContainText('受付日');
  await a11y();

  // The scan of the paper form, then 「専門医資格更新申請」 as the member's own submit.
  await page.getByLabel('スキャンしたファイル').setInputFiles({ name: '認定更新申請書.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'ファイルをアップロード' }).click();
  await expect(page.getByText('申請書のスキャンを添付しました。')).toBeVisible();
  await expect(page.getByRole('link', { name: '認定更新申請書.pdf' })).toBeVisible();
  await page.getByRole('button', { name: '専門医資格更新申請' }).click();
  await expect(page.getByText('専門医資格更新申請を受け付け、専門医更新料の請求を作成しました。')).toBeVisible();
  await expect(page.getByRole('heading', { name: '差し戻し' })).toBeVisible();
  await a11y();

  // Back on the member page: the invoice, the mail and the file.
  await page.getByRole('link', { name: /^100029 / }).click();
  await expect(page.getByRole('row', { name: /専門医更新料/ })).toContainText('¥30,000');
  await expect(page.getByRole('link', { name: /専門医資格更新申請を受け付けました/ })).toBeVisible();
  await expect(page.getByRole('link', { name: '認定更新申請書.pdf' })).toBeVisible();
  await a11y();
});
