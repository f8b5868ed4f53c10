import { type Insertable, sql, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { Application, ApplicationEvent, ApplicationFile, ApplicationsTable, ApplicationStatus } from '../../platform/db/schema';

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

  /** 留学 certificates uploaded (and not sent back) but not yet verified, oldest first (the secretariat's queue). */
  async certificatesToVerify(db: Executor): Promise<Application[]> {
    return db.selectFrom('applications').selectAll().where('abroad', '=', true).where('abroad_verified_at', 'is', null)
      .where((eb) => eb.exists(eb.selectFrom('application_files').select('id').whereRef('application_files.application_id', '=', 'applications.id')
        .where('application_files.kind', '=', 'enrollment_certificate').where('application_files.rejected_at', 'is', null)))
      .orderBy('updated_at').orderBy('id').execute();
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
}
