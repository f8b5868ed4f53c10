/**
 * The server the browser tests run against: the real `npm start` program (demo data included) on a
 * throwaway embedded database, sending mail by SMTP to a catcher that writes each message to a file
 * the tests read. Started by Playwright's webServer; stopped with it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MailCatcher } from '../src/test/smtp';
import { E2E_MAIL_FILE } from './mail';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-e2e-'));
fs.mkdirSync(path.dirname(E2E_MAIL_FILE), { recursive: true });
fs.writeFileSync(E2E_MAIL_FILE, '[]');
// Time steps claimed by earlier runs' TOTP logins (e2e/fixtures.ts freshTotp).
for (const f of fs.readdirSync(path.dirname(E2E_MAIL_FILE))) if (f.startsWith('totp-')) fs.rmSync(path.join(path.dirname(E2E_MAIL_FILE), f));

const catcher = await new MailCatcher().start();
const originalPush = catcher.received.push.bind(catcher.received);
catcher.received.push = (...mails) => {
  const n = originalPush(...mails);
  // Write then rename: a test reading at the same moment sees the old file or the new one, never half of one.
  fs.writeFileSync(`${E2E_MAIL_FILE}.tmp`, JSON.stringify(catcher.received, null, 1));
  fs.renameSync(`${E2E_MAIL_FILE}.tmp`, E2E_MAIL_FILE);
  return n;
};

const port = process.env.E2E_PORT ?? '3100';
Object.assign(process.env, {
  NODE_ENV: 'development',
  PORT: port,
  HOST: '127.0.0.1',
  BASE_URL: `http://127.0.0.1:${port}`,
  DATA_DIR: dataDir,
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(catcher.port),
  LOG_LEVEL: 'warn',
  AUTH_RATE_LIMIT: '1000',
});
process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));

await import('../src/main');
