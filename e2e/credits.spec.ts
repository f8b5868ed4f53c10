import { ADMIN, expect, loginMember, loginStaff, test } from './fixtures';
import { linkFromMail, mailCount } from './mail';

const PDF = Buffer.from('%PDF-1.7\n% name badge\n1 0 obj<<>>endobj\n%%EOF\n');

test('STEP③ by the guide: search, select, 保存, upload, 承認申請, 送信; rejection mail, fix, re-request; approval shows in the transcript', async ({ page, browser, a11y }) => {
  // 100016 (member index 15) has a current certification period in the demo society.
  await loginMember(page, '100016');
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '会員情報' }).click();
  await page.getByRole('table').getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: '会員情報照会' })).toBeVisible();
  await a11y();
  await page.getByRole('region', { name: '単位情報' }).or(page.locator('section', { has: page.getByRole('heading', { name: '単位情報' }) })).getByRole('link', { name: '新規' }).click();

  await expect(page.getByRole('heading', { level: 1, name: '自己申告単位の新規作成' })).toBeVisible();
  await a11y();
  await page.getByRole('searchbox', { name: '単位コード' }).fill('関連学術集会');
  // With JavaScript the suggestions appear as the member types; choosing one selects the code.
  await page.getByRole('link', { name: /REL-ANNUAL 関連学術集会 年次学術集会/ }).first().click();
  await expect(page.getByText('選択中の単位コード')).toBeVisible();
  await page.getByLabel('活動日').fill('2025-10-04');
  await page.getByLabel('学術集会名').fill('第122回日本内科学会総会・講演会');
  await a11y();
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('単位申請情報を作成しました。次に証明書類をアップロードしてください。')).toBeVisible();
  const controlNo = (await page.getByRole('heading', { level: 1 }).textContent())!.match(/TN-\d+/)![0];
  await a11y();

  await page.getByLabel('ファイル').setInputFiles({ name: 'ネームカード.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'ファイルをアップロード' }).click();
  await expect(page.getByText('ファイルを追加しました。')).toBeVisible();
  await expect(page.getByRole('link', { name: 'ネームカード.pdf' })).toBeVisible();

  await page.getByRole('link', { name: '承認申請' }).click();
  await expect(page.getByText('まだ送信されていません。')).toBeVisible();
  await a11y();
  await page.getByRole('button', { name: '送信' }).click();
  await expect(page.getByText('承認申請を送信しました。')).toBeVisible();
  await expect(page.getByText('申請中', { exact: true }).first()).toBeVisible();

  // Recall, then request again.
  await page.getByRole('link', { name: '取り消し' }).click();
  await a11y();
  await page.getByLabel('コメント').fill('日付を確認します');
  await page.getByRole('button', { name: '取り消し' }).click();
  await expect(page.getByText('承認申請を取り消しました。')).toBeVisible();
  await page.getByRole('link', { name: '承認申請' }).click();
  await page.getByRole('button', { name: '送信' }).click();
  await expect(page.getByText('承認申請を送信しました。')).toBeVisible();

  // The secretariat rejects with a reason.
  const desk = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await loginStaff(desk, ADMIN);
  await desk.getByRole('link', { name: '自己申告の承認' }).click();
  await a11y(desk);
  await desk.getByRole('link', { name: controlNo }).click();
  await a11y(desk);
  const before = mailCount();
  await desk.getByLabel('却下理由').fill('証明書類の学術集会名が確認できません。参加証の画像をアップロードしてください。');
  await desk.getByRole('button', { name: '却下' }).click();
  await expect(desk.getByText('却下しました。会員にメールで通知しました。')).toBeVisible();

  // The member follows the mail's link, reads the reason, fixes and requests again.
  const link = await linkFromMail('member100016@example.jp', '自己申告単位が却下されました', 'http://127.0.0.1:\\d+/credits/TN-\\d+', before);
  await page.goto(link);
  await expect(page.getByRole('heading', { name: '却下理由' })).toBeVisible();
  await expect(page.getByText('証明書類の学術集会名が確認できません。').first()).toBeVisible();
  await a11y();
  await page.getByLabel('ファイル').setInputFiles({ name: '参加証.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'ファイルをアップロード' }).click();
  await page.getByRole('link', { name: '承認申請' }).click();
  await page.getByLabel('コメント').fill('参加証を追加しました');
  await page.getByRole('button', { name: '送信' }).click();
  await expect(page.getByText('承認申請を送信しました。')).toBeVisible();

  // Approved, it counts in 単位取得情報.
  await desk.goto('/staff/credits');
  await desk.getByRole('link', { name: controlNo }).click();
  await desk.getByRole('button', { name: '承認' }).click();
  await expect(desk.getByText('承認しました。')).toBeVisible();
  await desk.context().close();

  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '単位取得情報' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '単位取得情報' })).toBeVisible();
  await expect(page.getByText('3 / 上限 18 単位（承認済み 3・申請中 0）')).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(controlNo) })).toContainText('承認');
});

test('the transcript of a renewal target shows what counted and what a limit trimmed', async ({ page, a11y }) => {
  await loginMember(page, '100001');
  await page.getByRole('link', { name: '単位取得情報' }).click();
  await expect(page.getByRole('img', { name: /必要単位 50 のうち \d+ 単位を取得/ })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: '認定期間内の上限を超えた分' })).toBeVisible();
  await expect(page.getByText('期間外').first()).toBeVisible();
  await a11y();
  await page.getByRole('link', { name: '活動日の古い順' }).click();
  await expect(page.getByRole('link', { name: '活動日の新しい順' })).toBeVisible();
});

test('with JavaScript, 「新規」 on 会員情報照会 opens the self-report form in a dialog with suggestions', async ({ page, a11y }) => {
  await loginMember(page, '100017');
  await page.goto('/profile/detail');
  await page.locator('section', { has: page.getByRole('heading', { name: '単位情報' }) }).getByRole('link', { name: '新規' }).click();
  const dialog = page.getByRole('dialog', { name: '自己申告単位の新規作成' });
  await expect(dialog).toBeVisible();
  await a11y();
  await dialog.getByRole('searchbox', { name: '単位コード' }).fill('論文');
  await dialog.getByRole('link', { name: /PAPER-FIRST/ }).click();
  await expect(page.getByText('選択中の単位コード')).toBeVisible();
  await expect(page.getByText('論文（筆頭著者）')).toBeVisible();
});
