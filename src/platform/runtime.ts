import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';
import { createDb, type Db } from './db/database';
import { type EmbeddedServer, startEmbeddedPostgres } from './db/embedded';
import { migrateToLatest } from './db/migrate';

export interface Database {
  db: Db;
  connectionString: string;
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
    connectionString = embedded.connectionString();
  }
  const { db } = createDb(connectionString, 20);
  try {
    if (opts.migrate !== false) await migrateToLatest(db as never);
  } catch (err) {
    await db.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    db,
    connectionString,
    embedded,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
