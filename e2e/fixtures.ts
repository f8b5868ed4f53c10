import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test as base } from '@playwright/test';
import { generate } from 'otplib';

/**
 * `test` with an accessibility check: every page a test opens is recorded, and `checked()` runs axe
 * (WCAG 2.2 A/AA) on the current page. Each test ends with a check of the page it stands on.
 */
export const test = base.extend<{ a11y: (page?: Page) => Promise<void> }>({
  a11y: async ({ page }, use) => {
    const check = async (target: Page = page) => {
      await target.waitForLoadState('domcontentloaded');
      const results = await new AxeBuilder({ page: target }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
      const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      expect(summary, `axe violations on ${target.url()}`).toEqual([]);
    };
    await use(check);
    if (page.url() !== 'about:blank') await check();
  },
});

export { expect };

export const MEMBER_PASSWORD = 'koushin-demo';
export const STAFF_PASSWORD = 'koushin-staff-demo';
export const STAFF = { email: 'staff@example.jp', secret: 'KOUSHINSTAFFDEMOJBSWY3DPEHPK3PXP' };
export const ADMIN = { email: 'admin@example.jp', secret: 'KOUSHINADMINDEMOJBSWY3DPEHPK3PXP' };

export async function loginMember(page: Page, memberNumber: string, password = MEMBER_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('会員番号').fill(memberNumber);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

/**
 * The authenticator's code for a time step no other test has used: the server never accepts a code
 * twice, and the tests run in parallel workers. Claiming the step is an exclusive file create.
 */
export async function freshTotp(secret: string): Promise<string> {
  fs.mkdirSync(path.resolve('.tmp'), { recursive: true });
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    try {
      fs.writeFileSync(path.resolve(`.tmp/totp-${secret}-${step}`), '', { flag: 'wx' });
      return await generate({ secret, epoch: step * 30 });
    } catch {
      await new Promise((r) => setTimeout(r, (step + 1) * 30_000 - Date.now() + 200));
    }
  }
}

export async function loginStaff(page: Page, who: { email: string; secret: string }): Promise<void> {
  await page.goto('/staff/login');
  await page.getByLabel('メールアドレス').fill(who.email);
  await page.getByLabel('パスワード').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByLabel('認証コード').fill(await freshTotp(who.secret));
  await page.getByRole('button', { name: '確認' }).click();
}
