import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { InvoiceStatus } from '../../platform/db/schema';
import type { MessageKey } from '../../platform/i18n';
import { normalizeDigits, tokyoDate } from '../../platform/japanese';
import type { FormErrors, FormValues } from '../../platform/views/context';
import { type InvoiceFilter, type InvoiceSearchRow, InvoiceSearchRepository, type InvoiceSort, type SearchCursor } from './search-repository';
import { type BillingService, type FeeType, type InvoiceView, isOverdue } from './service';
import { keysetBatches } from '../../platform/db/keyset';

export type { InvoiceFilter, InvoiceSort };

export const SEARCH_STATUSES = ['unpaid', 'overdue', 'processing', 'paid', 'cancelled'] as const;
export const SEARCH_SORTS: readonly InvoiceSort[] = ['open', 'due', 'due_desc'];

export interface InvoiceSearchResult extends InvoiceView {
  member: { id: number; number: string; name: string };
}

const pick = <T extends string>(raw: unknown, allowed: readonly T[]): T | undefined => (allowed.includes(raw as T) ? (raw as T) : undefined);
const yesNo = (raw: unknown): boolean | undefined => (raw === 'yes' ? true : raw === 'no' ? false : undefined);
const str = (raw: unknown, max = 200): string => (typeof raw === 'string' ? raw.slice(0, max) : '');

/**
 * The query string of 請求の検索 → a filter. 管理No and 年度 accept full-width digits (「ＳＫ－５０００１」,
 * 「５００００１」, 「２０２６」); what cannot be read is an inline error, the rest is kept as typed.
 */
export function parseInvoiceFilter(query: Record<string, unknown>, feeTypes: FeeType[]): { filter: InvoiceFilter; values: FormValues; errors?: FormErrors } {
  const values: FormValues = {
    controlNo: str(query.controlNo), member: str(query.member), fee: str(query.fee), year: str(query.year), status: str(query.status),
    autoDebit: str(query.autoDebit), slip: str(query.slip), sort: pick(query.sort, SEARCH_SORTS) ?? 'open',
  };
  const errors: Record<string, MessageKey> = {};
  const filter: InvoiceFilter = { sort: values.sort as InvoiceSort };

  const no = normalizeDigits(values.controlNo!.normalize('NFKC')).toUpperCase().replace(/\s+/g, '');
  if (no) {
    const m = /^(?:SK-?)?(\d{1,10})$/.exec(no);
    if (m) filter.controlNo = `SK-${Number(m[1])}`;
    else errors.controlNo = 'staffBilling.controlNoInvalid';
  }
  if (values.member!.trim()) filter.member = values.member;
  filter.feeType = pick(values.fee, feeTypes.map((f) => f.code));
  const year = normalizeDigits(values.year!).replace(/年度?$/, '');
  if (year) {
    if (/^\d{4}$/.test(year)) filter.fiscalYear = Number(year);
    else errors.year = 'staffBilling.yearInvalid';
  }
  filter.status = pick(values.status, SEARCH_STATUSES) as InvoiceStatus | 'overdue' | undefined;
  filter.autoDebit = yesNo(values.autoDebit);
  filter.slip = yesNo(values.slip);
  return { filter, values, errors: Object.keys(errors).length > 0 ? errors : undefined };
}

/** The same filter as a query string (page links, the CSV link). */
export function filterQuery(values: FormValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...values, ...extra })) if (v) params.set(k, v);
  return params.toString();
}

/**
 * 請求の検索 for the secretariat: filters, totals of the filtered set, pages in a stable order, and the
 * same list as batches for the CSV. Read only.
 */
export class InvoiceSearchService {
  private repo = new InvoiceSearchRepository();

  constructor(private deps: { db: Db; clock: Clock; billing: BillingService }) {}

  private today(): string {
    return tokyoDate(this.deps.clock.now());
  }

  private toResult(row: InvoiceSearchRow, fees: FeeType[], today: string): InvoiceSearchResult {
    const { member_number, family_name, given_name, closed: _closed, ...invoice } = row;
    return {
      invoice, feeType: fees.find((f) => f.code === invoice.fee_type)!, overdue: isOverdue(invoice, today),
      member: { id: invoice.member_id, number: member_number, name: `${family_name} ${given_name}` },
    };
  }

  /** The count and ¥ sum of the filtered set alone (the dashboard's figures, each the total of the list it links to). */
  totals(filter: InvoiceFilter): Promise<{ count: number; amount: number }> {
    return this.repo.totals(this.deps.db, filter, this.today());
  }

  /** One page: offset paging over an order that always ends with the id, so pages never overlap. */
  async search(filter: InvoiceFilter, page: number, pageSize: number): Promise<{ rows: InvoiceSearchResult[]; count: number; amount: number; hasMore: boolean }> {
    const today = this.today();
    const [rows, totals, fees] = await Promise.all([
      this.repo.rows(this.deps.db, filter, today, { limit: pageSize + 1, offset: (page - 1) * pageSize }),
      this.repo.totals(this.deps.db, filter, today),
      this.deps.billing.feeTypes(),
    ]);
    return { rows: rows.slice(0, pageSize).map((r) => this.toResult(r, fees, today)), ...totals, hasMore: rows.length > pageSize };
  }

  /** Every matching invoice in the page order, a batch at a time (keyset: rows changing meanwhile are neither skipped nor repeated). */
  async *batches(filter: InvoiceFilter, size = 1000): AsyncGenerator<InvoiceSearchResult[]> {
    const today = this.today();
    const fees = await this.deps.billing.feeTypes();
    const pages = keysetBatches((after: SearchCursor | undefined, limit) => this.repo.rows(this.deps.db, filter, today, { limit, after }),
      (last) => ({ closed: last.closed, dueOn: last.due_on, id: last.id }), size);
    for await (const rows of pages) yield rows.map((r) => this.toResult(r, fees, today));
  }
}
