import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from './config';
import { AppError } from './errors';
import type { QueueStat } from './jobs';

export type NotificationOutcome = 'received' | 'applied' | 'duplicate' | 'unknown_attempt' | 'ignored' | 'rejected';

/**
 * The process's Prometheus metrics (decisions/0026), one registry per app. Labels are bounded sets: a route's
 * pattern (never its URL: no ids, no personal data), a status class, a queue or gateway name we chose.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status_class'>;
  private readonly notifications: Counter<'gateway' | 'outcome'>;
  private readonly mails: Counter<'outcome'>;
  private cached?: { at: number; stats: Promise<QueueStat[]> };

  /** `queues` is read when scraped, at most once per `cacheMs` (a scrape every few seconds costs one query). */
  constructor(private opts: { queues?: () => Promise<QueueStat[]>; cacheMs?: number } = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'koushin_' });
    this.http = new Histogram({
      name: 'koushin_http_request_duration_seconds', help: 'HTTP requests by route pattern and status class.',
      labelNames: ['method', 'route', 'status_class'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
    });
    this.notifications = new Counter({
      name: 'koushin_payment_notifications_total', help: 'Payment gateway notifications: received, then applied, duplicate, unknown_attempt, ignored or rejected (bad signature or body).',
      labelNames: ['gateway', 'outcome'], registers,
    });
    this.mails = new Counter({ name: 'koushin_mail_deliveries_total', help: 'Mail delivery attempts to SMTP: sent or failed (failed ones are retried).', labelNames: ['outcome'], registers });
    const stats = () => this.queueStats();
    new Gauge({
      name: 'koushin_job_queue_waiting', help: 'Jobs waiting per queue (queued, or waiting for a retry).', labelNames: ['queue'], registers,
      async collect() {
        this.reset();
        for (const s of await stats()) this.set({ queue: s.queue }, s.waiting);
      },
    });
    new Gauge({
      name: 'koushin_job_queue_oldest_seconds', help: 'Age of the oldest waiting job per queue (0 when none waits).', labelNames: ['queue'], registers,
      async collect() {
        this.reset();
        for (const s of await stats()) this.set({ queue: s.queue }, s.oldestSeconds);
      },
    });
  }

  private queueStats(): Promise<QueueStat[]> {
    if (!this.opts.queues) return Promise.resolve([]);
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= (this.opts.cacheMs ?? 5000)) {
      // A database that does not answer leaves the queue gauges empty; the scrape itself still succeeds.
      this.cached = { at: now, stats: this.opts.queues().catch(() => []) };
    }
    return this.cached.stats;
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  }

  paymentNotification(gateway: string, outcome: NotificationOutcome): void {
    this.notifications.inc({ gateway, outcome });
  }

  mailDelivery(outcome: 'sent' | 'failed'): void {
    this.mails.inc({ outcome });
  }
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/**
 * Who may read GET /metrics: with METRICS_TOKEN set, a caller presenting it as a bearer token (compared in
 * constant time), wherever it comes from; without it, only a caller on this machine outside production,
 * and nobody in production (404). Loopback alone is not enough in production: behind a reverse proxy on the
 * same host every request comes from loopback.
 */
export function metricsAccess(config: Pick<Config, 'isProduction' | 'metricsToken'>, req: FastifyRequest): 'ok' | 'unauthorized' | 'hidden' {
  if (config.metricsToken) {
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    return crypto.timingSafeEqual(digest(presented), digest(config.metricsToken)) ? 'ok' : 'unauthorized';
  }
  if (config.isProduction) return 'hidden';
  const peer = req.socket.remoteAddress ?? '';
  return peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1' ? 'ok' : 'hidden';
}

/** Times every request by its route pattern and serves GET /metrics to those metricsAccess lets in. */
export function installMetrics(app: FastifyInstance, metrics: Metrics, config: Pick<Config, 'isProduction' | 'metricsToken'>): void {
  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    metrics.observeRequest(req.method, req.routeOptions.url ?? '(unmatched)', reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (req, reply) => {
    const access = metricsAccess(config, req);
    if (access === 'hidden') throw new AppError('not_found');
    if (access === 'unauthorized') return reply.status(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('Unauthorized');
    return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
