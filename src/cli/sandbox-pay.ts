import { systemClock } from '../platform/clock';
import { loadConfig } from '../platform/config';
import { createDb } from '../platform/db/database';
import { runningDatabaseUrl } from '../platform/runtime';
import { sandboxPay } from '../modules/payments/sandbox-pay';

/**
 * `npm run sandbox:pay -- <number>`: pays a konbini / Pay-easy payment of the sandbox gateway, as if at
 * the store or bank: the running portal (same DATA_DIR / DATABASE_URL, BASE_URL) receives the 速報 and
 * the 確報. The number is the 受付番号, 注文番号, 払込票番号, お客様番号 … shown on the invoice, or the ref.
 * Development only.
 */
const number = process.argv.slice(2).find((a) => a !== '--')?.trim();
if (!number) {
  console.error('Usage: npm run sandbox:pay -- <number>   (a konbini / Pay-easy number shown on the invoice, or the sandbox ref)');
  process.exit(2);
}
const config = loadConfig();
if (config.isProduction || !config.sandboxGateway) {
  console.error('sandbox:pay refuses to run in production: there is no sandbox gateway.');
  process.exit(1);
}
const url = runningDatabaseUrl(config);
if (!url) {
  console.error(`No running portal found for DATA_DIR ${config.dataDir}. Start it with npm start (same DATA_DIR) first.`);
  process.exit(1);
}
const { db } = createDb(url, 2);
let exitCode = 0;
try {
  const result = await sandboxPay(number, { db, secret: config.sandboxGateway.secret, clock: systemClock, baseUrl: config.baseUrl }).catch((err: NodeJS.ErrnoException) => {
    // A port file left by an instance that was killed: its database is gone.
    if (err.code === 'ECONNREFUSED') return { ok: false as const, reason: 'no_database' as const, statuses: [] };
    throw err;
  });
  if (result.ok) {
    console.log(`Paid sandbox payment ${result.ref}: the 速報 and the 確報 were delivered to ${config.baseUrl}.`);
  } else {
    const why = {
      not_local: `BASE_URL ${config.baseUrl} is not on this machine; sandbox:pay only talks to a local portal.`,
      no_database: `The database of the portal in DATA_DIR ${config.dataDir} does not answer. Is the portal (npm start) still running?`,
      unreachable: `The portal at ${config.baseUrl} does not answer. Start it (npm start) or set BASE_URL to where it runs.`,
      not_found: `No waiting sandbox payment has the number ${number}.`,
      not_waiting: `The payment with the number ${number} is no longer waiting for payment.`,
      refused: `The portal refused the notifications (HTTP ${result.statuses?.join(', ')}; 0 = no answer). Is SANDBOX_GATEWAY_SECRET the same as the portal's?`,
    }[result.reason];
    console.error(why);
    exitCode = 1;
  }
} finally {
  await db.destroy();
}
process.exit(exitCode);
