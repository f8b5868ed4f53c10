import { createServices } from '../app';
import { systemClock } from '../platform/clock';
import { loadConfig } from '../platform/config';
import { startJobs } from '../platform/jobs';
import { openDatabase } from '../platform/runtime';
import { seedDemo } from '../seed/demo';

const config = loadConfig();
if (config.isProduction) {
  console.error('The demo data is refused in production.');
  process.exit(1);
}
const database = await openDatabase(config);
const jobs = await startJobs(database.connectionString, { schedule: false });
try {
  await seedDemo(createServices({ config, db: database.db, jobs, clock: systemClock, mailTransport: null }), database.db);
  console.log('Demo data loaded.');
} finally {
  await jobs.stop();
  await database.close();
}
