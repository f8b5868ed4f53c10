import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { CatalogueEntry, Credit, CreditEvent, CreditFile, CreditKind, CreditSource, CreditStatus } from '../../platform/db/schema';
import { searchKey } from '../../platform/japanese';

export interface CatalogueFilter {
  q?: string;
  kind?: CreditKind;
  category?: string;
  year?: number;
  selfReportableOnly?: boolean;
}

export interface NewCatalogueEntry {
  code: string;
  name_ja: string;
  name_en?: string;
  category_code: string;
  kind: CreditKind;
  credits: number;
  activity_from?: string | null;
  activity_to?: string | null;
  self_reportable?: boolean;
  detail_kind?: 'none' | 'meeting_name' | 'paper';
  limit_group?: string | null;
  once_per_fiscal_year?: boolean;
}

export const catalogueSearchText = (e: Pick<NewCatalogueEntry, 'code' | 'name_ja' | 'name_en'>) => searchKey(`${e.code} ${e.name_ja} ${e.name_en ?? ''}`);

/** A ledger row with the catalogue facts the rules and the transcript need, and nothing more. */
export type LedgerRow = Pick<Credit, 'id' | 'control_no' | 'catalogue_id' | 'source' | 'status' | 'credits' | 'activity_date'> & {
  code: string; name_ja: string; name_en: string; category_code: string; kind: CreditKind; limit_group: string | null;
  once_per_fiscal_year: boolean; detail_kind: 'none' | 'meeting_name' | 'paper';
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class CreditsRepository {
  async categories(db: Executor) {
    return db.selectFrom('credit_categories').selectAll().orderBy('sort_order').execute();
  }

  async insertCategory(db: Executor, row: { code: string; name_ja: string; name_en: string; sort_order: number }): Promise<void> {
    await db.insertInto('credit_categories').values(row).onConflict((oc) => oc.column('code').doNothing()).execute();
  }

  async insertCatalogue(db: Executor, entry: NewCatalogueEntry): Promise<CatalogueEntry> {
    return db.insertInto('credit_catalogue').values({ ...entry, search_text: catalogueSearchText(entry) }).returningAll().executeTakeFirstOrThrow();
  }

  /** The whole catalogue for staff, with how often each entry is used (one grouped query). */
  async catalogueForStaff(db: Executor, f: { q?: string; includeRetired: boolean }, limit: number) {
    let q = db
      .selectFrom('credit_catalogue as k')
      .leftJoin((eb) => eb.selectFrom('credits').select(['catalogue_id', (e) => e.fn.countAll<string>().as('uses')]).groupBy('catalogue_id').as('u'), (j) => j.onRef('u.catalogue_id', '=', 'k.id'))
      .selectAll('k')
      .select((eb) => eb.fn.coalesce('u.uses', eb.val('0')).as('uses'));
    const key = f.q ? searchKey(f.q) : '';
    if (key) q = q.where('k.search_text', 'like', `%${escapeLike(key)}%`);
    if (!f.includeRetired) q = q.where('k.retired_at', 'is', null);
    return q.orderBy(sql`k.activity_from DESC NULLS LAST`).orderBy('k.code').limit(limit).execute();
  }

  async catalogueUses(db: Executor, id: number): Promise<number> {
    const row = await db.selectFrom('credits').select((eb) => eb.fn.countAll<string>().as('n')).where('catalogue_id', '=', id).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async updateCatalogue(db: Executor, id: number, entry: Omit<NewCatalogueEntry, 'code'> & { code: string }, now: Date): Promise<void> {
    await db.updateTable('credit_catalogue').set({ ...entry, search_text: catalogueSearchText(entry), updated_at: now }).where('id', '=', id).execute();
  }

  async setRetired(db: Executor, id: number, retiredAt: Date | null): Promise<void> {
    await db.updateTable('credit_catalogue').set({ retired_at: retiredAt, updated_at: new Date() }).where('id', '=', id).execute();
  }

  async deleteCatalogue(db: Executor, id: number): Promise<void> {
    await db.deleteFrom('credit_catalogue').where('id', '=', id).execute();
  }

  async catalogueById(db: Executor, id: number): Promise<CatalogueEntry | undefined> {
    return db.selectFrom('credit_catalogue').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async catalogueByCode(db: Executor, code: string): Promise<CatalogueEntry | undefined> {
    return db.selectFrom('credit_catalogue').selectAll().where('code', '=', code).executeTakeFirst();
  }

  /** Active entries, newest activity first; `q` matches code and names ignoring width and kana. */
  async searchCatalogue(db: Executor, f: CatalogueFilter, limit: number): Promise<CatalogueEntry[]> {
    let q = db.selectFrom('credit_catalogue').selectAll().where('retired_at', 'is', null);
    const key = f.q ? searchKey(f.q) : '';
    if (key) q = q.where('search_text', 'like', `%${escapeLike(key)}%`);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.category) q = q.where('category_code', '=', f.category);
    if (f.selfReportableOnly) q = q.where('self_reportable', '=', true);
    if (f.year) {
      const from = `${f.year}-04-01`;
      const to = `${f.year + 1}-03-31`;
      q = q.where((eb) => eb.or([eb('activity_from', 'is', null), eb.and([eb('activity_from', '<=', to), eb.or([eb('activity_to', 'is', null), eb('activity_to', '>=', from)])])]));
    }
    return q.orderBy(sql`activity_from DESC NULLS LAST`).orderBy('id', 'desc').limit(limit).execute();
  }

  /** A member's ledger, newest activity first; optionally only self-reports, or only the latest rows. */
  async ledger(db: Executor, memberId: number, opts: { selfReportsOnly?: boolean; limit?: number } = {}): Promise<LedgerRow[]> {
    let q = db
      .selectFrom('credits as c')
      .innerJoin('credit_catalogue as k', 'k.id', 'c.catalogue_id')
      // Only what the rules and the lists use: a member can hold hundreds of rows, and every column costs parsing.
      .select(['c.id', 'c.control_no', 'c.catalogue_id', 'c.source', 'c.status', 'c.credits', 'c.activity_date'])
      .select(['k.code', 'k.name_ja', 'k.name_en', 'k.category_code', 'k.kind', 'k.limit_group', 'k.once_per_fiscal_year', 'k.detail_kind'])
      .where('c.member_id', '=', memberId)
      .orderBy('c.activity_date', 'desc')
      .orderBy('c.id', 'desc');
    if (opts.selfReportsOnly) q = q.where('c.source', '=', 'self_report');
    if (opts.limit) q = q.limit(opts.limit);
    return q.execute();
  }

  /** Serialises every self-report decision of one member (cap checks) across sessions and instances. */
  async lockMember(tx: Executor, memberId: number): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('credits.member'), ${memberId})`.execute(tx);
  }

  async findForMember(db: Executor, memberId: number, controlNo: string, forUpdate = false): Promise<Credit | undefined> {
    let q = db.selectFrom('credits').selectAll().where('member_id', '=', memberId).where('control_no', '=', controlNo);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** Self-reports still 却下 whose rejection fell in [from, to). */
  async rejectedBetween(db: Executor, from: Date, to: Date): Promise<Credit[]> {
    return db.selectFrom('credits').selectAll().where('status', '=', 'rejected').where('source', '=', 'self_report')
      .where('decided_at', '>=', from).where('decided_at', '<', to).orderBy('decided_at').orderBy('id').execute();
  }

  async findById(db: Executor, id: number, forUpdate = false): Promise<Credit | undefined> {
    let q = db.selectFrom('credits').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async insertCredit(db: Executor, row: {
    member_id: number; catalogue_id: number; source: CreditSource; status: CreditStatus; credits: number; activity_date: string;
    detail_title?: string; detail_source?: string; external_id?: string | null; decided_by?: number | null; decided_at?: Date | null;
  }): Promise<Credit> {
    return db.insertInto('credits').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async updateCredit(db: Executor, id: number, changes: Partial<Pick<Credit, 'status' | 'catalogue_id' | 'credits' | 'activity_date' | 'detail_title' | 'detail_source' | 'rejection_reason' | 'submitted_at' | 'decided_at' | 'decided_by'>> & { updated_at: Date }): Promise<void> {
    await db.updateTable('credits').set(changes).where('id', '=', id).execute();
  }

  async insertEvent(db: Executor, row: { credit_id: number; occurred_at: Date; actor_type: string; actor_id: number | null; action: string; from_status: string | null; to_status: string; comment?: string }): Promise<void> {
    await db.insertInto('credit_events').values(row).execute();
  }

  async events(db: Executor, creditId: number): Promise<CreditEvent[]> {
    return db.selectFrom('credit_events').selectAll().where('credit_id', '=', creditId).orderBy('id').execute();
  }

  async files(db: Executor, creditId: number): Promise<CreditFile[]> {
    return db.selectFrom('credit_files').selectAll().where('credit_id', '=', creditId).orderBy('id').execute();
  }

  async countFiles(db: Executor, creditId: number): Promise<number> {
    const row = await db.selectFrom('credit_files').select((eb) => eb.fn.countAll<string>().as('n')).where('credit_id', '=', creditId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertFile(db: Executor, row: { credit_id: number; stored_name: string; original_name: string; content_type: CreditFile['content_type']; size_bytes: number; sha256: string }): Promise<CreditFile> {
    return db.insertInto('credit_files').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** Every proof document of one member, newest first (the staff member page), one query. */
  async filesOfMember(db: Executor, memberId: number) {
    return db.selectFrom('credit_files as f').innerJoin('credits as c', 'c.id', 'f.credit_id')
      .select(['f.id', 'f.original_name', 'f.content_type', 'f.size_bytes', 'f.uploaded_at', 'c.control_no'])
      .where('c.member_id', '=', memberId).orderBy('f.uploaded_at', 'desc').orderBy('f.id', 'desc').execute();
  }

  async fileById(db: Executor, fileId: number): Promise<CreditFile | undefined> {
    return db.selectFrom('credit_files').selectAll().where('id', '=', fileId).executeTakeFirst();
  }

  /** 申請中 self-reports, oldest request first, with what the queue shows. */
  async reviewQueue(db: Executor, f: { kind?: CreditKind; olderThan?: Date }, limit: number, offset = 0) {
    let q = db
      .selectFrom('credits as c')
      .innerJoin('credit_catalogue as k', 'k.id', 'c.catalogue_id')
      .select(['c.id', 'c.control_no', 'c.member_id', 'c.credits', 'c.activity_date', 'c.submitted_at', 'c.detail_title', 'c.detail_source', 'k.code', 'k.name_ja', 'k.name_en', 'k.kind'])
      .select((eb) => eb.selectFrom('credit_files as f').select((e) => e.fn.min('f.id').as('first')).whereRef('f.credit_id', '=', 'c.id').as('first_file_id'))
      .where('c.status', '=', 'pending');
    if (f.kind) q = q.where('k.kind', '=', f.kind);
    if (f.olderThan) q = q.where('c.submitted_at', '<=', f.olderThan);
    return q.orderBy('c.submitted_at').orderBy('c.id').limit(limit).offset(offset).execute();
  }

  async countPending(db: Executor): Promise<number> {
    const row = await db.selectFrom('credits').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** 申請中 self-reports: how many, how many waited at least 7 and 14 days (the queue's age filters), and the oldest request. */
  async pendingAges(db: Executor, sevenDaysAgo: Date, fourteenDaysAgo: Date): Promise<{ total: number; over7: number; over14: number; oldest: Date | null }> {
    const row = await db.selectFrom('credits')
      .select([
        (eb) => eb.fn.countAll<string>().as('total'),
        sql<string>`count(*) FILTER (WHERE submitted_at <= ${sevenDaysAgo})`.as('over7'),
        sql<string>`count(*) FILTER (WHERE submitted_at <= ${fourteenDaysAgo})`.as('over14'),
        (eb) => eb.fn.min('submitted_at').as('oldest'),
      ])
      .where('status', '=', 'pending').executeTakeFirstOrThrow();
    return { total: Number(row.total), over7: Number(row.over7), over14: Number(row.over14), oldest: (row.oldest as Date | null) ?? null };
  }

  /** Credits in id order after `afterId` with their catalogue entry (the staff export, a batch at a time). */
  async page(db: Executor, f: CreditExportFilter, limit: number, afterId = 0) {
    let q = db.selectFrom('credits as c').innerJoin('credit_catalogue as k', 'k.id', 'c.catalogue_id')
      .select(['c.id', 'c.control_no', 'c.member_id', 'c.source', 'c.status', 'c.credits', 'c.activity_date', 'c.detail_title', 'c.detail_source', 'c.submitted_at', 'c.decided_at',
        'k.code', 'k.name_ja', 'k.name_en', 'k.category_code'])
      .where('c.id', '>', afterId);
    if (f.status) q = q.where('c.status', '=', f.status);
    if (f.from) q = q.where('c.activity_date', '>=', f.from);
    if (f.to) q = q.where('c.activity_date', '<=', f.to);
    return q.orderBy('c.id').limit(limit).execute();
  }
}

/** The filters of the credits export: status and the activity dates (inclusive). */
export interface CreditExportFilter {
  status?: CreditStatus;
  from?: string;
  to?: string;
}

export type CreditExportRow = Awaited<ReturnType<CreditsRepository['page']>>[number];
