import fs from 'node:fs';
import path from 'node:path';

export const E2E_MAIL_FILE = path.resolve('.tmp/e2e-mail.json');

interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Waits for a mail (received by the real SMTP catcher of e2e/server.ts) and returns the first matching link. */
export async function linkFromMail(to: string, subject: string, linkPrefix: string, after = 0): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const mails = JSON.parse(fs.readFileSync(E2E_MAIL_FILE, 'utf8')) as Mail[];
    const mail = mails.slice(after).find((m) => m.to.includes(to) && m.subject.includes(subject));
    const link = mail?.text.match(new RegExp(`${linkPrefix}[^\\s]+`))?.[0];
    if (link) return link;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} with "${subject}"`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function mailCount(): number {
  return (JSON.parse(fs.readFileSync(E2E_MAIL_FILE, 'utf8')) as Mail[]).length;
}

export function mailsTo(to: string): Mail[] {
  return (JSON.parse(fs.readFileSync(E2E_MAIL_FILE, 'utf8')) as Mail[]).filter((m) => m.to.includes(to));
}
