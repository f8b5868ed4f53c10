import { type Insertable, sql, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { Application, ApplicationEvent, ApplicationFile, ApplicationsTable, ApplicationStatus, ApplicationType } from '../../platform/db/schema';

export type NewApplication = Insertable<ApplicationsTable>;
export type ApplicationChanges = Omit<Updateable<ApplicationsTable>, 'id' | 'application_no' | 'member_id' | 'type' | 'created_at'>;

export class ApplicationsRepository {
  /**
   * Serialises every decision of one member (create, submit, withdraw) for the caller's transaction, so two
   * drafts submitted at once, or a submission racing a withdrawal, are decided one after the other.
   */
  async lockMember(db: Executor, memberId: number): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('applications'), ${memberId})`.execute(db);
  }

  async insert(db: Executor, row: NewApplication): Promise<Application> {
    return db.insertInto('applications').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async forMember(db: Executor, memberId: number): Promise<Application[]> {
    return db.selectFrom('applications').selectAll().where('member_id', '=', memberId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  }

  /** One record by 申請番号, only the member's own; `forUpdate` locks it for the caller's transaction. */
  async findForMember(db: Executor, memberId: number, applicationNo: string, forUpdate = false): Promise<Application | undefined> {
    let q = db.selectFrom('applications').selectAll().where('member_id', '=', memberId).where('application_no', '=', applicationNo);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async findById(db: Executor, id: number, forUpdate = false): Promise<Application | undefined> {
    let q = db.selectFrom('applications').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** The member's records of one cycle in given states (e.g. a withdrawal already made, a renewal already submitted). */
  async forCycle(db: Executor, memberId: number, cycleId: number, statuses: ApplicationStatus[], forUpdate = false): Promise<Application[]> {
    let q = db.selectFrom('applications').selectAll().where('member_id', '=', memberId).where('cycle_id', '=', cycleId).where('status', 'in', statuses).orderBy('id');
    if (forUpdate) q = q.forUpdate();
    return q.execute();
  }

  /** How many records of a cycle (any member) are in these states: the cycle admin locks its rules once one is submitted. */
  async countInCycle(db: Executor, cycleId: number, statuses: ApplicationStatus[]): Promise<number> {
    const row = await db.selectFrom('applications').select((eb) => eb.fn.countAll<string>().as('n')).where('cycle_id', '=', cycleId).where('status', 'in', statuses).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Members with any record in the cycle (a draft, a submission, a withdrawal; cancelled ones aside). */
  async memberIdsInCycle(db: Executor, cycleId: number): Promise<number[]> {
    const rows = await db.selectFrom('applications').select('member_id').distinct().where('cycle_id', '=', cycleId).where('status', '!=', 'cancelled').execute();
    return rows.map((r) => r.member_id);
  }

  async update(db: Executor, id: number, changes: ApplicationChanges): Promise<void> {
    await db.updateTable('applications').set(changes).where('id', '=', id).execute();
  }

  async delete(db: Executor, id: number): Promise<void> {
    await db.deleteFrom('applications').where('id', '=', id).execute();
  }

  async insertEvent(db: Executor, row: { application_id: number; occurred_at: Date; actor_type: string; actor_id: number | null; action: string; from_status: ApplicationStatus | null; to_status: ApplicationStatus; detail?: string }): Promise<void> {
    await db.insertInto('application_events').values(row).execute();
  }

  async events(db: Executor, applicationId: number): Promise<ApplicationEvent[]> {
    return db.selectFrom('application_events').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
  }

  async insertFile(db: Executor, row: Omit<ApplicationFile, 'id' | 'uploaded_at' | 'rejected_at' | 'rejected_reason'>): Promise<ApplicationFile> {
    return db.insertInto('application_files').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async files(db: Executor, applicationId: number): Promise<ApplicationFile[]> {
    return db.selectFrom('application_files').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
  }

  async file(db: Executor, applicationId: number, fileId: number): Promise<ApplicationFile | undefined> {
    return db.selectFrom('application_files').selectAll().where('application_id', '=', applicationId).where('id', '=', fileId).executeTakeFirst();
  }

  /** The renewals of a cycle that reached 更新完了, oldest completion first (専門医証 are issued for these). */
  async completedRenewals(db: Executor, cycleId: number): Promise<Application[]> {
    return db.selectFrom('applications').selectAll().where('cycle_id', '=', cycleId).where('type', '=', 'renewal').where('status', '=', 'completed')
      .orderBy('completed_at').orderBy('id').execute();
  }

  /** 留学 certificates uploaded (and not sent back) but not yet verified, oldest first (the secretariat's queue). */
  async certificatesToVerify(db: Executor): Promise<Application[]> {
    return db.selectFrom('applications').selectAll().where('abroad', '=', true).where('abroad_verified_at', 'is', null)
      .where((eb) => eb.exists(eb.selectFrom('application_files').select('id').whereRef('application_files.application_id', '=', 'applications.id')
        .where('application_files.kind', '=', 'enrollment_certificate').where('application_files.rejected_at', 'is', null)))
      .orderBy('updated_at').orderBy('id').execute();
  }

  // ── The secretariat's figures and lists (aggregated in SQL, read a page at a time) ─────────────────

  /** How many records of a cycle per 申請区分 and status. */
  async countsForCycle(db: Executor, cycleId: number): Promise<{ type: ApplicationType; status: ApplicationStatus; count: number }[]> {
    const rows = await db.selectFrom('applications').select(['type', 'status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('cycle_id', '=', cycleId).groupBy(['type', 'status']).execute();
    return rows.map((r) => ({ type: r.type, status: r.status, count: Number(r.n) }));
  }

  /**
   * The cycle's renewal targets (members whose period ends on the cycle's period end) with no record in it
   * but cancelled ones: 未着手. The one query of this module that reads the members table (decisions/0018):
   * an anti-join is the only way to count and page them without passing 30,000 ids around.
   */
  private notStartedQuery(db: Executor, cycle: { id: number; periodEnd: string }) {
    return db.selectFrom('members as m').where('m.cert_period_end', '=', cycle.periodEnd)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('applications as a').select('a.id').whereRef('a.member_id', '=', 'm.id')
        .where('a.cycle_id', '=', cycle.id).where('a.status', '<>', 'cancelled'))));
  }

  async countNotStarted(db: Executor, cycle: { id: number; periodEnd: string }): Promise<number> {
    const row = await this.notStartedQuery(db, cycle).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** 未着手 members' ids in id order after `afterId`. */
  async notStartedIds(db: Executor, cycle: { id: number; periodEnd: string }, limit: number, afterId = 0): Promise<number[]> {
    const rows = await this.notStartedQuery(db, cycle).select('m.id').where('m.id', '>', afterId).orderBy('m.id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** Renewals submitted and completed per day (Tokyo) since `from`. */
  async dailyCounts(db: Executor, cycleId: number, from: Date): Promise<{ day: string; submitted: number; completed: number }[]> {
    const per = (column: 'submitted_at' | 'completed_at') => db.selectFrom('applications')
      .select([sql<string>`(${sql.ref(column)} AT TIME ZONE 'Asia/Tokyo')::date`.as('day'), (eb) => eb.fn.countAll<string>().as('n')])
      .where('cycle_id', '=', cycleId).where('type', '=', 'renewal').where(column, '>=', from).groupBy('day').execute();
    const [submitted, completed] = await Promise.all([per('submitted_at'), per('completed_at')]);
    const days = new Map<string, { day: string; submitted: number; completed: number }>();
    const at = (day: string) => days.get(day) ?? days.set(day, { day, submitted: 0, completed: 0 }).get(day)!;
    for (const r of submitted) at(String(r.day)).submitted = Number(r.n);
    for (const r of completed) at(String(r.day)).completed = Number(r.n);
    return [...days.values()];
  }

  /** A cycle's records in one status (and 申請区分) in id order after `afterId` (the staff list and export). */
  async staffPage(db: Executor, f: { cycleId: number; status?: ApplicationStatus; type?: ApplicationType }, limit: number, afterId = 0): Promise<Application[]> {
    let q = db.selectFrom('applications').selectAll().where('cycle_id', '=', f.cycleId).where('id', '>', afterId);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.type) q = q.where('type', '=', f.type);
    return q.orderBy('id').limit(limit).execute();
  }

  /** The records of a cycle of some members (a page of the 未着手 or 更新対象 list shows theirs). */
  async ofMembers(db: Executor, cycleId: number, memberIds: number[]): Promise<Application[]> {
    if (memberIds.length === 0) return [];
    return db.selectFrom('applications').selectAll().where('cycle_id', '=', cycleId).where(sql<boolean>`member_id = ANY(${memberIds}::int[])`).orderBy('id').execute();
  }

  /** 再提出を依頼: the current certificates stop counting (kept, marked, for the record). */
  async rejectCertificates(db: Executor, applicationId: number, reason: string, now: Date): Promise<number> {
    const res = await db.updateTable('application_files').set({ rejected_at: now, rejected_reason: reason })
      .where('application_id', '=', applicationId).where('kind', '=', 'enrollment_certificate').where('rejected_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Every file of every application of one member, newest first (the staff member page), one query. */
  async filesOfMember(db: Executor, memberId: number) {
    return db.selectFrom('application_files as f').innerJoin('applications as a', 'a.id', 'f.application_id')
      .select(['f.id', 'f.application_id', 'f.kind', 'f.original_name', 'f.content_type', 'f.size_bytes', 'f.uploaded_at', 'f.rejected_at', 'a.application_no'])
      .where('a.member_id', '=', memberId).orderBy('f.uploaded_at', 'desc').orderBy('f.id', 'desc').execute();
  }

  /**
   * Renewals whose granted period has begun (on or before `today`) but whose member still holds another
   * period: the daily switch on 1 April. Reads members' current period (read only, like decisions/0018's
   * anti-join) so the run touches only the members that still need it.
   */
  async periodsToStart(db: Executor, today: string, limit: number): Promise<{ member_id: number; start: string; end: string }[]> {
    const rows = await db.selectFrom('applications as a').innerJoin('members as m', 'm.id', 'a.member_id')
      .select(['a.member_id', 'a.granted_period_start', 'a.granted_period_end'])
      .where('a.type', '=', 'renewal').where('a.status', '=', 'completed')
      .where('a.granted_period_start', '<=', today).where('a.granted_period_end', '>=', today)
      .where((eb) => eb.or([eb('m.cert_period_start', 'is', null), eb('m.cert_period_start', '<>', eb.ref('a.granted_period_start'))]))
      .orderBy('a.member_id').limit(limit).execute();
    return rows.map((r) => ({ member_id: r.member_id, start: r.granted_period_start!, end: r.granted_period_end! }));
  }
}
