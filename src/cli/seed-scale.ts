import { parseArgs } from 'node:util';
import { createServices } from '../app';
import { systemClock } from '../platform/clock';
import { loadConfig } from '../platform/config';
import { startJobs } from '../platform/jobs';
import { openDatabase } from '../platform/runtime';
import { seedDemo } from '../seed/demo';
import { seedScale } from '../seed/scale';
import { seedScaleApplications } from '../seed/scale-applications';
import { seedScaleBilling } from '../seed/scale-billing';
import { seedScaleCredits } from '../seed/scale-credits';

/**
 * `npm run seed:scale -- --members 30000`: fills the configured database (embedded in DATA_DIR unless
 * DATABASE_URL) up to that many members, each able to log in with the demo member password.
 * The demo society is loaded first, so the scale members are numbered after it. Development only.
 */
const { values } = parseArgs({ options: { members: { type: 'string', default: '30000' } } });
const target = Number(values.members);
if (!Number.isInteger(target) || target < 1) {
  console.error('Usage: npm run seed:scale -- --members <count>   (a positive whole number, e.g. 30000)');
  process.exit(2);
}

const config = loadConfig();
if (config.isProduction) {
  console.error('Scale data is refused in production.');
  process.exit(1);
}

const database = await openDatabase(config);
const jobs = await startJobs(database.connectionString, { schedule: false });
try {
  await seedDemo(createServices({ config, db: database.db, jobs, clock: systemClock, mailTransport: null }), database.db);
  console.log(`Seeding up to ${target} members (${database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'})…`);
  let shown = 0;
  const result = await seedScale(database.db, {
    target,
    onProgress: (added, toAdd) => {
      if (added - shown >= 10_000 || added === toAdd) {
        shown = added;
        console.log(`  ${added} / ${toAdd}`);
      }
    },
  });
  if (result.added === 0) {
    console.log(`Nothing to add: the database already holds ${result.total} members (${result.seconds} s).`);
  } else {
    console.log(`Added ${result.added} members (${result.firstNumber}–${result.lastNumber}), ${result.total} in total, in ${result.seconds} s.`);
    console.log(`Every one logs in with the demo member password; ANALYZE done.`);
  }
  console.log('Seeding credits (about 50 per member, 5,000 pending self-reports, member 115000 with 200)…');
  const credits = await seedScaleCredits(database.db, { heavyMember: '115000' });
  console.log(`Added ${credits.added} credits (${credits.pendingAdded} pending), ${credits.total} in total, in ${credits.seconds} s.`);
  console.log('Seeding this year\'s renewal applications (not started, drafts, abroad, submitted, renewed, withdrawn)…');
  const applications = await seedScaleApplications(database.db);
  console.log(`Added ${applications.added} applications in ${applications.seconds} s: ${JSON.stringify(applications.byStatus)}.`);
  console.log('Seeding invoices (年会費 of two fiscal years per member, 更新料 of submitted applications) and payment attempts…');
  const billing = await seedScaleBilling(database.db, { heavyMember: '115000' });
  console.log(`Added ${billing.invoices} invoices and ${billing.attempts} payment attempts (${billing.totalInvoices} / ${billing.totalAttempts} in total) in ${billing.seconds} s.`);
} finally {
  await jobs.stop();
  await database.close();
}
