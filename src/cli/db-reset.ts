import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../platform/config';
import { openDatabase } from '../platform/runtime';

/** Development only: drops everything; the next `npm start` migrates and loads the demo again. */
const config = loadConfig();
if (config.isProduction) {
  console.error('db:reset refuses to run in production.');
  process.exit(1);
}
if (!config.databaseUrl) {
  fs.rmSync(path.join(config.dataDir, 'postgres'), { recursive: true, force: true });
  console.log(`Removed the embedded database in ${config.dataDir}. The next start creates it again.`);
} else {
  const database = await openDatabase(config, { migrate: false });
  await sql`DROP SCHEMA public CASCADE`.execute(database.db);
  await sql`DROP SCHEMA IF EXISTS pgboss CASCADE`.execute(database.db);
  await sql`CREATE SCHEMA public`.execute(database.db);
  await database.close();
  console.log('Dropped every table. The next start migrates again.');
}
