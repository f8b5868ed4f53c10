import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { FeeType, Invoice, InvoiceEvent, InvoiceStatus } from '../../platform/db/schema';

export interface NewInvoice {
  member_id: number;
  fee_type: string;
  fiscal_year: number | null;
  business_key: string;
  amount: number;
  issued_on: string;
  due_on: string;
  auto_debit?: boolean;
}

/** What a status change may set besides the status. */
export type InvoiceChanges = Partial<Pick<Invoice, 'paid_on' | 'paid_method' | 'paid_reference' | 'cancel_reason'>>;

/** What the fee-type admin may change (the code and names are the fee's identity). */
export type FeeTypeChanges = Pick<FeeType, 'amount' | 'methods' | 'tax_category' | 'due_month_day'>;

export class BillingRepository {
  async feeTypes(db: Executor): Promise<FeeType[]> {
    return db.selectFrom('fee_types').selectAll().orderBy('code').execute();
  }

  async feeType(db: Executor, code: string): Promise<FeeType | undefined> {
    return db.selectFrom('fee_types').selectAll().where('code', '=', code).executeTakeFirst();
  }

  async lockFeeType(db: Executor, code: string): Promise<FeeType | undefined> {
    return db.selectFrom('fee_types').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
  }

  async updateFeeType(db: Executor, code: string, changes: FeeTypeChanges): Promise<void> {
    await db.updateTable('fee_types').set(changes).where('code', '=', code).execute();
  }

  async upsertFeeType(db: Executor, fee: FeeType): Promise<void> {
    await db.insertInto('fee_types').values(fee).onConflict((oc) => oc.column('code').doNothing()).execute();
  }

  async annualFeeMethods(db: Executor, memberIds: number[]): Promise<Map<number, string>> {
    if (memberIds.length === 0) return new Map();
    const rows = await db.selectFrom('billing_accounts').select(['member_id', 'annual_fee_method']).where('member_id', 'in', memberIds).execute();
    return new Map(rows.map((r) => [r.member_id, r.annual_fee_method]));
  }

  async setAnnualFeeMethod(db: Executor, memberId: number, method: 'invoice' | 'direct_debit' | 'recurring_card'): Promise<void> {
    await db.insertInto('billing_accounts').values({ member_id: memberId, annual_fee_method: method })
      .onConflict((oc) => oc.column('member_id').doUpdateSet({ annual_fee_method: method })).execute();
  }

  /** Inserts unless the business key exists; returns the row either way (creating twice is impossible). */
  async insertInvoice(db: Executor, row: NewInvoice): Promise<{ invoice: Invoice; created: boolean }> {
    const inserted = await db.insertInto('invoices').values(row).onConflict((oc) => oc.column('business_key').doNothing()).returningAll().executeTakeFirst();
    if (inserted) return { invoice: inserted, created: true };
    const existing = await db.selectFrom('invoices').selectAll().where('business_key', '=', row.business_key).executeTakeFirstOrThrow();
    return { invoice: existing, created: false };
  }

  /** Many invoices at once (the yearly annual-fee run); existing business keys are skipped. */
  async insertMany(db: Executor, rows: NewInvoice[]): Promise<number> {
    if (rows.length === 0) return 0;
    const res = await db.insertInto('invoices').values(rows).onConflict((oc) => oc.column('business_key').doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0);
  }

  /** A member's invoices: unpaid and in progress first, then by due date. */
  async forMember(db: Executor, memberId: number): Promise<Invoice[]> {
    return db.selectFrom('invoices').selectAll().where('member_id', '=', memberId)
      .orderBy(sql`CASE status WHEN 'unpaid' THEN 0 WHEN 'processing' THEN 0 ELSE 1 END`).orderBy('due_on').orderBy('id').execute();
  }

  async findForMember(db: Executor, memberId: number, controlNo: string, forUpdate = false): Promise<Invoice | undefined> {
    let q = db.selectFrom('invoices').selectAll().where('member_id', '=', memberId).where('control_no', '=', controlNo);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async findByIds(db: Executor, ids: number[]): Promise<Invoice[]> {
    if (ids.length === 0) return [];
    return db.selectFrom('invoices').selectAll().where(sql<boolean>`id = ANY(${ids}::int[])`).execute();
  }

  async findById(db: Executor, id: number, forUpdate = false): Promise<Invoice | undefined> {
    let q = db.selectFrom('invoices').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async setSlip(db: Executor, id: number, slip: { slip_requested_at: Date | null; slip_dispatch_on: string | null; slip_sent_at?: null }, now: Date): Promise<void> {
    await db.updateTable('invoices').set({ ...slip, updated_at: now }).where('id', '=', id).execute();
  }

  /** Slips chosen and not yet sent, due in a dispatch on or before `dispatchOn`. */
  async slipsToSend(db: Executor, dispatchOn: string): Promise<Invoice[]> {
    return db.selectFrom('invoices').selectAll().where('slip_requested_at', 'is not', null).where('slip_sent_at', 'is', null)
      .where('status', '=', 'unpaid').where('slip_dispatch_on', '<=', dispatchOn).orderBy('slip_dispatch_on').orderBy('id').execute();
  }

  async markSlipsSent(db: Executor, ids: number[], now: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await db.updateTable('invoices').set({ slip_sent_at: now, updated_at: now }).where('id', 'in', ids).where('slip_sent_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  async update(db: Executor, id: number, changes: Partial<Pick<Invoice, 'status' | 'paid_on' | 'paid_method' | 'paid_reference' | 'cancel_reason'>> & { updated_at: Date }): Promise<void> {
    await db.updateTable('invoices').set(changes).where('id', '=', id).execute();
  }

  /**
   * Several invoices to their new status in one statement; each row sets only the columns its changes name
   * (paid date/method/reference, cancel reason).
   */
  async updateMany(db: Executor, rows: { id: number; status: InvoiceStatus; changes: InvoiceChanges }[], now: Date): Promise<void> {
    if (rows.length === 0) return;
    const col = (name: keyof InvoiceChanges, type: 'date' | 'text') =>
      sql.raw(`${name} = CASE WHEN u.c ? '${name}' THEN (u.c->>'${name}')::${type} ELSE i.${name} END`);
    await sql`
      UPDATE invoices AS i SET status = u.s, updated_at = ${now}::timestamptz,
        ${col('paid_on', 'date')}, ${col('paid_method', 'text')}, ${col('paid_reference', 'text')}, ${col('cancel_reason', 'text')}
      FROM unnest(${rows.map((r) => r.id)}::int[], ${rows.map((r) => r.status)}::text[], ${rows.map((r) => JSON.stringify(r.changes))}::jsonb[]) AS u(id, s, c)
      WHERE i.id = u.id`.execute(db);
  }

  async insertEvents(db: Executor, rows: { invoice_id: number; occurred_at: Date; actor_type: string; actor_id: number | null; action: string; from_status: InvoiceStatus | null; to_status: InvoiceStatus; detail?: string }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) await db.insertInto('invoice_events').values(rows.slice(i, i + 1000)).execute();
  }

  async insertEvent(db: Executor, row: { invoice_id: number; occurred_at: Date; actor_type: string; actor_id: number | null; action: string; from_status: InvoiceStatus | null; to_status: InvoiceStatus; detail?: string }): Promise<void> {
    await db.insertInto('invoice_events').values(row).execute();
  }

  async events(db: Executor, invoiceId: number): Promise<InvoiceEvent[]> {
    return db.selectFrom('invoice_events').selectAll().where('invoice_id', '=', invoiceId).orderBy('id').execute();
  }

  async unpaidFiscalYears(db: Executor, memberId: number, feeType: string, upTo: number): Promise<{ fiscal_year: number | null; amount: number }[]> {
    return db.selectFrom('invoices').select(['fiscal_year', 'amount']).where('member_id', '=', memberId).where('fee_type', '=', feeType)
      .where('status', 'in', ['unpaid', 'processing']).where('fiscal_year', '<=', upTo).orderBy('fiscal_year').execute();
  }

  /** Unpaid invoices of these fee types due between two dates (inclusive), oldest due first. */
  async unpaidDueBetween(db: Executor, feeTypes: string[], from: string, to: string): Promise<Invoice[]> {
    if (feeTypes.length === 0) return [];
    return db.selectFrom('invoices').selectAll().where('status', '=', 'unpaid').where('fee_type', 'in', feeTypes)
      .where('due_on', '>=', from).where('due_on', '<=', to).orderBy('due_on').orderBy('id').execute();
  }

  async findByBusinessKey(db: Executor, businessKey: string, forUpdate = false): Promise<Invoice | undefined> {
    let q = db.selectFrom('invoices').selectAll().where('business_key', '=', businessKey);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }
}
