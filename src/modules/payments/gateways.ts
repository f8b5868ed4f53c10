import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config';
import type { Gateway } from './gateway';
import { KomojuGateway } from './komoju-gateway';
import type { SandboxGateway } from './sandbox-gateway';
import { StripeGateway } from './stripe-gateway';

/**
 * The payment gateway the configuration selects (PAYMENT_GATEWAY): Stripe, KOMOJU, the sandbox (never in
 * production), or none — then the invoice page keeps its 「準備中」 text.
 */
export function createGateway(config: Config, clock: Clock, sandbox: SandboxGateway | null): Gateway | null {
  const g = config.paymentGateway;
  if (g?.kind === 'stripe') return new StripeGateway({ secretKey: g.secretKey, webhookSecret: g.webhookSecret, apiBase: g.apiBase, baseUrl: config.baseUrl, clock });
  if (g?.kind === 'komoju') return new KomojuGateway({ secretKey: g.secretKey, webhookSecret: g.webhookSecret, apiBase: g.apiBase, baseUrl: config.baseUrl, clock });
  return sandbox;
}
