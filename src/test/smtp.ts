import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** A real SMTP server on loopback that keeps what it receives, for tests to read. */
export class MailCatcher {
  readonly received: ReceivedMail[] = [];
  private server?: SMTPServer;
  port = 0;
  /** Set to refuse every message with a temporary failure (a mail server that is down). */
  refusing = false;
  /** Set to answer every connection with 421 before the greeting (a server shedding load). */
  refusingConnections = false;
  /** Called with each recipient before the message's DATA is accepted (a test can crash the sender there). */
  onRecipient?: (address: string) => void;
  /** Called with each message once it is kept and before the server answers 250 (a test can crash the sender there). */
  onMessage?: (mail: ReceivedMail) => void | Promise<void>;

  /** Listens on `port` (default: any free one); stop() then start(port) is a server that went away and came back. */
  async start(port = 0): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect: (_session, callback) => {
        if (this.refusingConnections) return callback(Object.assign(new Error('too busy, try again later'), { responseCode: 421 }));
        callback();
      },
      onRcptTo: (address, _session, callback) => {
        this.onRecipient?.(address.address);
        callback();
      },
      onData: (stream, _session, callback) => {
        if (this.refusing) {
          stream.resume();
          stream.on('end', () => callback(Object.assign(new Error('try again later'), { responseCode: 451 })));
          return;
        }
        simpleParser(stream)
          .then((mail: ParsedMail) => {
            const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
            const received = { to, subject: mail.subject ?? '', text: mail.text ?? '', html: typeof mail.html === 'string' ? mail.html : '', messageId: mail.messageId ?? '' };
            this.received.push(received);
            return this.onMessage?.(received);
          })
          .then(() => callback())
          .catch((err: Error) => callback(err));
      },
    });
    // A sender that dies mid-session (the crash tests kill it) resets its connection: expected, not a failure.
    this.server.on('error', () => {});
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as { port: number }).port;
    return this;
  }

  /** Waits for a mail to `to` whose subject contains `subject` (default: any), up to 10 s. */
  async waitFor(to: string, subject = '', timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((m) => m.to.includes(to) && m.subject.includes(subject));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} with subject containing "${subject}" (got: ${this.received.map((m) => `${m.to}: ${m.subject}`).join('; ')})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  count(to: string, subject = ''): number {
    return this.received.filter((m) => m.to.includes(to) && m.subject.includes(subject)).length;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The first link in a mail's text that starts with `prefix`. */
export function linkIn(mail: ReceivedMail, prefix: string): string {
  const match = mail.text.match(new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s]+`));
  if (!match) throw new Error(`no link starting ${prefix} in:\n${mail.text}`);
  return match[0];
}
