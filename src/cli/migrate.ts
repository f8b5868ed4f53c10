import { sql } from 'kysely';
import { loadConfig } from '../platform/config';
import { createDb } from '../platform/db/database';
import { appRoleGrants } from '../platform/db/roles';
import { migrate, openDatabase } from '../platform/runtime';

// npm run migrate [-- --grant <app role>]: migrations as the owner (DATABASE_MIGRATION_URL when set), then
// optionally the restricted application role's grants (decisions/0016).
const config = loadConfig();
const grantIndex = process.argv.indexOf('--grant');
const appRole = grantIndex >= 0 ? process.argv[grantIndex + 1] : undefined;
const database = await openDatabase(config, { migrate: false });
try {
  const applied = await migrate(config, database.db);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  if (appRole) {
    const { db: ownerDb } = createDb(config.databaseMigrationUrl ?? database.connectionString, 1);
    try {
      for (const statement of appRoleGrants(appRole)) await sql.raw(statement).execute(ownerDb);
    } finally {
      await ownerDb.destroy();
    }
    console.log(`Granted the application role ${appRole} its rights (audit_log append-only).`);
  }
} finally {
  await database.close();
}
