import { expect, loginMember, test } from './fixtures';
import { linkFromMail, mailCount } from './mail';

const profile = async (page: import('@playwright/test').Page) => {
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '会員情報' }).click();
  await page.getByRole('table').getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: '会員情報照会' })).toBeVisible();
};
const applicationsList = (page: import('@playwright/test').Page) =>
  page.locator('section.card', { has: page.getByRole('heading', { name: '専門医資格申請情報', exact: true }) });

test('STEP①: 新規 → 更新申請 → 次へ, blank 保存 shows every error, then saving creates a draft; STEP④ is refused with both reasons', async ({ page, a11y }) => {
  // 100026: a renewal target with two unpaid annual fees and no credits.
  await loginMember(page, '100026');
  await expect(page.getByRole('heading', { name: /年度更新の手続き/ })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'STEP② 年会費のお支払い' })).toContainText('要対応');
  await a11y();
  await profile(page);
  await applicationsList(page).getByRole('link', { name: '新規' }).click();
  await page.getByLabel('更新申請').check();
  await a11y();
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '更新申請の作成' })).toBeVisible();
  await expect(page.getByText('ACLS資格の有効期限')).toHaveCount(0);
  await page.getByRole('button', { name: '保存' }).click();
  for (const message of ['基本領域資格を選択してください。', '基本領域認定番号を入力してください。', '基本領域認定・更新年度を入力してください。',
    '基本領域認定期間［開始］を日付で入力してください。', '基本領域認定期間［終了］を日付で入力してください。']) {
    await expect(page.locator('.field__error', { hasText: message })).toBeVisible();
  }
  await a11y();
  await page.getByLabel(/^基本領域資格/).selectOption({ label: '総合内科専門医' });
  await page.getByLabel('基本領域認定番号').fill('１２３４５６７８');
  await page.getByLabel('基本領域認定・更新年度').fill('2019');
  await page.getByLabel('基本領域認定期間［開始］').fill('2019-04-01');
  await page.getByLabel('基本領域認定期間［終了］').fill('2024-03-31');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '会員情報照会' })).toBeVisible();
  await expect(page.getByText('保存しただけでは申請は完了していません')).toBeVisible();
  const row = applicationsList(page).getByRole('row', { name: /更新申請/ });
  await expect(row).toContainText('下書き');
  await a11y();

  await row.getByRole('link', { name: /SN-\d+/ }).click();
  await expect(page.getByText('2019年度（平成31年度）')).toBeVisible();
  await a11y();
  await page.getByRole('button', { name: '専門医資格更新申請' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '申請できませんでした' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '年会費のお支払いが未納' })).toBeVisible();
  await expect(page.getByText(/年度 ¥15,000/).first()).toBeVisible();
  await expect(page.getByRole('heading', { name: '単位不足' })).toBeVisible();
  await expect(page.getByText('あと 50 単位必要です（取得 0 / 必要 50 単位）')).toBeVisible();
  await expect(page.getByRole('link', { name: '会費請求/入金状況でお支払いください' })).toHaveAttribute('href', '/billing');
  await expect(page.getByRole('link', { name: '単位取得情報を確認する' })).toHaveAttribute('href', '/credits');
  await a11y();
});

test('STEP④: a ready member goes from the task list to 更新申請完了, with the renewal-fee invoice and its email', async ({ page, a11y }) => {
  // 100006: fees paid, 60 credits, a saved draft.
  const before = mailCount();
  await loginMember(page, '100006');
  const step4 = page.getByRole('listitem').filter({ hasText: 'STEP④ 専門医資格申請情報の申請' });
  await expect(step4).toContainText('要対応');
  await step4.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /専門医資格申請情報 SN-\d+/ })).toBeVisible();
  await a11y();
  await page.getByRole('button', { name: '専門医資格更新申請' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '更新申請完了' })).toBeVisible();
  await expect(page.getByText(/専門医更新料の請求（管理No SK-\d+、¥30,000、支払期日/)).toBeVisible();
  await a11y();
  const link = await linkFromMail('member100006@example.jp', '専門医資格更新申請を受け付けました', 'http://127.0.0.1:\\d+/billing/SK-\\d+', before);
  await page.getByRole('link', { name: /更新料を支払う/ }).click();
  await expect(page).toHaveURL(new RegExp(`${new URL(link).pathname}$`));
  await expect(page.getByText('専門医更新料').first()).toBeVisible();
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: 'STEP⑤ 更新料のお支払い' })).toContainText('要対応');
  await a11y();
});

test('辞退: 新規 → 辞退申請 → 辞退理由 → 保存 → 申請番号 → 専門医認定辞退申請 → OK → 閉じる, and the acceptance email', async ({ page, a11y }) => {
  const before = mailCount();
  await loginMember(page, '100030');
  await profile(page);
  await applicationsList(page).getByRole('link', { name: '新規' }).click();
  await page.getByLabel('辞退申請').check();
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '辞退申請の作成' })).toBeVisible();
  await page.getByLabel('退職・引退のため').check();
  await a11y();
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('保存しただけでは辞退申請は完了していません')).toBeVisible();
  await applicationsList(page).getByRole('row', { name: /辞退申請/ }).getByRole('link', { name: /SN-\d+/ }).click();
  await page.getByRole('link', { name: '専門医認定辞退申請' }).click();
  await expect(page.getByText('よろしいですか？')).toBeVisible();
  await a11y();
  await page.getByRole('button', { name: 'OK' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '辞退申請完了' })).toBeVisible();
  await a11y();
  await page.getByRole('link', { name: '閉じる' }).click();
  await expect(applicationsList(page).getByRole('row', { name: /辞退申請/ })).toContainText('辞退申請完了');
  await linkFromMail('member100030@example.jp', '専門医認定辞退申請を受理しました', 'http://127.0.0.1:\\d+/profile', before);
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' }).click();
  await expect(page.getByText(/辞退申請完了（申請番号 SN-\d+）/)).toBeVisible();
});

test('STEP⑤⑥: paying the renewal fee by card completes the renewal (更新完了) and the task list says what follows', async ({ page, a11y }) => {
  // The settlement reaches the application through billing's invoice-settled job, queued behind the ~150 the demo
  // seed's paid annual fees queue at start: allow for that backlog.
  test.setTimeout(240_000);
  // 100008: 更新申請完了 with the 専門医更新料 unpaid.
  const before = mailCount();
  await loginMember(page, '100008');
  const step5 = page.getByRole('listitem').filter({ hasText: 'STEP⑤ 更新料のお支払い' });
  await expect(step5).toContainText('要対応');
  await step5.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /請求収納の照会 SK-\d+/ })).toBeVisible();
  await page.getByRole('link', { name: 'クレジットカード/コンビニ/ペイジーでのお支払い' }).click();
  await page.getByLabel('クレジットカード').check();
  await page.getByRole('button', { name: '上記情報を送信して、決済を申し込む' }).click();
  await page.getByLabel('カード番号').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: '注意事項を確認したので、決済を申し込む' }).click();
  await expect(page.getByText('入金済', { exact: true }).first()).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('listitem').filter({ hasText: 'STEP⑤ 更新料のお支払い' })).toContainText('完了 STEP⑤');
  const step6 = page.getByRole('listitem').filter({ hasText: 'STEP⑥ 更新手続きの完了' });
  await expect.poll(async () => {
    await page.reload();
    return step6.textContent();
  }, { timeout: 30_000, intervals: [1_000] }).toContain('更新完了。');
  await linkFromMail('member100008@example.jp', '更新手続きが完了しました', '新しい認定期間', before);
  await expect(step6).toContainText(/更新完了。新しい認定期間は.+です。新しい専門医証は3月中旬以降に順次お届けします。/);
  await a11y();
  await page.goto('/profile/detail');
  await expect(page.locator('section.card', { has: page.getByRole('heading', { name: '専門医資格申請情報', exact: true }) }).getByRole('row', { name: /更新申請/ })).toContainText('更新完了');
});
