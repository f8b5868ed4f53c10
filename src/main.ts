import { registerJobs } from './app';
import { boot } from './boot';
import { ConfigError, loadConfig } from './platform/config';
import { DEMO_PASSWORDS, DEMO_STAFF, seedDemo } from './seed/demo';

async function main() {
  const config = loadConfig();
  const booted = await boot(config);
  const { app, database, deps, services } = booted;

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`\n${signal}: shutting down…`);
    await booted.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // Demo data in development only: tests and production start on the database they are given.
  const demo = config.env === 'development' ? await seedDemo(services, database.db) : undefined;
  await registerJobs(deps, services);

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? `port ${config.port} is already in use (set PORT to another port)` : (err as Error).message;
    console.error(`Cannot start: ${reason}`);
    await booted.close();
    process.exit(1);
  }

  console.log(`\nKoushin is running at ${config.baseUrl}`);
  console.log(`  database: ${database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}`);
  if (demo) {
    console.log('\nDemo logins (development only, refused in production):');
    console.log(`  members  ${config.baseUrl}/login     member numbers 100001–100030, password ${DEMO_PASSWORDS.member}`);
    console.log(`  staff    ${config.baseUrl}/staff/login  password ${DEMO_PASSWORDS.staff}`);
    for (const s of DEMO_STAFF) console.log(`           ${s.email.padEnd(18)} (${s.role}) TOTP secret ${s.totpSecret}`);
    console.log(`  mail     ${config.baseUrl}/dev/mail  (every mail the server sends)`);
  }
  console.log('\nStop with Ctrl-C.');
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(`Cannot start: ${(err as Error).message}`);
  process.exit(1);
});
