import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { Invoice, InvoiceStatus } from '../../platform/db/schema';
import { searchKey } from '../../platform/japanese';

export type InvoiceSort = 'open' | 'due' | 'due_desc';

/** The filters of 請求の検索, already normalised (see `parseInvoiceFilter`). */
export interface InvoiceFilter {
  controlNo?: string;
  /** 会員番号・氏名・フリガナ as typed: matched like the staff member search (width- and kana-insensitive). */
  member?: string;
  feeType?: string;
  fiscalYear?: number;
  status?: InvoiceStatus | 'overdue';
  autoDebit?: boolean;
  slip?: boolean;
  sort: InvoiceSort;
}

export type InvoiceSearchRow = Invoice & { member_number: string; family_name: string; given_name: string; closed: boolean };

/** Where the next batch starts: the sort key of the last row read (keyset, so a batch never skips or repeats a row). */
export interface SearchCursor {
  closed: boolean;
  dueOn: string;
  id: number;
}

// The same expression as the index invoices_search_open (migration 0016): false (= open) sorts first.
const CLOSED = sql<boolean>`(i.status NOT IN ('unpaid', 'processing'))`;

/**
 * 請求の検索: one query over invoices, joined to the member for the number and name it shows. The member
 * filter reads `members.search_text`, the column (and trigram index) the staff member search uses, so
 * both searches find the same people.
 */
export class InvoiceSearchRepository {
  private filtered(db: Executor, f: InvoiceFilter, today: string) {
    let q = db.selectFrom('invoices as i');
    if (f.controlNo) q = q.where('i.control_no', '=', f.controlNo);
    const key = f.member ? searchKey(f.member) : '';
    if (key) {
      const pattern = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where('i.member_id', 'in', (eb) => eb.selectFrom('members').select('members.id').where('members.search_text', 'like', pattern));
    }
    if (f.feeType) q = q.where('i.fee_type', '=', f.feeType);
    if (f.fiscalYear !== undefined) q = q.where('i.fiscal_year', '=', f.fiscalYear);
    if (f.status === 'overdue') q = q.where('i.status', 'in', ['unpaid', 'processing']).where('i.due_on', '<', today);
    else if (f.status) q = q.where('i.status', '=', f.status);
    if (f.autoDebit !== undefined) q = q.where('i.auto_debit', '=', f.autoDebit);
    if (f.slip !== undefined) q = q.where('i.slip_requested_at', f.slip ? 'is not' : 'is', null);
    return q;
  }

  /** How many invoices match and their sum in yen. */
  async totals(db: Executor, f: InvoiceFilter, today: string): Promise<{ count: number; amount: number }> {
    const row = await this.filtered(db, f, today)
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.coalesce(eb.fn.sum<string>('i.amount'), sql<string>`0`).as('amount')])
      .executeTakeFirstOrThrow();
    return { count: Number(row.n), amount: Number(row.amount) };
  }

  /** One page (or one batch) in a stable order: every sort ends with the id. */
  async rows(db: Executor, f: InvoiceFilter, today: string, page: { limit: number; offset?: number; after?: SearchCursor }): Promise<InvoiceSearchRow[]> {
    let q = this.filtered(db, f, today)
      .innerJoin('members as m', 'm.id', 'i.member_id')
      .selectAll('i')
      .select(['m.member_number', 'm.family_name', 'm.given_name'])
      .select(CLOSED.as('closed'));
    const a = page.after;
    if (f.sort === 'open') {
      if (a) q = q.where(sql<boolean>`(${CLOSED}, i.due_on, i.id) > (${a.closed}, ${a.dueOn}::date, ${a.id})`);
      q = q.orderBy(CLOSED).orderBy('i.due_on').orderBy('i.id');
    } else if (f.sort === 'due') {
      if (a) q = q.where(sql<boolean>`(i.due_on, i.id) > (${a.dueOn}::date, ${a.id})`);
      q = q.orderBy('i.due_on').orderBy('i.id');
    } else {
      if (a) q = q.where(sql<boolean>`(i.due_on, i.id) < (${a.dueOn}::date, ${a.id})`);
      q = q.orderBy('i.due_on', 'desc').orderBy('i.id', 'desc');
    }
    return q.limit(page.limit).offset(page.offset ?? 0).execute();
  }
}
