import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { AttemptStatus, OnlineMethod, PaymentAttempt, PaymentInstructions, PaymentNotificationsTable } from '../../platform/db/schema';
import { LIVE_STATUSES } from './transitions';

/** The filters of the staff payments list and its export. */
export interface AttemptFilter {
  method?: OnlineMethod;
  status?: AttemptStatus;
  /** Attempts started on or after this moment (the cycle's window). */
  since?: Date;
}

export class PaymentsRepository {
  /** Attempts newest first, a page after `beforeId` (keyset: a batch never skips or repeats a row). */
  async page(db: Executor, f: AttemptFilter, limit: number, beforeId?: number): Promise<PaymentAttempt[]> {
    let q = db.selectFrom('payment_attempts').selectAll();
    if (f.method) q = q.where('method', '=', f.method);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.since) q = q.where('created_at', '>=', f.since);
    if (beforeId !== undefined) q = q.where('id', '<', beforeId);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  /** How many attempts (and ¥) per method and status: one aggregate. */
  async countsByMethodStatus(db: Executor, f: Pick<AttemptFilter, 'since'>): Promise<{ method: OnlineMethod; status: AttemptStatus; count: number; amount: number }[]> {
    let q = db.selectFrom('payment_attempts').select(['method', 'status', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.sum<string>('amount').as('amount')]);
    if (f.since) q = q.where('created_at', '>=', f.since);
    const rows = await q.groupBy(['method', 'status']).execute();
    return rows.map((r) => ({ method: r.method, status: r.status, count: Number(r.n), amount: Number(r.amount ?? 0) }));
  }

  async live(db: Executor, invoiceId: number, forUpdate = false): Promise<PaymentAttempt | undefined> {
    let q = db.selectFrom('payment_attempts').selectAll().where('invoice_id', '=', invoiceId).where('status', 'in', [...LIVE_STATUSES]);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** Every live attempt (the reconciliation job), oldest first. */
  async allLive(db: Executor, limit: number): Promise<PaymentAttempt[]> {
    return db.selectFrom('payment_attempts').selectAll().where('status', 'in', [...LIVE_STATUSES]).orderBy('id').limit(limit).execute();
  }

  /** Konbini / Pay-easy numbers waiting to be paid whose deadline falls in [from, to). */
  async awaitingExpiring(db: Executor, from: Date, to: Date): Promise<PaymentAttempt[]> {
    return db.selectFrom('payment_attempts').selectAll().where('status', '=', 'awaiting_payment').where('method', 'in', ['konbini', 'payeasy'])
      .where('expires_at', '>=', from).where('expires_at', '<', to).orderBy('expires_at').orderBy('id').execute();
  }

  async latest(db: Executor, invoiceId: number): Promise<PaymentAttempt | undefined> {
    return db.selectFrom('payment_attempts').selectAll().where('invoice_id', '=', invoiceId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  }

  async countFor(db: Executor, invoiceId: number): Promise<number> {
    const row = await db.selectFrom('payment_attempts').select((eb) => eb.fn.countAll<string>().as('n')).where('invoice_id', '=', invoiceId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async byId(db: Executor, id: number, forUpdate = false): Promise<PaymentAttempt | undefined> {
    let q = db.selectFrom('payment_attempts').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async byRef(db: Executor, gateway: string, ref: string): Promise<PaymentAttempt | undefined> {
    return db.selectFrom('payment_attempts').selectAll().where('gateway', '=', gateway).where('gateway_ref', '=', ref).executeTakeFirst();
  }

  async insert(db: Executor, row: { invoice_id: number; method: OnlineMethod; gateway: string; idempotency_key: string; amount: number; hold_until: Date; expires_at: Date; created_at: Date; updated_at: Date }): Promise<PaymentAttempt> {
    return db.insertInto('payment_attempts').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(db: Executor, id: number, changes: { status?: AttemptStatus; gateway_ref?: string; instructions?: PaymentInstructions | null; expires_at?: Date; hold_until?: Date; overpayment?: boolean; settled_at?: Date; provisional_cancelled_at?: Date | null; updated_at: Date }): Promise<void> {
    const { instructions, ...rest } = changes;
    await db.updateTable('payment_attempts').set({ ...rest, ...(instructions !== undefined ? { instructions: instructions === null ? null : JSON.stringify(instructions) } : {}) }).where('id', '=', id).execute();
  }

  /** Stores a notification once; returns its id, or null when this event id was seen before. */
  async recordNotification(db: Executor, row: { gateway: string; event_id: string; gateway_ref: string; payload: string; received_at: Date }): Promise<number | null> {
    const inserted = await db.insertInto('payment_notifications').values(row).onConflict((oc) => oc.columns(['gateway', 'event_id']).doNothing()).returning('id').executeTakeFirst();
    return inserted?.id ?? null;
  }

  async markApplied(db: Executor, id: number, attemptId: number | null, at: Date): Promise<void> {
    await db.updateTable('payment_notifications').set({ attempt_id: attemptId, applied_at: at }).where('id', '=', id).execute();
  }

  async overpayments(db: Executor): Promise<PaymentAttempt[]> {
    return db.selectFrom('payment_attempts').selectAll().where('overpayment', '=', true).orderBy('id').execute();
  }

  /** Attempts on these invoices, latest first (staff pages). */
  async forInvoices(db: Executor, invoiceIds: number[]): Promise<PaymentAttempt[]> {
    if (invoiceIds.length === 0) return [];
    return db.selectFrom('payment_attempts').selectAll().where('invoice_id', 'in', invoiceIds).orderBy('id', 'desc').execute();
  }

  /** Notifications applied to these attempts, and those stored for their gateway reference but never matched. */
  async notificationsFor(db: Executor, attempts: Pick<PaymentAttempt, 'id' | 'gateway' | 'gateway_ref'>[]): Promise<PaymentNotification[]> {
    if (attempts.length === 0) return [];
    const refs = attempts.filter((a) => a.gateway_ref !== null);
    return db.selectFrom('payment_notifications').select(['id', 'gateway', 'event_id', 'attempt_id', 'gateway_ref', 'received_at', 'applied_at'])
      .where((eb) => eb.or([
        eb('attempt_id', 'in', attempts.map((a) => a.id)),
        ...refs.map((a) => eb.and([eb('gateway', '=', a.gateway), eb('gateway_ref', '=', a.gateway_ref), eb('attempt_id', 'is', null)])),
      ]))
      .orderBy('received_at').orderBy('id').execute();
  }
}

/** A notification as staff see it (the raw payload stays in the database). */
export type PaymentNotification = Omit<Selectable<PaymentNotificationsTable>, 'payload'>;
