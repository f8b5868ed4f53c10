import { createDb } from '../../platform/db/database';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../platform/clock';
import { ConfigError, loadConfig } from '../../platform/config';
import { createGateway } from './gateways';
import { SandboxGateway } from './sandbox-gateway';
import { stripeEndpoint } from './stripe-gateway';

const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@localhost/db', SESSION_SECRET: 's'.repeat(40), BASE_URL: 'https://portal.example.jp', SMTP_HOST: 'smtp.example.jp', MAIL_FROM: 'a@example.jp' } as const;

describe('PAYMENT_GATEWAY', () => {
  it('is the sandbox by default outside production, none in production, and the sandbox is refused there', () => {
    expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ sandboxGateway: { secret: expect.any(String) }, paymentGateway: null });
    expect(loadConfig({ ...production })).toMatchObject({ sandboxGateway: null, paymentGateway: null });
    expect(() => loadConfig({ ...production, PAYMENT_GATEWAY: 'sandbox' })).toThrow(/PAYMENT_GATEWAY: sandbox is refused in production/);
  });

  it('names each missing key of the chosen gateway at startup', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: 'sk_test_1' })).toThrow(/STRIPE_WEBHOOK_SECRET: is required when PAYMENT_GATEWAY=stripe/);
    let message = '';
    try {
      loadConfig({ ...production, PAYMENT_GATEWAY: 'komoju' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('KOMOJU_SECRET_KEY: is required when PAYMENT_GATEWAY=komoju');
    expect(message).toContain('KOMOJU_WEBHOOK_SECRET: is required when PAYMENT_GATEWAY=komoju');
  });

  it('builds the chosen adapter; the sandbox is not built when a real gateway is chosen', () => {
    const clock = new FakeClock(new Date());
    const stripe = loadConfig({ NODE_ENV: 'test', PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_WEBHOOK_SECRET: 'whsec_1' });
    expect(stripe.sandboxGateway).toBeNull();
    expect(createGateway(stripe, clock, null)).toMatchObject({ name: 'stripe', methods: ['card', 'konbini'] });
    const komoju = loadConfig({ ...production, PAYMENT_GATEWAY: 'komoju', KOMOJU_SECRET_KEY: 'sk_live_1', KOMOJU_WEBHOOK_SECRET: 'w' });
    expect(komoju.paymentGateway).toMatchObject({ kind: 'komoju', apiBase: 'https://komoju.com' });
    expect(createGateway(komoju, clock, null)).toMatchObject({ name: 'komoju', methods: ['card', 'konbini', 'payeasy'] });
    // The sandbox keeps its payments in the database; building it opens no connection.
    const sandbox = new SandboxGateway({ db: createDb('postgres://unused@127.0.0.1:1/none').db, secret: 'x'.repeat(16), clock });
    expect(createGateway(loadConfig({ NODE_ENV: 'test' }), clock, sandbox)).toBe(sandbox);
    expect(createGateway(loadConfig({ ...production, PAYMENT_GATEWAY: 'none' }), clock, null)).toBeNull();
  });

  it('points the Stripe SDK at another origin by host, port and protocol', () => {
    expect(stripeEndpoint('http://127.0.0.1:4010')).toEqual({ host: '127.0.0.1', port: '4010', protocol: 'http' });
    expect(stripeEndpoint('https://stripe-mock.internal')).toEqual({ host: 'stripe-mock.internal', port: 443, protocol: 'https' });
    expect(stripeEndpoint(undefined)).toEqual({});
  });
});
