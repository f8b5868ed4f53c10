import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';
import { createDb, type Db } from './db/database';
import { type EmbeddedServer, embeddedUrl, startEmbeddedPostgres } from './db/embedded';
import { migrateToLatest } from './db/migrate';

export interface Database {
  db: Db;
  connectionString: string;
  /** The read replica's pool (DATABASE_REPLICA_URL), for the dashboard and exports only. */
  readDb?: Db;
  embedded?: EmbeddedServer;
  close(): Promise<void>;
}

/**
 * The database the process runs on: DATABASE_URL when set (production, any PostgreSQL ≥ 14),
 * otherwise the embedded server in DATA_DIR/postgres. Migrations run before anything else.
 */
export async function openDatabase(config: Config, opts: { migrate?: boolean } = {}): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let connectionString = config.databaseUrl;
  if (!connectionString) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'));
    connectionString = embedded.socketConnectionString();
    // For development tools that act on the running instance's data (npm run sandbox:pay).
    fs.writeFileSync(portFile(config), String(embedded.port));
  }
  const { db } = createDb(connectionString, 20);
  const readDb = config.databaseReplicaUrl ? createDb(config.databaseReplicaUrl, 5).db : undefined;
  try {
    if (opts.migrate !== false) await migrate(config, db);
  } catch (err) {
    await db.destroy();
    await readDb?.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    db,
    connectionString,
    readDb,
    embedded,
    async close() {
      await db.destroy();
      await readDb?.destroy();
      if (embedded) fs.rmSync(portFile(config), { force: true });
      await embedded?.stop();
    },
  };
}

/**
 * Runs the migrations: as the owner (DATABASE_MIGRATION_URL) when the app's role is the restricted one,
 * else over the app's own connection. Returns the names applied.
 */
export async function migrate(config: Config, db: Db): Promise<string[]> {
  if (!config.databaseMigrationUrl) return migrateToLatest(db as never);
  const { db: ownerDb } = createDb(config.databaseMigrationUrl, 1);
  try {
    return await migrateToLatest(ownerDb as never);
  } finally {
    await ownerDb.destroy();
  }
}

const portFile = (config: Config) => path.join(config.dataDir, 'postgres.port');

/**
 * The database of the instance already running on this configuration, for a second process (a
 * development CLI): DATABASE_URL, or the embedded server whose port `npm start` wrote to
 * DATA_DIR/postgres.port. Null when no instance is running there.
 */
export function runningDatabaseUrl(config: Config): string | null {
  if (config.databaseUrl) return config.databaseUrl;
  if (!fs.existsSync(path.join(config.dataDir, 'postgres', 'postmaster.pid')) || !fs.existsSync(portFile(config))) return null;
  const port = Number(fs.readFileSync(portFile(config), 'utf8').trim());
  return Number.isInteger(port) && port > 0 ? embeddedUrl(port) : null;
}
