import crypto from 'node:crypto';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import { decodeCsv } from '../../platform/csv';
import type { Db, Executor } from '../../platform/db/database';
import type { Invoice, PaymentImport, PaymentImportKind, PaymentImportOutcome, PaymentImportRow } from '../../platform/db/schema';
import { forbidden, notFound, RuleViolation } from '../../platform/errors';
import { normalizeDigits, tokyoDate } from '../../platform/japanese';
import { safeOriginalName } from '../../platform/uploads';
import type { MembersService } from '../members/service';
import type { OverpaymentsService } from './overpayments';
import { BillingRepository } from './repository';
import { type PaymentImportSummary, ResultImportRepository } from './result-import-repository';
import { ANNUAL_FEE, type BillingService, type SettleItem } from './service';

export const IMPORT_KINDS = ['postal', 'bank', 'debit'] as const satisfies readonly PaymentImportKind[];

/**
 * The row report, in the order the page lists it. The first that applies decides: invalid_row →
 * duplicate → debit_failed → unknown_reference → already_paid / cancelled → amount_mismatch → matched.
 */
export const OUTCOMES = ['matched', 'already_paid', 'cancelled', 'amount_mismatch', 'unknown_reference', 'duplicate', 'debit_failed', 'invalid_row'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Money that arrived but that no invoice takes: queued as 過入金 on apply, for a refund or a decision by hand. */
export const TO_OVERPAYMENTS: readonly Outcome[] = ['already_paid', 'cancelled', 'amount_mismatch', 'unknown_reference'];
/** Rows whose 取引番号 is taken on apply: a later file with the same transaction is a duplicate. */
const CLAIMED: readonly Outcome[] = ['matched', ...TO_OVERPAYMENTS, 'debit_failed'];

export type InvalidReason = 'columns' | 'reference' | 'year' | 'amount' | 'date' | 'result' | 'transactionNo';

export const MAX_RESULT_ROWS = 10_000;
const MAX_AMOUNT = 10_000_000;
const MAX_TRANSACTION_NO = 64;
const STALE_PREVIEW_MS = 7 * 86_400_000;
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

// ── File format ───────────────────────────────────────────────────────────────────────────────────

type Column = 'reference' | 'year' | 'amount' | 'date' | 'payer' | 'result' | 'transactionNo';

/** Header names each column is recognised by (compared width- and case-insensitively, spaces ignored). */
const HEADERS: Record<Column, string[]> = {
  reference: ['管理no', '管理番号', '請求番号', '会員番号'],
  year: ['年度', '対象年度'],
  amount: ['金額', '入金額', '払込金額', '振込金額', '引落金額', '振替金額'],
  date: ['入金日', '払込日', '振込日', '取扱日', '引落日', '振替日'],
  payer: ['払込人名', '振込人名', '払込人', '振込人', '依頼人名'],
  result: ['結果', '振替結果', '引落結果'],
  transactionNo: ['取引番号', '受付番号', '照会番号'],
};

/** The columns a file of each kind must have (払込人名 is read when present). */
export const REQUIRED: Record<PaymentImportKind, Column[]> = {
  postal: ['reference', 'amount', 'date', 'transactionNo'],
  bank: ['reference', 'amount', 'date', 'transactionNo'],
  debit: ['reference', 'year', 'amount', 'date', 'result', 'transactionNo'],
};

/** The header of each column as the format document and the messages name it. */
export const COLUMN_NAMES: Record<PaymentImportKind, Record<Column, string>> = {
  postal: { reference: '管理No', year: '年度', amount: '金額', date: '入金日', payer: '払込人名', result: '結果', transactionNo: '取引番号' },
  bank: { reference: '管理No', year: '年度', amount: '金額', date: '入金日', payer: '振込人名', result: '結果', transactionNo: '取引番号' },
  debit: { reference: '会員番号', year: '年度', amount: '金額', date: '引落日', payer: '払込人名', result: '結果', transactionNo: '取引番号' },
};

const headerKey = (s: string) => s.normalize('NFKC').replace(/[\s\u3000]+/g, '').toLowerCase();
const cell = (value: string | undefined) => normalizeDigits((value ?? '').normalize('NFKC'));

/** Not a CSV a person or a bank wrote: NUL bytes, undecodable bytes or control characters. */
function looksBinary(data: Buffer, text: string): boolean {
  return data.includes(0) || text.includes('\uFFFD') || CONTROL_CHARS.test(text);
}

/** Reads a result file: a header row names the columns (any order), then one row per payment. */
export function parseResultFile(kind: PaymentImportKind, data: Buffer): { rows: PaymentImportRow[]; encoding: 'utf-8' | 'shift_jis' } {
  if (data.length === 0) throw new RuleViolation('resultImport.fileEmpty', {}, 'bad_request');
  const { text, encoding } = decodeCsv(data);
  if (looksBinary(data, text)) throw new RuleViolation('resultImport.notText', {}, 'bad_request');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: 10_000 }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) throw new RuleViolation('resultImport.parseError', { line: typeof err.lines === 'number' ? err.lines : 0 }, 'bad_request');
    throw err;
  }
  const nonEmpty = records.filter((r) => r.record.some((v) => v.trim() !== ''));
  const header = nonEmpty[0]?.record.map(headerKey);
  if (!header) throw new RuleViolation('resultImport.empty', {}, 'bad_request');
  const index = {} as Record<Column, number>;
  for (const column of Object.keys(HEADERS) as Column[]) {
    index[column] = header.findIndex((h) => HEADERS[column].some((name) => headerKey(name) === h));
  }
  const names = COLUMN_NAMES[kind];
  // A transfer file has 管理No where a debit file has 会員番号: the same column, told apart by its header.
  const referenceHeader = index.reference >= 0 ? header[index.reference]! : '';
  if (kind === 'debit' ? referenceHeader !== headerKey('会員番号') : referenceHeader === headerKey('会員番号')) index.reference = -1;
  const missing = REQUIRED[kind].filter((c) => index[c] < 0);
  if (missing.length > 0) {
    throw new RuleViolation('resultImport.badHeader', { columns: REQUIRED[kind].map((c) => names[c]).join('・'), missing: missing.map((c) => names[c]).join('・') }, 'bad_request');
  }
  const body = nonEmpty.slice(1);
  if (body.length === 0) throw new RuleViolation('resultImport.empty', {}, 'bad_request');
  if (body.length > MAX_RESULT_ROWS) throw new RuleViolation('resultImport.tooManyRows', { max: MAX_RESULT_ROWS, rows: body.length }, 'bad_request');
  const at = (record: string[], column: Column) => (index[column] >= 0 ? record[index[column]] : undefined);
  const rows = body.map(({ record, info }): PaymentImportRow => ({
    line: info.lines,
    reference: cell(at(record, 'reference')),
    year: cell(at(record, 'year')),
    amount: cell(at(record, 'amount')),
    date: cell(at(record, 'date')),
    payer: (at(record, 'payer') ?? '').normalize('NFKC').trim().slice(0, 100),
    result: cell(at(record, 'result')),
    transactionNo: cell(at(record, 'transactionNo')),
    columns: record.length,
  }));
  return { rows, encoding };
}

const ERAS: Record<string, number> = { 令和: 2018, R: 2018, 平成: 1988, H: 1988 };

/** 2026/11/20, 2026-11-20, 2026.11.20, 2026年11月20日, 20261120, 令和8年11月20日, R8.11.20 (already NFKC + half-width). */
export function parseResultDate(raw: string): string | null {
  const s = cell(raw).toUpperCase().replace(/\s+\d{1,2}:\d{2}(:\d{2})?$/, '').replace(/元年/, '1年');
  let y: number;
  let mo: number;
  let d: number;
  const western = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  const wareki = /^(令和|平成|R|H)(\d{1,2})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日)$/.exec(s);
  if (western) {
    [y, mo, d] = [Number(western[1]), Number(western[2]), Number(western[3])];
  } else if (wareki) {
    y = ERAS[wareki[1]!]! + Number(wareki[2]);
    mo = Number(wareki[3] ?? wareki[5]);
    d = Number(wareki[4] ?? wareki[6]);
  } else {
    return null;
  }
  if (y < 2000 || y > 2100) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 15000, 15,000, ¥15,000, 15,000円 (full width too): a positive whole number of yen. */
export function parseAmount(raw: string): number | null {
  const s = cell(raw).replace(/^[¥\\]/, '').replace(/円$/, '').replace(/,/g, '');
  if (!/^\d{1,9}$/.test(s)) return null;
  const n = Number(s);
  return n > 0 && n <= MAX_AMOUNT ? n : null;
}

/** 管理No as people write it: sk-500001, SK－５００００１, SK500001 → SK-500001. */
export function normalizeControlNo(raw: string): string | null {
  const m = /^SK-?(\d{1,10})$/.exec(cell(raw).toUpperCase().replace(/\s+/g, ''));
  return m ? `SK-${m[1]}` : null;
}

/** 年度: 2026, 2026年度, 令和8年度, R8. */
export function parseFiscalYear(raw: string): number | null {
  const s = cell(raw).toUpperCase().replace(/年度$/, '').replace(/元$/, '1');
  const western = /^(\d{4})$/.exec(s);
  const wareki = /^(令和|平成|R|H)(\d{1,2})$/.exec(s);
  const y = western ? Number(western[1]) : wareki ? ERAS[wareki[1]!]! + Number(wareki[2]) : NaN;
  return Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : null;
}

/** 全銀協の振替結果コード (0 = 振替済) and the words banks and card companies print. */
const DEBIT_CODES: Record<string, string> = {
  '0': '振替済', '1': '資金不足', '2': '預金取引なし', '3': '預金者の都合による振替停止', '4': '預金口座振替依頼書なし', '8': '委託者の都合による振替停止', '9': 'その他',
};
const DEBIT_SUCCESS = ['振替済', '振替済み', '引落済', '引落済み', '引落完了', '決済済', '決済済み', '済', 'OK', '成功'];

/** 結果 of a debit row: success, or the bank's word for why not (null when the cell is empty). */
export function parseDebitResult(raw: string): { success: boolean; word: string } | null {
  const s = cell(raw);
  if (!s) return null;
  const word = DEBIT_CODES[s] ?? s;
  return { success: DEBIT_SUCCESS.includes(word.toUpperCase()), word };
}

export interface ReadRow {
  reference: string;
  fiscalYear: number | null;
  amount: number;
  paidOn: string;
  debit: { success: boolean; word: string } | null;
  transactionNo: string;
}

/** A row's cells interpreted, or the first cell that is wrong. Pure. */
export function readRow(kind: PaymentImportKind, row: PaymentImportRow, today: string): { ok: true; value: ReadRow } | { ok: false; reason: InvalidReason } {
  if (row.columns < REQUIRED[kind].length) return { ok: false, reason: 'columns' };
  const reference = kind === 'debit' ? (/^1\d{5}$/.test(row.reference) ? row.reference : null) : normalizeControlNo(row.reference);
  if (!reference) return { ok: false, reason: 'reference' };
  const fiscalYear = kind === 'debit' ? parseFiscalYear(row.year) : null;
  if (kind === 'debit' && fiscalYear === null) return { ok: false, reason: 'year' };
  const amount = parseAmount(row.amount);
  if (amount === null) return { ok: false, reason: 'amount' };
  const paidOn = parseResultDate(row.date);
  if (!paidOn || paidOn > today) return { ok: false, reason: 'date' };
  const debit = kind === 'debit' ? parseDebitResult(row.result) : null;
  if (kind === 'debit' && !debit) return { ok: false, reason: 'result' };
  const transactionNo = row.transactionNo;
  if (!transactionNo || [...transactionNo].length > MAX_TRANSACTION_NO || CONTROL_CHARS.test(transactionNo)) return { ok: false, reason: 'transactionNo' };
  return { ok: true, value: { reference, fiscalYear, amount, paidOn, debit, transactionNo } };
}

// ── The row report ────────────────────────────────────────────────────────────────────────────────

/** What the report needs of an invoice. */
export type ImportInvoice = Pick<Invoice, 'id' | 'control_no' | 'member_id' | 'amount' | 'status'>;

export interface ResultLookups {
  /** By 管理No (transfers) or by `${会員番号}:${年度}` (debits: that year's 年会費). */
  invoices: Map<string, ImportInvoice>;
  /** 会員番号 → member id (debits), for money of a member whose invoice is not found. */
  members: Map<string, number>;
  /** 取引番号 of this kind taken by an applied file. */
  taken: Set<string>;
}

export const invoiceKey = (kind: PaymentImportKind, r: ReadRow) => (kind === 'debit' ? `${r.reference}:${r.fiscalYear}` : r.reference);

/** Every row's outcome given what the database holds. Pure: the same rows and lookups give the same report. */
export function classifyResults(kind: PaymentImportKind, rows: PaymentImportRow[], lookups: ResultLookups, today: string): PaymentImportOutcome[] {
  const seen = new Set<string>();
  const claimed = new Set<number>();
  return rows.map((row): PaymentImportOutcome => {
    const read = readRow(kind, row, today);
    if (!read.ok) return { outcome: 'invalid_row', reason: read.reason };
    const r = read.value;
    const firstInFile = !seen.has(r.transactionNo);
    seen.add(r.transactionNo);
    if (!firstInFile || lookups.taken.has(r.transactionNo)) return { outcome: 'duplicate' };
    if (r.debit && !r.debit.success) return { outcome: 'debit_failed', reason: r.debit.word };
    const invoice = lookups.invoices.get(invoiceKey(kind, r));
    if (!invoice) return { outcome: 'unknown_reference' };
    const about = { invoiceId: invoice.id, controlNo: invoice.control_no, invoiceAmount: invoice.amount };
    // An invoice paid by an earlier row of this file is paid twice by this one.
    if (invoice.status === 'paid' || claimed.has(invoice.id)) return { outcome: 'already_paid', ...about };
    if (invoice.status === 'cancelled') return { outcome: 'cancelled', ...about };
    if (invoice.amount !== r.amount) return { outcome: 'amount_mismatch', ...about };
    claimed.add(invoice.id);
    return { outcome: 'matched', ...about };
  });
}

export interface OutcomeTotals {
  counts: Record<Outcome, number>;
  /** ¥ per outcome (rows whose amount could be read). */
  amounts: Record<Outcome, number>;
}

export function totalsOf(rows: PaymentImportRow[], outcomes: readonly PaymentImportOutcome[]): OutcomeTotals {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const amounts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  outcomes.forEach((o, i) => {
    const outcome = o.outcome as Outcome;
    counts[outcome] += 1;
    amounts[outcome] += parseAmount(rows[i]!.amount) ?? 0;
  });
  return { counts, amounts };
}

export interface ResultPreview extends OutcomeTotals {
  summary: PaymentImportSummary;
  rows: PaymentImportRow[];
  outcomes: PaymentImportOutcome[];
  /** The same file (by content) was applied before. */
  sameFile?: PaymentImportSummary;
}

/** How an invoice settled from each kind of file was paid (the invoice's 入金方法). */
const METHOD: Record<Exclude<PaymentImportKind, 'debit'>, string> = { postal: 'slip', bank: 'transfer' };

/**
 * 入金結果の取込: a result file from the post office (郵便振替), the bank (振込) or the direct-debit /
 * recurring-card company. Upload → rows kept server-side → preview with a row report → apply: matched rows
 * settle their invoice (the same path as any payment: event, audit, 入金確認 mail, invoice-settled job),
 * money no invoice takes is queued as 過入金, and each 取引番号 is taken once for ever.
 */
export class ResultImportService {
  private repo = new ResultImportRepository();
  private billingRepo = new BillingRepository();

  constructor(private deps: { db: Db; clock: Clock; billing: BillingService; overpayments: OverpaymentsService; members: MembersService }) {}

  private staffId(actor: Actor): number {
    if (actor.type !== 'staff' || actor.id === null) throw forbidden('staff only');
    return actor.id;
  }

  /** Parses and stages a file; returns the batch id for its preview. No invoice changes yet. */
  async upload(actor: Actor, input: { kind: PaymentImportKind; name: string; data: Buffer }): Promise<number> {
    const staffId = this.staffId(actor);
    const parsed = parseResultFile(input.kind, input.data);
    const sha256 = crypto.createHash('sha256').update(input.data).digest('hex');
    const now = this.deps.clock.now();
    const fileName = safeOriginalName(input.name);
    return this.deps.db.transaction().execute(async (tx) => {
      await this.repo.deleteStaleUnapplied(tx, new Date(now.getTime() - STALE_PREVIEW_MS));
      const id = await this.repo.insertImport(tx, { kind: input.kind, staff_id: staffId, file_name: fileName, sha256, encoding: parsed.encoding, rows: parsed.rows, created_at: now });
      await audit(tx, actor, { action: 'payment_import.uploaded', subjectType: 'payment_import', subjectId: id, detail: { kind: input.kind, file: fileName, sha256, rows: parsed.rows.length, encoding: parsed.encoding } });
      return id;
    });
  }

  /** Three or four queries whatever the file's size; in the apply's transaction the invoices are locked (id order). */
  private async lookups(db: Executor, kind: PaymentImportKind, rows: PaymentImportRow[], today: string, lock: boolean): Promise<ResultLookups & { full: Map<number, Invoice> }> {
    const read = rows.map((r) => readRow(kind, r, today)).flatMap((r) => (r.ok ? [r.value] : []));
    const unique = <T>(values: T[]) => [...new Set(values)];
    const members = new Map<string, number>();
    let invoices: Invoice[];
    if (kind === 'debit') {
      const found = await this.deps.members.byNumbersIn(db, unique(read.map((r) => r.reference)));
      for (const m of found) members.set(m.member_number, m.id);
      invoices = await this.repo.annualFeeInvoices(db, ANNUAL_FEE, found.map((m) => m.id), unique(read.map((r) => r.fiscalYear!)), lock);
    } else {
      invoices = await this.repo.invoicesByControlNo(db, unique(read.map((r) => r.reference)), lock);
    }
    // Read after the invoices: when applying, a batch that held their locks has committed by now.
    const taken = await this.repo.takenTransactions(db, kind, unique(read.map((r) => r.transactionNo)));
    const numberOf = new Map([...members].map(([number, id]) => [id, number]));
    const key = (i: Invoice) => (kind === 'debit' ? `${numberOf.get(i.member_id)}:${i.fiscal_year}` : i.control_no);
    return {
      invoices: new Map(invoices.map((i) => [key(i), i])), members, taken: new Set(taken),
      full: new Map(invoices.map((i) => [i.id, i])),
    };
  }

  private async load(db: Executor, actor: Actor, id: number, forUpdate = false): Promise<PaymentImport> {
    this.staffId(actor);
    const row = await this.repo.findImport(db, id, forUpdate);
    if (!row) throw notFound('payment_import');
    return row;
  }

  /** The row report: as of now before the apply, as it was at the apply after it. */
  async preview(actor: Actor, id: number): Promise<ResultPreview> {
    const { db, clock } = this.deps;
    const imp = await this.load(db, actor, id);
    const today = tokyoDate(clock.now());
    const outcomes = imp.outcomes ?? classifyResults(imp.kind, imp.rows, await this.lookups(db, imp.kind, imp.rows, today, false), today);
    const { rows, outcomes: _o, ...summary } = imp;
    return { summary, rows, outcomes, ...totalsOf(rows, outcomes), sameFile: await this.repo.appliedSameFile(db, imp.sha256, imp.id) };
  }

  /**
   * 「入金を反映」: one transaction for the whole batch. The batch row is locked (a second click is a 409),
   * the invoices are locked and every row is checked again, each 取引番号 is claimed in the unique key
   * (a row another batch claimed first becomes a duplicate), then invoices settle and overpayments queue.
   */
  async apply(actor: Actor, id: number): Promise<OutcomeTotals> {
    const { db, clock, billing, overpayments } = this.deps;
    return db.transaction().execute(async (tx) => {
      const imp = await this.load(tx, actor, id, true);
      if (imp.applied_at) throw new RuleViolation('resultImport.alreadyApplied', {}, 'conflict');
      const now = clock.now();
      const today = tokyoDate(now);
      const lookups = await this.lookups(tx, imp.kind, imp.rows, today, true);
      const outcomes = classifyResults(imp.kind, imp.rows, lookups, today);
      const read = imp.rows.map((r) => readRow(imp.kind, r, today));
      const value = (i: number) => (read[i] as { value: ReadRow }).value;
      const claim = outcomes.flatMap((o, i) => (CLAIMED.includes(o.outcome as Outcome)
        ? [{ transactionNo: value(i).transactionNo, line: imp.rows[i]!.line, outcome: o.outcome, invoiceId: o.invoiceId ?? null, amount: value(i).amount }] : []));
      const claimed = await this.repo.claimTransactions(tx, imp.kind, imp.id, claim, now);
      const methods = imp.kind === 'debit' ? await this.billingRepo.annualFeeMethods(tx, [...lookups.members.values()]) : new Map<number, string>();
      const settle: SettleItem[] = [];
      for (const [i, o] of outcomes.entries()) {
        if (!CLAIMED.includes(o.outcome as Outcome)) continue;
        const r = value(i);
        if (!claimed.has(r.transactionNo)) {
          outcomes[i] = { outcome: 'duplicate' };
          continue;
        }
        const invoice = o.invoiceId ? lookups.full.get(o.invoiceId)! : undefined;
        const memberId = invoice?.member_id ?? (imp.kind === 'debit' ? lookups.members.get(r.reference) ?? null : null);
        const method = imp.kind === 'debit' ? (methods.get(memberId ?? 0) === 'recurring_card' ? 'recurring_card' : 'direct_debit') : METHOD[imp.kind];
        if (o.outcome === 'matched') {
          settle.push({ invoice: invoice!, paidOn: r.paidOn, method, reference: r.transactionNo });
        } else if (TO_OVERPAYMENTS.includes(o.outcome as Outcome)) {
          await overpayments.record(tx, actor, {
            invoiceId: invoice?.id ?? null, memberId, source: 'import', sourceRef: `${imp.kind}:${r.transactionNo}`, amount: r.amount, receivedOn: r.paidOn, method,
            reference: `${r.transactionNo} (${imp.kind === 'debit' ? `${r.reference} ${r.fiscalYear}` : r.reference})`,
          });
        }
      }
      // The invoices are locked and were checked in this transaction: every matched row settles.
      await billing.settleFromImport(tx, actor, settle);
      const totals = totalsOf(imp.rows, outcomes);
      await this.repo.markApplied(tx, imp.id, { applied_at: now, applied_by: actor.id!, outcomes });
      await audit(tx, actor, {
        action: 'payment_import.applied', subjectType: 'payment_import', subjectId: imp.id,
        detail: { kind: imp.kind, file: imp.file_name, sha256: imp.sha256, rows: imp.rows.length, counts: totals.counts, amounts: totals.amounts },
      });
      return totals;
    });
  }

  recent(actor: Actor, limit = 10): Promise<PaymentImportSummary[]> {
    this.staffId(actor);
    return this.repo.recentImports(this.deps.db, limit);
  }
}
