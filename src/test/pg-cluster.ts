import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../platform/ports';

const run = promisify(execFile);

/**
 * A PostgreSQL installation whose server and pg_dump / pg_restore share one major version. The embedded
 * server (npm) ships no pg_dump, and pg_dump refuses a newer server than itself, so the backup test runs
 * on the distribution's own PostgreSQL (Debian: `apt-get install postgresql-15`), or PG_BINDIR.
 */
export interface PgTools {
  binDir: string;
  major: number;
}

const NEEDED = ['initdb', 'pg_ctl', 'postgres', 'pg_dump', 'pg_restore'];

export function findPgTools(): PgTools | null {
  const candidates = process.env.PG_BINDIR ? [process.env.PG_BINDIR]
    : fs.existsSync('/usr/lib/postgresql')
      ? fs.readdirSync('/usr/lib/postgresql').filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)).map((d) => `/usr/lib/postgresql/${d}/bin`)
      : [];
  for (const binDir of candidates) {
    if (NEEDED.every((b) => fs.existsSync(path.join(binDir, b)))) {
      const major = Number(/(\d+)/.exec(path.basename(path.dirname(binDir)))?.[1] ?? 0);
      return { binDir, major };
    }
  }
  return null;
}

export interface Cluster {
  url(database: string): string;
  /** Runs one of the installation's programs (pg_dump, pg_restore) against this cluster. */
  tool(name: 'pg_dump' | 'pg_restore', args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** A throwaway cluster on loopback (trust auth, one role `koushin`), as the `postgres` user when we are root. */
export async function startCluster(tools: PgTools): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-pg-cluster-'));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const port = await freePort();
  // PostgreSQL refuses to run as root: the embedded server's package made the same `postgres` user.
  const asRoot = process.getuid?.() === 0;
  let ids: { uid: number; gid: number } | undefined;
  if (asRoot) {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    ids = { uid: Number(uid.stdout), gid: Number(gid.stdout) };
    fs.chownSync(dir, ids.uid, ids.gid);
  }
  const bin = (name: string) => path.join(tools.binDir, name);
  const opts = { ...ids, cwd: dir, env: { ...process.env, LC_ALL: 'C' } };
  await run(bin('initdb'), ['-D', data, '-U', 'koushin', '--auth=trust', '-E', 'UTF8', '--locale=C'], opts);
  const flags = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  await run(bin('pg_ctl'), ['-D', data, '-o', flags, '-l', path.join(dir, 'log'), '-w', 'start'], opts);
  const url = (database: string) => `postgres://koushin@127.0.0.1:${port}/${database}`;
  return {
    url,
    async tool(name, args) {
      // The dump file may live anywhere: the tool runs as the user we are, over TCP.
      return (await run(bin(name), args, { env: process.env, maxBuffer: 16 * 1024 * 1024 })).stdout;
    },
    async stop() {
      await run(bin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], opts).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
