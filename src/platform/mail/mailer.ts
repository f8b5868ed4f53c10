import nodemailer from 'nodemailer';
import type { Config } from '../config';
import type { Db, Executor } from '../db/database';
import type { Jobs } from '../jobs';
import type { Metrics } from '../metrics';
import { currentContext } from '../request-context';
import { type Locale, type MessageKey, translator } from '../i18n';

export const MAIL_JOB = 'mail.deliver';

export interface MailTemplate {
  subject: MessageKey;
  body: MessageKey;
}

export interface OutgoingMail {
  to: string;
  template: MailTemplate;
  locale: Locale;
  params: Record<string, string | number>;
  memberId?: number | null;
}

export interface Transport {
  send(mail: { from: string; to: string; subject: string; text: string; html: string; messageId: string }): Promise<void>;
}

/**
 * One Message-ID per outbox row, the same on every retry: if we die after the SMTP server accepted a mail
 * but before we marked it sent, the resend carries the same id and a receiver can drop it (decisions/0023).
 */
export function messageIdFor(mail: { id: number; created_at: Date }, mailFrom: string): string {
  const domain = mailFrom.match(/@([^>\s]+)/)?.[1] ?? 'koushin.localhost';
  return `<mail-${mail.id}.${mail.created_at.getTime().toString(36)}@${domain}>`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Text and HTML from one catalogue entry: the HTML is the text with paragraphs and live links. */
export function renderMail(mail: OutgoingMail, society: string): { subject: string; text: string; html: string } {
  const t = translator(mail.locale);
  const params = { society, ...mail.params };
  const body = `${t(mail.template.body, params)}\n\n--\n${t('mail.footer', { society })}`;
  const html = body
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}">${u}</a>`).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return {
    subject: t(mail.template.subject, params),
    text: body,
    html: `<!doctype html><html lang="${mail.locale}"><body style="font-family:sans-serif;line-height:1.7">${html}</body></html>`,
  };
}

export function smtpTransport(config: Config): Transport | null {
  if (!config.smtp) return null;
  const transporter = nodemailer.createTransport({
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    auth: config.smtp.user ? { user: config.smtp.user, pass: config.smtp.pass ?? '' } : undefined,
    // Loopback test servers have no certificate; production SMTP must have one.
    tls: config.isProduction ? undefined : { rejectUnauthorized: false },
    // Bounded well inside a job's heartbeat-kept life: a hung server fails the try, and the retry comes later.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return { send: async (m) => void (await transporter.sendMail(m)) };
}

/**
 * Mail is written to the `mails` table inside the caller's transaction and delivered by a job after
 * commit. A failed delivery is retried by the job and never undoes the business change.
 */
export class Mailer {
  constructor(private db: Db, private jobs: Jobs, private transport: Transport | null, private config: Config, private metrics?: Metrics) {}

  private outboxRow(mail: OutgoingMail) {
    const rendered = renderMail(mail, this.config.societyName[mail.locale]);
    return {
      to_address: mail.to,
      template: mail.template.subject,
      locale: mail.locale,
      subject: rendered.subject,
      text_body: rendered.text,
      html_body: rendered.html,
      member_id: mail.memberId ?? null,
      // The request (or job) that queued it: the delivery job runs under the same id (platform/jobs.ts).
      request_id: currentContext()?.requestId ?? null,
    };
  }

  async queue(tx: Executor, mail: OutgoingMail): Promise<number> {
    const row = await tx.insertInto('mails').values(this.outboxRow(mail)).returning('id').executeTakeFirstOrThrow();
    await this.jobs.send(MAIL_JOB, { mailId: row.id }, tx);
    return row.id;
  }

  /** Many mails at once (bulk work such as a payment import): one insert and one job statement per 1,000. */
  async queueMany(tx: Executor, mails: OutgoingMail[]): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < mails.length; i += 1000) {
      const rows = await tx.insertInto('mails').values(mails.slice(i, i + 1000).map((m) => this.outboxRow(m))).returning('id').execute();
      await this.jobs.sendMany(MAIL_JOB, rows.map((r) => ({ mailId: r.id })), tx);
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  }

  /** The newest mails, for the development outbox page. */
  recent(limit = 100) {
    return this.db.selectFrom('mails').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }

  /** The mails sent (or queued, or failing) to one member, newest first: what the staff member page lists. */
  forMember(memberId: number, limit = 50) {
    return this.db.selectFrom('mails').select(['id', 'to_address', 'subject', 'status', 'attempts', 'last_error', 'created_at', 'sent_at'])
      .where('member_id', '=', memberId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** One mail of one member, with its text (never another member's). */
  oneForMember(memberId: number, mailId: number) {
    return this.db.selectFrom('mails').selectAll().where('member_id', '=', memberId).where('id', '=', mailId).executeTakeFirst();
  }

  /**
   * The job handler. Idempotent: a mail already sent is not sent again. A refused try marks the row
   * `failed` with the server's answer (the staff member page shows it); the job's retry sends it later.
   */
  async deliver(mailId: number): Promise<void> {
    const mail = await this.db.selectFrom('mails').selectAll().where('id', '=', mailId).executeTakeFirst();
    if (!mail || mail.status === 'sent') return;
    if (!this.transport) {
      // Development without SMTP: the mail lives only in the outbox page (/dev/mail).
      await this.db.updateTable('mails').set({ status: 'sent', sent_at: new Date() }).where('id', '=', mailId).execute();
      return;
    }
    // The job's logger carries the request id; the line names the mail, never its address or text.
    const log = currentContext()?.log;
    const fields = { mailId, template: mail.template, mailRequestId: mail.request_id, attempt: mail.attempts + 1 };
    try {
      await this.transport.send({ from: this.config.mailFrom, to: mail.to_address, subject: mail.subject, text: mail.text_body, html: mail.html_body, messageId: messageIdFor(mail, this.config.mailFrom) });
      this.metrics?.mailDelivery('sent');
      await this.db.updateTable('mails').set({ status: 'sent', sent_at: new Date(), attempts: mail.attempts + 1, last_error: null }).where('id', '=', mailId).execute();
      log?.info(fields, 'mail sent');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.metrics?.mailDelivery('failed');
      // An SMTP refusal often quotes the recipient: the log line keeps the reason, not the address.
      log?.warn({ ...fields, err: message.replace(/[^\s<>"'@]+@[^\s<>"']+/g, '[address]').slice(0, 200) }, 'mail delivery failed');
      await this.db.updateTable('mails').set({ status: 'failed', attempts: mail.attempts + 1, last_error: message.slice(0, 500) }).where('id', '=', mailId).execute();
      throw err;
    }
  }
}
