import { parseArgs } from 'node:util';
import { createServices } from '../app';
import { inviteSchema } from '../modules/staff/schemas';
import { systemClock } from '../platform/clock';
import { loadConfig } from '../platform/config';
import { AppError } from '../platform/errors';
import { startJobs } from '../platform/jobs';
import { MAIL_JOB, smtpTransport } from '../platform/mail/mailer';
import { openDatabase } from '../platform/runtime';

// npm run staff:create-admin -- --email <address> --name <表示名> [--locale ja|en]
// The first administrator of a new installation (docs/operations.md): an invitation mail with a link that
// sets the password (TOTP is enrolled at the first sign-in). Refused once an active admin exists.
const usage = 'usage: npm run staff:create-admin -- --email <address> --name <display name> [--locale ja|en]';
const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, locale: { type: 'string', default: 'ja' } } });
const input = inviteSchema.omit({ role: true }).safeParse({ email: values.email ?? '', displayName: values.name ?? '' });
if (!input.success || (values.locale !== 'ja' && values.locale !== 'en')) {
  console.error(`A valid --email and a --name are required.\n${usage}`);
  process.exit(2);
}

const config = loadConfig();
if (!config.smtp && config.isProduction) {
  console.error('SMTP_HOST is not set: the invitation could not be mailed.');
  process.exit(1);
}
const database = await openDatabase(config, { migrate: false });
const jobs = await startJobs(database.connectionString, { schedule: false });
let code = 0;
try {
  const services = createServices({ config, db: database.db, jobs, clock: systemClock, mailTransport: smtpTransport(config) });
  await services.staff.inviteFirstAdmin(input.data, values.locale);
  // Delivered here (or by a running instance's worker, whichever takes the job first), so that the command
  // ends with the mail sent or says why not.
  await jobs.work<{ mailId: number }>(MAIL_JOB, (data) => services.mailer.deliver(data.mailId));
  const deadline = Date.now() + 60_000;
  let mail;
  do {
    await new Promise((r) => setTimeout(r, 250));
    mail = await database.db.selectFrom('mails').select(['status', 'last_error']).where('to_address', '=', input.data.email).orderBy('id', 'desc').executeTakeFirst();
  } while (mail?.status !== 'sent' && Date.now() < deadline);
  if (mail?.status === 'sent') {
    console.log(`Invitation mailed to ${input.data.email}: the link sets the password (valid 72 hours); the first sign-in at ${config.baseUrl}/staff/login enrols the authenticator.`);
  } else {
    console.error(`The invitation is queued but not sent yet${mail?.last_error ? ` (${mail.last_error})` : ''}; a running instance retries it.`);
    code = 1;
  }
} catch (err) {
  if (err instanceof AppError && err.code === 'conflict') {
    console.error(`Refused: ${err.message === 'email taken' ? 'a staff account with this email exists' : 'an active administrator exists (invite others on 職員アカウント)'}.`);
    code = 1;
  } else throw err;
} finally {
  await jobs.stop();
  await database.close();
}
process.exit(code);
