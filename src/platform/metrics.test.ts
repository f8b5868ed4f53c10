import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app';
import { TestClient } from '../test/client';
import { createMember } from '../test/factories';
import { FEE_TYPES } from '../seed/billing';
import { billedMember } from '../test/billing';
import { MAIL_JOB } from './mail/mailer';
import { ConfigError, loadConfig } from './config';
import { Metrics } from './metrics';

const TOKEN = 'metrics-token-for-tests-0123456789abcdef';
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ METRICS_TOKEN: TOKEN });
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});
afterAll(() => t.close());

const scrape = async (token = TOKEN) => {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode).toBe(200);
  return res.body;
};
/** The value of one sample line (`name{labels} value`), 0 when the line is absent. */
const sample = (body: string, series: string) => {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

describe('GET /metrics access', () => {
  it('METRICS_TOKEN must be long enough to be a secret', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short-token' })).toThrow(ConfigError);
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(loadConfig({}).metricsToken).toBeUndefined();
  });

  it('refuses a missing or wrong bearer token with 401, from loopback too', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect(none.body).not.toContain('koushin_');
    const wrong = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
    expect(wrong.statusCode).toBe(401);
    const basic = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.statusCode).toBe(401);
  });

  it('without a token: production shows a 404 page; elsewhere only loopback is served', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', PAYMENT_GATEWAY: 'none' });
    try {
      const res = await prod.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('koushin_');
    } finally {
      await prod.close();
    }
    const dev = await createTestApp();
    try {
      expect((await dev.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
      const remote = await dev.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
      expect(remote.statusCode).toBe(404);
      expect(remote.body).not.toContain('koushin_');
    } finally {
      await dev.close();
    }
  });
});

describe('what /metrics shows', () => {
  it('times requests by route pattern and status class, never the raw URL', async () => {
    const c = new TestClient(t.app);
    await c.get('/login');
    await c.get('/billing/B-000123');
    await c.get('/no/such/page/170999');
    const body = await scrape();
    expect(sample(body, 'koushin_http_request_duration_seconds_count{method="GET",route="/login",status_class="2xx"}')).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'koushin_http_request_duration_seconds_count{method="GET",route="/billing/:no",status_class="3xx"}')).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'koushin_http_request_duration_seconds_count{method="GET",route="(unmatched)",status_class="4xx"}')).toBeGreaterThanOrEqual(1);
    expect(body).not.toContain('B-000123');
    expect(body).not.toContain('170999');
    // The process's own figures (memory, event loop) for the renewal season's dashboards.
    expect(body).toContain('koushin_process_resident_memory_bytes');

    const before = sample(body, 'koushin_http_request_duration_seconds_count{method="GET",route="/login",status_class="2xx"}');
    await c.get('/login');
    expect(sample(await scrape(), 'koushin_http_request_duration_seconds_count{method="GET",route="/login",status_class="2xx"}')).toBe(before + 1);
  });

  it('shows a waiting job in its queue with its age, and the queue empty once it ran', async () => {
    // A queue nobody works (no handler): the job waits, as a backlog would.
    await t.jobs.send('ops.metrics-probe', { n: 1 });
    // Queued 90 s ago, as far as the database knows: the age is read from created_on, so no test has to wait it out.
    await sql`UPDATE pgboss.job SET created_on = created_on - interval '90 seconds' WHERE name = 'ops.metrics-probe'`.execute(t.db);
    // The app's scrape reads the queues at most every few seconds; this one reads them at each call.
    const fresh = new Metrics({ queues: () => t.jobs.queueStats(), cacheMs: 0 });
    const body = await fresh.registry.metrics();
    expect(sample(body, 'koushin_job_queue_waiting{queue="ops.metrics-probe"}')).toBe(1);
    const oldest = sample(body, 'koushin_job_queue_oldest_seconds{queue="ops.metrics-probe"}');
    expect(oldest).toBeGreaterThanOrEqual(90);
    expect(oldest, 'seconds, not milliseconds').toBeLessThan(900);
    let ran = 0;
    await t.jobs.work('ops.metrics-probe', async () => void ran++);
    await expect.poll(() => ran).toBe(1);
    await expect.poll(async () => sample(await fresh.registry.metrics(), 'koushin_job_queue_waiting{queue="ops.metrics-probe"}')).toBe(0);
    expect(sample(await fresh.registry.metrics(), 'koushin_job_queue_oldest_seconds{queue="ops.metrics-probe"}')).toBe(0);
    // The app's own /metrics lists the queues the app works.
    expect(await scrape()).toContain(`koushin_job_queue_waiting{queue="${MAIL_JOB}"}`);
  });

  it('counts mail deliveries sent and failed (a refusing mail server)', async () => {
    const m = await createMember(t.db, { member_number: '170801' });
    const before = await scrape();
    const sent0 = sample(before, 'koushin_mail_deliveries_total{outcome="sent"}');
    const failed0 = sample(before, 'koushin_mail_deliveries_total{outcome="failed"}');
    t.mail.refusing = true;
    const c = new TestClient(t.app);
    expect((await c.submit('/password/forgot', '/password/forgot', { memberNumber: m.member_number })).statusCode).toBeLessThan(400);
    await expect.poll(async () => sample(await scrape(), 'koushin_mail_deliveries_total{outcome="failed"}')).toBeGreaterThan(failed0);
    t.mail.refusing = false;
    // The retry comes after pg-boss's backoff (15 s and up); the delivery itself is the mailer's, called as the job would.
    const mail = await t.db.selectFrom('mails').select('id').where('member_id', '=', m.id).executeTakeFirstOrThrow();
    await t.services.mailer.deliver(mail.id);
    await t.mail.waitFor(m.email);
    expect(sample(await scrape(), 'koushin_mail_deliveries_total{outcome="sent"}')).toBe(sent0 + 1);
  });

  it('counts payment notifications by gateway: received, applied, rejected', async () => {
    const body0 = await scrape();
    const rejected0 = sample(body0, 'koushin_payment_notifications_total{gateway="sandbox",outcome="rejected"}');
    const applied0 = sample(body0, 'koushin_payment_notifications_total{gateway="sandbox",outcome="applied"}');
    const received0 = sample(body0, 'koushin_payment_notifications_total{gateway="sandbox",outcome="received"}');
    // A card payment on the sandbox gateway: its signed notification settles the invoice.
    const { c, no } = await billedMember(t, { memberNumber: '170802' });
    await c.get(`/billing/${no}/pay`);
    const gatewayUrl = (await c.post(`/billing/${no}/pay`, { method: 'card' })).headers.location as string;
    await c.get(gatewayUrl);
    expect((await c.post(gatewayUrl, { cardNumber: '4242 4242 4242 4242' })).statusCode).toBe(303);
    const paid = await scrape();
    expect(sample(paid, 'koushin_payment_notifications_total{gateway="sandbox",outcome="applied"}')).toBe(applied0 + 1);
    expect(sample(paid, 'koushin_payment_notifications_total{gateway="sandbox",outcome="received"}')).toBe(received0 + 1);

    const bad = await t.app.inject({ method: 'POST', url: '/payments/notify/sandbox', headers: { 'content-type': 'application/json', 'x-sandbox-signature': 'nope' }, payload: '{"id":"x"}' });
    expect(bad.statusCode).toBe(400);
    const body1 = await scrape();
    expect(sample(body1, 'koushin_payment_notifications_total{gateway="sandbox",outcome="rejected"}')).toBe(rejected0 + 1);
    expect(sample(body1, 'koushin_payment_notifications_total{gateway="sandbox",outcome="received"}')).toBe(received0 + 2);
    // A gateway we do not have is a 404 and no label (nobody can grow the label set from outside).
    await t.app.inject({ method: 'POST', url: '/payments/notify/evil-gateway', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(await scrape()).not.toContain('evil-gateway');
  });
});
