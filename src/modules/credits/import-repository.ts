import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { CatalogueEntry, CreditImport, CreditImportRow } from '../../platform/db/schema';

/** What the import needs to know of a member: the ledger's owner and the certification period. */
export interface ImportMember {
  id: number;
  member_number: string;
  cert_period_start: string | null;
  cert_period_end: string | null;
}

export type ImportCatalogueEntry = Pick<CatalogueEntry, 'id' | 'code' | 'kind' | 'credits' | 'activity_from' | 'activity_to'>;

/** An import without its rows (lists, headers). */
export type CreditImportSummary = Omit<CreditImport, 'rows' | 'statuses'>;

const SUMMARY_COLUMNS = ['id', 'staff_id', 'file_name', 'sha256', 'encoding', 'had_header', 'row_count', 'created_at', 'committed_at', 'imported'] as const;

/**
 * SQL of the staff CSV import: batch look-ups (one query each, whatever the file's size), the staged
 * rows between preview and commit, and the bulk insert of credits with their events.
 */
export class CreditImportRepository {
  async catalogueByCodes(db: Executor, codes: string[]): Promise<ImportCatalogueEntry[]> {
    if (codes.length === 0) return [];
    return db.selectFrom('credit_catalogue').select(['id', 'code', 'kind', 'credits', 'activity_from', 'activity_to'])
      .where(sql<boolean>`code = ANY(${codes}::text[])`).execute();
  }

  /** External ids already imported (source 'import'), of those given. */
  async importedExternalIds(db: Executor, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('credits').select('external_id').where('source', '=', 'import')
      .where(sql<boolean>`external_id = ANY(${ids}::text[])`).execute();
    return rows.map((r) => r.external_id!);
  }

  /** (member, entry) pairs already in a ledger (approved or pending), for entries a member earns once. */
  async existingPairs(db: Executor, memberIds: number[], catalogueIds: number[]): Promise<{ member_id: number; catalogue_id: number }[]> {
    if (memberIds.length === 0 || catalogueIds.length === 0) return [];
    return db.selectFrom('credits').select(['member_id', 'catalogue_id']).where('status', 'in', ['approved', 'pending'])
      .where(sql<boolean>`member_id = ANY(${memberIds}::int[])`).where(sql<boolean>`catalogue_id = ANY(${catalogueIds}::int[])`).execute();
  }

  async insertImport(db: Executor, row: { staff_id: number; file_name: string; sha256: string; encoding: 'utf-8' | 'shift_jis'; had_header: boolean; rows: CreditImportRow[]; created_at: Date }): Promise<number> {
    const inserted = await db.insertInto('credit_imports')
      .values({ ...row, row_count: row.rows.length, rows: JSON.stringify(row.rows) })
      .returning('id').executeTakeFirstOrThrow();
    return inserted.id;
  }

  async findImport(db: Executor, id: number, staffId: number, forUpdate = false): Promise<CreditImport | undefined> {
    let q = db.selectFrom('credit_imports').selectAll().where('id', '=', id).where('staff_id', '=', staffId);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async recentImports(db: Executor, staffId: number, limit: number): Promise<CreditImportSummary[]> {
    return db.selectFrom('credit_imports').select(SUMMARY_COLUMNS).where('staff_id', '=', staffId)
      .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** The earliest commit of a file with the same content, other than this import. */
  async committedSameFile(db: Executor, sha256: string, exceptId: number): Promise<CreditImportSummary | undefined> {
    return db.selectFrom('credit_imports').select(SUMMARY_COLUMNS).where('sha256', '=', sha256).where('committed_at', 'is not', null)
      .where('id', '<>', exceptId).orderBy('committed_at').limit(1).executeTakeFirst();
  }

  async markCommitted(db: Executor, id: number, row: { committed_at: Date; imported: number; statuses: string[] }): Promise<void> {
    await db.updateTable('credit_imports').set({ committed_at: row.committed_at, imported: row.imported, statuses: JSON.stringify(row.statuses) })
      .where('id', '=', id).execute();
  }

  /** Housekeeping: previews never committed, older than `before`. */
  async deleteStaleUncommitted(db: Executor, before: Date): Promise<void> {
    await db.deleteFrom('credit_imports').where('committed_at', 'is', null).where('created_at', '<', before).execute();
  }

  /**
   * Inserts approved credits (source 'import') and their 'create' events in one statement; a row whose
   * external id is already imported is skipped by the unique index. Returns the external ids inserted.
   */
  async insertImported(db: Executor, rows: { memberId: number; catalogueId: number; credits: number; activityDate: string; externalId: string }[],
    at: { now: Date; actorType: string; actorId: number | null; decidedBy: number | null }): Promise<string[]> {
    if (rows.length === 0) return [];
    const result = await sql<{ external_id: string }>`
      WITH ins AS (
        INSERT INTO credits (member_id, catalogue_id, source, status, credits, activity_date, external_id, decided_at, decided_by)
        SELECT u.m, u.c, 'import', 'approved', u.cr, u.d, u.x, ${at.now}::timestamptz, ${at.decidedBy}::int
        FROM unnest(${rows.map((r) => r.memberId)}::int[], ${rows.map((r) => r.catalogueId)}::int[], ${rows.map((r) => r.credits)}::int[],
                    ${rows.map((r) => r.activityDate)}::date[], ${rows.map((r) => r.externalId)}::text[]) AS u(m, c, cr, d, x)
        ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL DO NOTHING
        RETURNING id, external_id
      ), ev AS (
        INSERT INTO credit_events (credit_id, occurred_at, actor_type, actor_id, action, from_status, to_status)
        SELECT ins.id, ${at.now}::timestamptz, ${at.actorType}::text, ${at.actorId}::int, 'create', NULL, 'approved' FROM ins
      )
      SELECT external_id FROM ins`.execute(db);
    return result.rows.map((r) => r.external_id);
  }
}
