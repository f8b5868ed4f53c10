import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { SandboxGateway } from './sandbox-gateway';

const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export type SandboxPayResult =
  | { ok: true; ref: string; statuses: number[] }
  | { ok: false; reason: 'not_local' | 'unreachable' | 'not_found' | 'not_waiting' | 'refused'; statuses?: number[] };

/**
 * `npm run sandbox:pay -- <number>`: the sandbox gateway, acting from a second process on the running
 * portal's data. Finds the waiting konbini / Pay-easy payment by its ref or any of its numbers, marks it
 * paid in `sandbox_payments`, and sends the 速報 and the 確報, signed with the shared secret, by HTTP to
 * the portal's notification endpoint, exactly as a gateway would. Development only, and only to a portal
 * on this machine.
 */
export async function sandboxPay(number: string, deps: { db: Db; secret: string; clock: Clock; baseUrl: string }): Promise<SandboxPayResult> {
  const base = new URL(deps.baseUrl);
  if (!LOCAL_HOSTS.includes(base.hostname)) return { ok: false, reason: 'not_local' };
  // The portal must be up before the gateway takes the money, or the notices would be lost.
  const up = await fetch(new URL('/healthz', base)).then((r) => r.ok, () => false);
  if (!up) return { ok: false, reason: 'unreachable' };
  const gateway = new SandboxGateway({ db: deps.db, secret: deps.secret, clock: deps.clock });
  const statuses: number[] = [];
  gateway.setDeliver(async (n) => {
    const status = await fetch(new URL('/payments/notify/sandbox', base), { method: 'POST', headers: n.headers, body: n.body }).then((r) => r.status, () => 0);
    statuses.push(status);
    return status;
  });
  const payment = await gateway.findByNumber(number);
  if (!payment) return { ok: false, reason: 'not_found' };
  if (!(await gateway.markPaid(payment.ref))) return { ok: false, reason: 'not_waiting' };
  return statuses.every((s) => s === 200) ? { ok: true, ref: payment.ref, statuses } : { ok: false, reason: 'refused', statuses };
}
