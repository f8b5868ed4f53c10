import { expect, loginMember, test } from './fixtures';

test('a member switches a reminder off on 会員情報照会 and downloads the deadlines', async ({ page, a11y }) => {
  await loginMember(page, '100019');
  await page.goto('/profile/detail');
  const settings = page.getByRole('region', { name: 'お知らせメールの設定' });
  await expect(settings).toBeVisible();
  const renewal = settings.getByRole('checkbox', { name: /認定更新申請の締切のお知らせ/ });
  const selfReport = settings.getByRole('checkbox', { name: /却下された自己申告単位の再申請のお知らせ/ });
  await expect(renewal).toBeChecked();
  await expect(selfReport).toBeChecked();
  await a11y();

  await renewal.uncheck();
  await settings.getByRole('button', { name: '設定を保存' }).click();
  await expect(page.getByText('お知らせメールの設定を保存しました。')).toBeVisible();
  await expect(page.getByRole('region', { name: 'お知らせメールの設定' }).getByRole('checkbox', { name: /認定更新申請の締切のお知らせ/ })).not.toBeChecked();
  await expect(page.getByRole('region', { name: 'お知らせメールの設定' }).getByRole('checkbox', { name: /却下された自己申告単位/ })).toBeChecked();
  await a11y();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /締切をカレンダーに追加/ }).click()]);
  expect(download.suggestedFilename()).toBe('deadlines.ics');
  const ics = await page.request.get('/profile/deadlines.ics');
  expect(ics.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  expect(await ics.text()).toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*END:VCALENDAR\r\n$/);
});
