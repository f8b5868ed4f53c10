import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { Invoice, PaymentImport, PaymentImportKind, PaymentImportOutcome, PaymentImportRow } from '../../platform/db/schema';

/** A batch without its rows (lists, headers). */
export type PaymentImportSummary = Omit<PaymentImport, 'rows' | 'outcomes'>;

const SUMMARY_COLUMNS = ['id', 'kind', 'staff_id', 'file_name', 'sha256', 'encoding', 'row_count', 'created_at', 'applied_at', 'applied_by'] as const;

/**
 * SQL of the result-file import: the staged batches, batch look-ups of invoices (one query each,
 * whatever the file's size, locked in id order when applying) and the unique key per transaction.
 */
export class ResultImportRepository {
  async insertImport(db: Executor, row: { kind: PaymentImportKind; staff_id: number; file_name: string; sha256: string; encoding: 'utf-8' | 'shift_jis'; rows: PaymentImportRow[]; created_at: Date }): Promise<number> {
    const inserted = await db.insertInto('payment_imports')
      .values({ ...row, row_count: row.rows.length, rows: JSON.stringify(row.rows) })
      .returning('id').executeTakeFirstOrThrow();
    return inserted.id;
  }

  async findImport(db: Executor, id: number, forUpdate = false): Promise<PaymentImport | undefined> {
    let q = db.selectFrom('payment_imports').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async recentImports(db: Executor, limit: number): Promise<PaymentImportSummary[]> {
    return db.selectFrom('payment_imports').select(SUMMARY_COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** The earliest apply of a file with the same content, other than this batch. */
  async appliedSameFile(db: Executor, sha256: string, exceptId: number): Promise<PaymentImportSummary | undefined> {
    return db.selectFrom('payment_imports').select(SUMMARY_COLUMNS).where('sha256', '=', sha256).where('applied_at', 'is not', null)
      .where('id', '<>', exceptId).orderBy('applied_at').limit(1).executeTakeFirst();
  }

  async markApplied(db: Executor, id: number, row: { applied_at: Date; applied_by: number; outcomes: PaymentImportOutcome[] }): Promise<void> {
    await db.updateTable('payment_imports').set({ ...row, outcomes: JSON.stringify(row.outcomes) }).where('id', '=', id).execute();
  }

  /** Housekeeping: previews never applied, older than `before`. */
  async deleteStaleUnapplied(db: Executor, before: Date): Promise<void> {
    await db.deleteFrom('payment_imports').where('applied_at', 'is', null).where('created_at', '<', before).execute();
  }

  async invoicesByControlNo(db: Executor, controlNos: string[], lock: boolean): Promise<Invoice[]> {
    if (controlNos.length === 0) return [];
    let q = db.selectFrom('invoices').selectAll().where(sql<boolean>`control_no = ANY(${controlNos}::text[])`).orderBy('id');
    if (lock) q = q.forUpdate();
    return q.execute();
  }

  /** The fee billed per fiscal year (年会費) of these members in these years. */
  async annualFeeInvoices(db: Executor, feeType: string, memberIds: number[], years: number[], lock: boolean): Promise<Invoice[]> {
    if (memberIds.length === 0 || years.length === 0) return [];
    let q = db.selectFrom('invoices').selectAll().where('fee_type', '=', feeType)
      .where(sql<boolean>`member_id = ANY(${memberIds}::int[])`).where(sql<boolean>`fiscal_year = ANY(${years}::int[])`).orderBy('id');
    if (lock) q = q.forUpdate();
    return q.execute();
  }

  /** 取引番号 of this kind already taken by an applied batch, of those given. */
  async takenTransactions(db: Executor, kind: PaymentImportKind, numbers: string[]): Promise<string[]> {
    if (numbers.length === 0) return [];
    const rows = await db.selectFrom('payment_import_transactions').select('transaction_no').where('kind', '=', kind)
      .where(sql<boolean>`transaction_no = ANY(${numbers}::text[])`).execute();
    return rows.map((r) => r.transaction_no);
  }

  /**
   * Takes each transaction once: a number another batch holds (committed, or committing now — the insert
   * waits for it) is skipped. Returns the numbers this batch took.
   */
  async claimTransactions(db: Executor, kind: PaymentImportKind, importId: number, rows: { transactionNo: string; line: number; outcome: string; invoiceId: number | null; amount: number }[], now: Date): Promise<Set<string>> {
    const taken = new Set<string>();
    for (let i = 0; i < rows.length; i += 5_000) {
      const chunk = rows.slice(i, i + 5_000);
      const result = await sql<{ transaction_no: string }>`
        INSERT INTO payment_import_transactions (kind, transaction_no, import_id, line, outcome, invoice_id, amount, created_at)
        SELECT ${kind}::text, u.t, ${importId}::int, u.l, u.o, u.i, u.a, ${now}::timestamptz
        FROM unnest(${chunk.map((r) => r.transactionNo)}::text[], ${chunk.map((r) => r.line)}::int[], ${chunk.map((r) => r.outcome)}::text[],
                    ${chunk.map((r) => r.invoiceId)}::int[], ${chunk.map((r) => r.amount)}::int[]) AS u(t, l, o, i, a)
        ON CONFLICT (kind, transaction_no) DO NOTHING
        RETURNING transaction_no`.execute(db);
      for (const r of result.rows) taken.add(r.transaction_no);
    }
    return taken;
  }
}
