import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app';
import { TestClient, textOf } from '../test/client';
import { nextTotp } from '../test/factories';
import { linkIn } from '../test/smtp';

const run = promisify(execFile);
let t: TestApp;
const PASSWORD = 'first-admin-passphrase-2026';

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The CLI as an operator runs it, against the test app's database and mail server. */
async function createAdmin(args: string[]): Promise<{ code: number; out: string }> {
  const env = {
    ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: t.config.databaseUrl!, BASE_URL: t.config.baseUrl,
    SMTP_HOST: '127.0.0.1', SMTP_PORT: String(t.mail.port), MAIL_FROM: t.config.mailFrom, SESSION_SECRET: t.config.sessionSecret,
  };
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/staff-create-admin.ts', ...args], { env, timeout: 90_000 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('npm run staff:create-admin', () => {
  it('invites the first administrator by mail; the link sets the password and the first sign-in enrols TOTP', async () => {
    expect((await createAdmin(['--email', 'not-an-address', '--name', '管理 太郎'])).code).toBe(2);
    const first = await createAdmin(['--email', 'first.admin@example.jp', '--name', '管理 太郎']);
    expect(first.out).toContain('Invitation mailed to first.admin@example.jp');
    expect(first.code).toBe(0);
    const account = await t.db.selectFrom('staff_users').selectAll().where('email', '=', 'first.admin@example.jp').executeTakeFirstOrThrow();
    expect(account.role).toBe('admin');
    expect(account.password_hash).toBeNull();
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_type']).where('subject_type', '=', 'staff').where('subject_id', '=', String(account.id)).execute();
    expect(audit).toEqual([{ action: 'staff.invited', actor_type: 'system' }]);

    const mail = await t.mail.waitFor('first.admin@example.jp', '事務局システムへの招待');
    const path = linkIn(mail, 'http://koushin.test/staff/invite/').replace('http://koushin.test', '');
    const c = new TestClient(t.app);
    await c.get(path);
    expect((await c.post(path, { password: PASSWORD, confirm: PASSWORD })).statusCode).toBe(303);
    expect((await c.submit('/staff/login', '/staff/login', { email: 'first.admin@example.jp', password: PASSWORD })).headers.location).toBe('/staff/enrol');
    const enrol = await c.get('/staff/enrol');
    const secret = enrol.body.match(/data-testid="totp-secret">([A-Z2-7]+)</)?.[1];
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect((await c.post('/staff/enrol', { code: await nextTotp(t.clock, secret) })).statusCode).toBe(200);
    // An administrator: the admin-only page 職員アカウント opens.
    const accounts = await c.get('/staff/accounts');
    expect(accounts.statusCode).toBe(200);
    expect(textOf(accounts.body)).toContain('first.admin@example.jp');

    // A second "first" admin is refused: later ones are invited on 職員アカウント.
    const again = await createAdmin(['--email', 'second.admin@example.jp', '--name', '管理 次郎']);
    expect(again.code).toBe(1);
    expect(again.out).toContain('an active administrator exists');
    expect(await t.db.selectFrom('staff_users').select('id').where('email', '=', 'second.admin@example.jp').executeTakeFirst()).toBeUndefined();
  }, 180_000);
});
