import { loadConfig } from '../platform/config';
import { openDatabase } from '../platform/runtime';

const config = loadConfig();
const database = await openDatabase(config, { migrate: false });
try {
  const { migrateToLatest } = await import('../platform/db/migrate');
  const applied = await migrateToLatest(database.db as never);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
} finally {
  await database.close();
}
