import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { Overpayment, OverpaymentStatus } from '../../platform/db/schema';

export interface NewOverpayment {
  invoice_id: number | null;
  member_id: number | null;
  source: 'gateway' | 'import';
  source_ref: string;
  amount: number;
  received_on: string;
  method: string;
  reference: string;
}

export class OverpaymentRepository {
  /** Inserts once per (source, source_ref); returns the new row, or undefined when it was recorded before. */
  async insertOnce(db: Executor, row: NewOverpayment, now: Date): Promise<Overpayment | undefined> {
    return db.insertInto('overpayments').values({ ...row, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['source', 'source_ref']).doNothing()).returningAll().executeTakeFirst();
  }

  async byId(db: Executor, id: number, forUpdate = false): Promise<Overpayment | undefined> {
    let q = db.selectFrom('overpayments').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** Oldest first: money waiting longest is refunded first. */
  async list(db: Executor, status: OverpaymentStatus, limit: number, offset = 0): Promise<Overpayment[]> {
    return db.selectFrom('overpayments').selectAll().where('status', '=', status).orderBy('created_at').orderBy('id').limit(limit).offset(offset).execute();
  }

  /** The queue page: oldest first for open items, latest decision first for the others; with the invoice's 管理No. */
  async queue(db: Executor, status: OverpaymentStatus, limit: number, offset = 0): Promise<(Overpayment & { control_no: string | null })[]> {
    let q = db.selectFrom('overpayments as o').leftJoin('invoices as i', 'i.id', 'o.invoice_id').selectAll('o').select('i.control_no').where('o.status', '=', status);
    q = status === 'open' ? q.orderBy('o.created_at').orderBy('o.id') : q.orderBy('o.updated_at', 'desc').orderBy('o.id', 'desc');
    return q.limit(limit).offset(offset).execute();
  }

  async forMember(db: Executor, memberId: number): Promise<Overpayment[]> {
    return db.selectFrom('overpayments').selectAll().where('member_id', '=', memberId).orderBy('id', 'desc').execute();
  }

  async openTotals(db: Executor): Promise<{ count: number; amount: number }> {
    const row = await db.selectFrom('overpayments').select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.coalesce(eb.fn.sum<string>('amount'), sql<string>`0`).as('amount')])
      .where('status', '=', 'open').executeTakeFirstOrThrow();
    return { count: Number(row.n), amount: Number(row.amount) };
  }

  async countOpen(db: Executor): Promise<number> {
    const row = await db.selectFrom('overpayments').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async resolve(db: Executor, id: number, changes: { status: Exclude<OverpaymentStatus, 'open'>; resolved_on: string; resolution_reference: string; resolution_note: string; resolved_by: number | null; updated_at: Date }): Promise<void> {
    await db.updateTable('overpayments').set(changes).where('id', '=', id).execute();
  }
}
