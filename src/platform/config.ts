import path from 'node:path';
import { z } from 'zod';

const DEV_SESSION_SECRET = 'dev-only-session-secret-not-for-production-use-0123456789';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATA_DIR: z.string().default('.data'),
    DATABASE_URL: z.string().url().optional(),
    DATABASE_MIGRATION_URL: z.string().url().optional(),
    // A read replica for the dashboard and the CSV exports (decisions/0024); the primary when unset.
    DATABASE_REPLICA_URL: z.string().url().optional(),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    BASE_URL: z.string().url().optional(),
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: z.coerce.number().int().positive().optional(),
    SMTP_USER: z.string().optional(),
    SMTP_PASS: z.string().optional(),
    SMTP_SECURE: bool,
    MAIL_FROM: z.string().optional(),
    SOCIETY_NAME: z.string().default('日本循環器学会'),
    SOCIETY_NAME_EN: z.string().default('The Japanese Circulation Society'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    AUTH_RATE_LIMIT: z.coerce.number().int().positive().default(30),
    // A harmless job scheduled every minute, so a scale-out test can watch cron ticks without waiting hours.
    JOBS_HEARTBEAT: bool,
    // 領収書 issuer (発行者): name, address, 適格請求書発行事業者登録番号 (T + 13 digits).
    RECEIPT_ISSUER_NAME: z.string().optional(),
    RECEIPT_ISSUER_ADDRESS: z.string().optional(),
    // The built-in sandbox payment gateway (never in production): the HMAC secret of its notifications.
    SANDBOX_GATEWAY_SECRET: z.string().min(16).optional(),
    // Online payment (decisions/0012): which gateway, and its keys. Default sandbox outside production, none in it.
    PAYMENT_GATEWAY: z.enum(['sandbox', 'stripe', 'komoju', 'none']).optional(),
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    STRIPE_API_BASE: z.string().url().optional(),
    KOMOJU_SECRET_KEY: z.string().min(1).optional(),
    KOMOJU_WEBHOOK_SECRET: z.string().min(1).optional(),
    KOMOJU_API_BASE: z.string().url().default('https://komoju.com'),
    // GET /metrics (decisions/0026): the bearer token Prometheus presents; without it production serves no metrics.
    METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    // Background jobs (decisions/0023): the first retry's delay (doubling up to 10 minutes), the worker's
    // heartbeat (a dead worker's job is retried once it is this old) and how often pg-boss checks for that.
    // The defaults are production's; tests shorten them to prove a crash or an outage in seconds.
    JOBS_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
    JOBS_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(30),
    JOBS_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    RECEIPT_REGISTRATION_NUMBER: z.union([z.literal(''), z.string().regex(/^T\d{13}$/, 'must be T followed by 13 digits')]).optional(),
  })
  .superRefine((env, ctx) => {
    const gateway = env.PAYMENT_GATEWAY;
    const together = { stripe: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'], komoju: ['KOMOJU_SECRET_KEY', 'KOMOJU_WEBHOOK_SECRET'] } as const;
    if (gateway === 'stripe' || gateway === 'komoju') {
      for (const key of together[gateway]) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required when PAYMENT_GATEWAY=${gateway}` });
      }
    }
    if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_MIGRATION_URL'], message: 'needs DATABASE_URL (the embedded server has one role)' });
    if (env.DATABASE_REPLICA_URL && !env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_REPLICA_URL'], message: 'needs DATABASE_URL (the embedded server has no replica)' });
    if (env.NODE_ENV !== 'production') return;
    if (gateway === 'sandbox') ctx.addIssue({ code: 'custom', path: ['PAYMENT_GATEWAY'], message: 'sandbox is refused in production (stripe, komoju or none)' });
    const required = ['DATABASE_URL', 'SESSION_SECRET', 'BASE_URL', 'SMTP_HOST', 'MAIL_FROM'] as const;
    for (const key of required) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
    }
  });

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  /** The owner's connection for migrations, when the app's own role may not change the schema (decisions/0016). */
  databaseMigrationUrl?: string;
  /** A read replica of DATABASE_URL for the dashboard and exports, which may lag by seconds (decisions/0024). */
  databaseReplicaUrl?: string;
  sessionSecret: string;
  baseUrl: string;
  smtp?: { host: string; port: number; secure: boolean; user?: string; pass?: string };
  mailFrom: string;
  societyName: { ja: string; en: string };
  logLevel: string;
  /** Per IP and minute, on the endpoints that take a secret or send mail. */
  authRateLimit: number;
  /** Schedules `platform.heartbeat` every minute (JOBS_HEARTBEAT; off by default): one job per tick cluster-wide. */
  jobsHeartbeat: boolean;
  /** Demo logins are refused in production whatever the database holds. */
  demoLoginsAllowed: boolean;
  /** Who issues 領収書: printed on every receipt. The registration number only when set (demo value outside production). */
  receipt: { issuerName: string; issuerAddress?: string; registrationNumber?: string };
  /** The sandbox payment gateway (development and tests only, when it is the gateway; null in production). */
  sandboxGateway: { secret: string } | null;
  /** The real payment gateway, when one is configured (PAYMENT_GATEWAY); null for the sandbox or none. */
  paymentGateway: PaymentGatewayConfig | null;
  /** The bearer token of GET /metrics; unset: loopback only outside production, none in production. */
  metricsToken?: string;
  /** pg-boss timings (JOBS_*): retry delay, heartbeat, supervision interval, in seconds. */
  jobs: { retryDelaySeconds: number; heartbeatSeconds: number; superviseIntervalSeconds: number };
}

export type PaymentGatewayConfig =
  | { kind: 'stripe'; secretKey: string; webhookSecret: string; apiBase?: string }
  | { kind: 'komoju'; secretKey: string; webhookSecret: string; apiBase: string };

const DEMO_RECEIPT_ADDRESS = '東京都千代田区丸の内1-8-1 丸の内トラストタワーN館9F';
const DEMO_REGISTRATION_NUMBER = 'T1234567890123';

export class ConfigError extends Error {}

/** Parses the environment once, at boot; a missing production value stops the process with its name. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  return {
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databaseMigrationUrl: e.DATABASE_MIGRATION_URL,
    databaseReplicaUrl: e.DATABASE_REPLICA_URL,
    sessionSecret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    smtp: e.SMTP_HOST
      ? { host: e.SMTP_HOST, port: e.SMTP_PORT ?? 587, secure: e.SMTP_SECURE, user: e.SMTP_USER, pass: e.SMTP_PASS }
      : undefined,
    mailFrom: e.MAIL_FROM ?? 'Koushin <no-reply@koushin.localhost>',
    societyName: { ja: e.SOCIETY_NAME, en: e.SOCIETY_NAME_EN },
    logLevel: e.LOG_LEVEL,
    authRateLimit: e.AUTH_RATE_LIMIT,
    jobsHeartbeat: e.JOBS_HEARTBEAT,
    demoLoginsAllowed: !isProduction,
    sandboxGateway: isProduction || (e.PAYMENT_GATEWAY ?? 'sandbox') !== 'sandbox' ? null : { secret: e.SANDBOX_GATEWAY_SECRET ?? 'dev-only-sandbox-gateway-secret' },
    paymentGateway: e.PAYMENT_GATEWAY === 'stripe' ? { kind: 'stripe', secretKey: e.STRIPE_SECRET_KEY!, webhookSecret: e.STRIPE_WEBHOOK_SECRET!, apiBase: e.STRIPE_API_BASE }
      : e.PAYMENT_GATEWAY === 'komoju' ? { kind: 'komoju', secretKey: e.KOMOJU_SECRET_KEY!, webhookSecret: e.KOMOJU_WEBHOOK_SECRET!, apiBase: e.KOMOJU_API_BASE.replace(/\/$/, '') }
      : null,
    metricsToken: e.METRICS_TOKEN,
    jobs: { retryDelaySeconds: e.JOBS_RETRY_DELAY_SECONDS, heartbeatSeconds: e.JOBS_HEARTBEAT_SECONDS, superviseIntervalSeconds: e.JOBS_SUPERVISE_SECONDS },
    receipt: {
      issuerName: e.RECEIPT_ISSUER_NAME || e.SOCIETY_NAME,
      issuerAddress: e.RECEIPT_ISSUER_ADDRESS || (isProduction ? undefined : DEMO_RECEIPT_ADDRESS),
      registrationNumber: e.RECEIPT_REGISTRATION_NUMBER || (isProduction ? undefined : DEMO_REGISTRATION_NUMBER),
    },
  };
}
