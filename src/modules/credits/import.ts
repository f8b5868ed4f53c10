import crypto from 'node:crypto';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import { decodeCsv } from '../../platform/csv';
import type { Db, Executor } from '../../platform/db/database';
import type { CreditImport, CreditImportRow, CreditKind } from '../../platform/db/schema';
import { forbidden, notFound, RuleViolation } from '../../platform/errors';
import { normalizeDigits, tokyoDate } from '../../platform/japanese';
import { safeOriginalName } from '../../platform/uploads';
import type { MembersService } from '../members/service';
import { CreditImportRepository, type CreditImportSummary, type ImportCatalogueEntry, type ImportMember } from './import-repository';

/** The row report: the first problem found decides a row's status, in this order. */
export const IMPORT_STATUSES = ['ok', 'invalid_row', 'unknown_member', 'unknown_code', 'bad_date', 'date_outside_entry', 'duplicate', 'outside_period'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const MAX_IMPORT_ROWS = 20_000;
const MAX_EXTERNAL_ID = 100;
const INSERT_BATCH = 5_000;
/** A preview nobody committed is removed after a week (the next upload does the housekeeping). */
const STALE_PREVIEW_MS = 7 * 86_400_000;
/** Entries a member earns once: a second row for the same member and entry is a duplicate. */
const ONCE_PER_MEMBER: CreditKind[] = ['annual_meeting', 'regional_meeting', 'elearning'];
const CONTROL_CHARS = /[\u0000-\u001F\u007F]/;

/** 活動日 as a staff file writes it: 2025-06-01, 2025/6/1, 2025.6.1, 2025年6月1日, 20250601 (full width too, a time after it ignored). */
export function parseActivityDate(raw: string): string | null {
  const s = normalizeDigits(raw.normalize('NFKC')).replace(/\s+\d{1,2}:\d{2}(:\d{2})?$/, '');
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2100) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const cell = (value: string | undefined) => normalizeDigits((value ?? '').normalize('NFKC'));

/** Parses an import file: columns 会員番号, 単位コード, 活動日, 外部ID; a header row is recognised and skipped. */
export function parseImportFile(data: Buffer): { rows: CreditImportRow[]; hadHeader: boolean; encoding: 'utf-8' | 'shift_jis' } {
  const { text, encoding } = decodeCsv(data);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: 10_000 }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) throw new RuleViolation('import.parseError', { line: typeof err.lines === 'number' ? err.lines : 0 }, 'bad_request');
    throw err;
  }
  const nonEmpty = records.filter((r) => r.record.some((v) => v.trim() !== ''));
  const first = nonEmpty[0]?.record;
  const hadHeader = !!first && !/^\d+$/.test(cell(first[0])) && parseActivityDate(first[2] ?? '') === null;
  const body = hadHeader ? nonEmpty.slice(1) : nonEmpty;
  if (body.length === 0) throw new RuleViolation('import.empty', {}, 'bad_request');
  if (body.length > MAX_IMPORT_ROWS) throw new RuleViolation('import.tooManyRows', { max: MAX_IMPORT_ROWS, rows: body.length }, 'bad_request');
  const rows = body.map(({ record, info }) => ({
    line: info.lines, member: cell(record[0]), code: cell(record[1]), date: cell(record[2]), externalId: normalizeDigits(record[3] ?? ''),
    columns: record.length,
  }));
  return { rows, hadHeader, encoding };
}

export interface ImportLookups {
  members: Map<string, ImportMember>;
  catalogue: Map<string, ImportCatalogueEntry>;
  importedIds: Set<string>;
  /** `${memberId}:${catalogueId}` already in a ledger, for entries earned once. */
  pairs: Set<string>;
}

/** The row report, given what the database holds. Pure: the same rows and lookups give the same statuses. */
export function classifyRows(rows: CreditImportRow[], lookups: ImportLookups, today: string): ImportStatus[] {
  const seenIds = new Set<string>();
  const pairs = new Set(lookups.pairs);
  return rows.map((row): ImportStatus => {
    const firstOfId = !seenIds.has(row.externalId);
    seenIds.add(row.externalId);
    if (row.columns < 4 || !row.member || !row.code || !row.externalId || [...row.externalId].length > MAX_EXTERNAL_ID || CONTROL_CHARS.test(row.externalId)) {
      return 'invalid_row';
    }
    const member = lookups.members.get(row.member);
    if (!member) return 'unknown_member';
    const entry = lookups.catalogue.get(row.code);
    if (!entry) return 'unknown_code';
    const date = parseActivityDate(row.date);
    if (!date || date > today) return 'bad_date';
    if ((entry.activity_from && date < entry.activity_from) || (entry.activity_to && date > entry.activity_to)) return 'date_outside_entry';
    if (!firstOfId || lookups.importedIds.has(row.externalId)) return 'duplicate';
    const pair = `${member.id}:${entry.id}`;
    if (ONCE_PER_MEMBER.includes(entry.kind)) {
      if (pairs.has(pair)) return 'duplicate';
    }
    if (!member.cert_period_start || !member.cert_period_end || date < member.cert_period_start || date > member.cert_period_end) return 'outside_period';
    if (ONCE_PER_MEMBER.includes(entry.kind)) pairs.add(pair);
    return 'ok';
  });
}

export const countStatuses = (statuses: readonly string[]) => {
  const counts = Object.fromEntries(IMPORT_STATUSES.map((s) => [s, 0])) as Record<ImportStatus, number>;
  for (const s of statuses) counts[s as ImportStatus] += 1;
  return counts;
};

export interface ImportPreview {
  summary: CreditImportSummary;
  rows: CreditImportRow[];
  statuses: ImportStatus[];
  counts: Record<ImportStatus, number>;
  /** The same file (by content) was committed before. */
  sameFile?: CreditImportSummary;
}

/**
 * 単位の一括登録: a CSV from the secretariat (meeting attendance lists, e-learning results, corrections).
 * Upload → the rows are parsed and kept server-side → preview with a row report → commit of the good
 * rows only, re-checked in the commit's transaction. Source 'import', approved at once.
 */
export class CreditImportService {
  private repo = new CreditImportRepository();

  constructor(private deps: { db: Db; clock: Clock; members: MembersService }) {}

  private staffId(actor: Actor): number {
    if (actor.type !== 'staff' || actor.id === null) throw forbidden('staff only');
    return actor.id;
  }

  /** Parses and stages a file; returns the import's id for its preview. Nothing reaches a ledger yet. */
  async upload(actor: Actor, file: { name: string; data: Buffer }): Promise<number> {
    const staffId = this.staffId(actor);
    if (file.data.length === 0) throw new RuleViolation('import.fileEmpty', {}, 'bad_request');
    const parsed = parseImportFile(file.data);
    const sha256 = crypto.createHash('sha256').update(file.data).digest('hex');
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      await this.repo.deleteStaleUncommitted(tx, new Date(now.getTime() - STALE_PREVIEW_MS));
      const id = await this.repo.insertImport(tx, {
        staff_id: staffId, file_name: safeOriginalName(file.name), sha256, encoding: parsed.encoding, had_header: parsed.hadHeader, rows: parsed.rows, created_at: now,
      });
      await audit(tx, actor, { action: 'credit.import_uploaded', subjectType: 'credit_import', subjectId: id, detail: { file: safeOriginalName(file.name), sha256, rows: parsed.rows.length, encoding: parsed.encoding } });
      return id;
    });
  }

  private async lookups(db: Executor, rows: CreditImportRow[]): Promise<ImportLookups> {
    const unique = (values: string[]) => [...new Set(values.filter(Boolean))];
    const [members, catalogue] = await Promise.all([
      this.deps.members.byNumbersIn(db, unique(rows.map((r) => r.member))) as Promise<ImportMember[]>,
      this.repo.catalogueByCodes(db, unique(rows.map((r) => r.code))),
    ]);
    const once = catalogue.filter((e) => ONCE_PER_MEMBER.includes(e.kind)).map((e) => e.id);
    const [importedIds, pairs] = await Promise.all([
      this.repo.importedExternalIds(db, unique(rows.map((r) => r.externalId))),
      this.repo.existingPairs(db, members.map((m) => m.id), once),
    ]);
    return {
      members: new Map(members.map((m) => [m.member_number, m])),
      catalogue: new Map(catalogue.map((e) => [e.code, e])),
      importedIds: new Set(importedIds),
      pairs: new Set(pairs.map((p) => `${p.member_id}:${p.catalogue_id}`)),
    };
  }

  private async load(db: Executor, actor: Actor, id: number, forUpdate = false): Promise<CreditImport> {
    const row = await this.repo.findImport(db, id, this.staffId(actor), forUpdate);
    if (!row) throw notFound('credit_import');
    return row;
  }

  /** The row report: as of now before the commit, as it was at the commit after it. */
  async preview(actor: Actor, id: number): Promise<ImportPreview> {
    const { db, clock } = this.deps;
    const imp = await this.load(db, actor, id);
    const statuses = imp.statuses
      ? (imp.statuses as ImportStatus[])
      : classifyRows(imp.rows, await this.lookups(db, imp.rows), tokyoDate(clock.now()));
    const { rows, statuses: _s, ...summary } = imp;
    return { summary, rows, statuses, counts: countStatuses(statuses), sameFile: await this.repo.committedSameFile(db, imp.sha256, imp.id) };
  }

  /**
   * 「登録」: re-checks every row in the transaction and inserts the good ones in batches; the unique
   * index makes a concurrent or repeated import add nothing twice. One audit row for the whole import.
   */
  async commit(actor: Actor, id: number): Promise<{ imported: number; counts: Record<ImportStatus, number> }> {
    const { db, clock } = this.deps;
    return db.transaction().execute(async (tx) => {
      const imp = await this.load(tx, actor, id, true);
      if (imp.committed_at) throw new RuleViolation('import.alreadyCommitted', {}, 'conflict');
      const now = clock.now();
      const lookups = await this.lookups(tx, imp.rows);
      const statuses = classifyRows(imp.rows, lookups, tokyoDate(now));
      const good = imp.rows.flatMap((r, i) => {
        if (statuses[i] !== 'ok') return [];
        const member = lookups.members.get(r.member)!;
        const entry = lookups.catalogue.get(r.code)!;
        return [{ index: i, memberId: member.id, catalogueId: entry.id, credits: entry.credits, activityDate: parseActivityDate(r.date)!, externalId: r.externalId }];
      });
      const inserted = new Set<string>();
      for (let i = 0; i < good.length; i += INSERT_BATCH) {
        const ids = await this.repo.insertImported(tx, good.slice(i, i + INSERT_BATCH), {
          now, actorType: actor.type, actorId: actor.id, decidedBy: actor.id,
        });
        for (const x of ids) inserted.add(x);
      }
      // A row another import took between the check and the insert is a duplicate after all.
      for (const g of good) if (!inserted.has(g.externalId)) statuses[g.index] = 'duplicate';
      const counts = countStatuses(statuses);
      await this.repo.markCommitted(tx, imp.id, { committed_at: now, imported: inserted.size, statuses });
      await audit(tx, actor, {
        action: 'credit.import', subjectType: 'credit_import', subjectId: imp.id,
        detail: { file: imp.file_name, sha256: imp.sha256, rows: imp.rows.length, imported: inserted.size, counts },
      });
      return { imported: inserted.size, counts };
    });
  }

  recent(actor: Actor, limit = 10): Promise<CreditImportSummary[]> {
    return this.repo.recentImports(this.deps.db, this.staffId(actor), limit);
  }
}
