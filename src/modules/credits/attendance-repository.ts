import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { CatalogueEntry, CheckinScan, CheckinScanResult, Credit } from '../../platform/db/schema';

export const MEETING_KINDS = ['annual_meeting', 'regional_meeting'] as const;

/** SQL of meeting check-in: the meetings, the once-only attendance credit, and the scan log. */
export class AttendanceRepository {
  /** Active meetings (学術集会・地方会), newest first. */
  async meetings(db: Executor): Promise<CatalogueEntry[]> {
    return db.selectFrom('credit_catalogue').selectAll().where('kind', 'in', [...MEETING_KINDS]).where('retired_at', 'is', null)
      .orderBy(sql`activity_from DESC NULLS LAST`).orderBy('id', 'desc').execute();
  }

  async meetingById(db: Executor, id: number): Promise<CatalogueEntry | undefined> {
    return db.selectFrom('credit_catalogue').selectAll().where('id', '=', id).where('kind', 'in', [...MEETING_KINDS]).where('retired_at', 'is', null)
      .executeTakeFirst();
  }

  /** A credit for this meeting already in the member's ledger from another source (an import, the secretariat). */
  async otherCredit(db: Executor, memberId: number, catalogueId: number): Promise<Credit | undefined> {
    return db.selectFrom('credits').selectAll().where('member_id', '=', memberId).where('catalogue_id', '=', catalogueId)
      .where('status', 'in', ['approved', 'pending']).limit(1).executeTakeFirst();
  }

  /** The attendance credit, or nothing when the member already has it (the unique index decides, also under races). */
  async insertAttendance(db: Executor, row: { memberId: number; catalogueId: number; credits: number; activityDate: string; now: Date; decidedBy: number | null }): Promise<Credit | undefined> {
    const result = await sql<Credit>`
      INSERT INTO credits (member_id, catalogue_id, source, status, credits, activity_date, decided_at, decided_by)
      VALUES (${row.memberId}, ${row.catalogueId}, 'attendance', 'approved', ${row.credits}, ${row.activityDate}::date, ${row.now}::timestamptz, ${row.decidedBy}::int)
      ON CONFLICT (member_id, catalogue_id) WHERE source = 'attendance' DO NOTHING
      RETURNING *`.execute(db);
    return result.rows[0];
  }

  async insertEvent(db: Executor, row: { credit_id: number; occurred_at: Date; actor_type: string; actor_id: number | null; comment: string }): Promise<void> {
    await db.insertInto('credit_events').values({ ...row, action: 'create', from_status: null, to_status: 'approved' }).execute();
  }

  async insertScan(db: Executor, row: { catalogue_id: number; input_kind: 'qr' | 'number'; member_number: string | null; member_id: number | null; result: CheckinScanResult; credit_id: number | null; staff_id: number; scanned_at: Date }): Promise<CheckinScan> {
    return db.insertInto('checkin_scans').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async recentScans(db: Executor, catalogueId: number, limit: number): Promise<CheckinScan[]> {
    return db.selectFrom('checkin_scans').selectAll().where('catalogue_id', '=', catalogueId).orderBy('scanned_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async countAttendance(db: Executor, catalogueId: number): Promise<number> {
    const row = await db.selectFrom('credits').select((eb) => eb.fn.countAll<string>().as('n')).where('catalogue_id', '=', catalogueId).where('source', '=', 'attendance')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
