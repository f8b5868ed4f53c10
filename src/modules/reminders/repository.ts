import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { ReminderKind, ReminderTopic } from '../../platform/db/schema';

export class RemindersRepository {
  /**
   * Claims (member, kind, event) rows; returns only those this call inserted. A row claimed by another run,
   * even one not committed yet, waits for it and is then skipped: whoever claims a row sends its mail.
   */
  async claim(db: Executor, kind: ReminderKind, rows: { memberId: number; eventKey: string }[], now: Date): Promise<{ member_id: number; event_key: string }[]> {
    if (rows.length === 0) return [];
    return db.insertInto('reminders_sent')
      .values(rows.map((r) => ({ member_id: r.memberId, kind, event_key: r.eventKey, sent_at: now })))
      .onConflict((oc) => oc.columns(['member_id', 'kind', 'event_key']).doNothing())
      .returning(['member_id', 'event_key'])
      .execute();
  }

  async setMailIds(db: Executor, kind: ReminderKind, rows: { memberId: number; eventKey: string; mailId: number }[]): Promise<void> {
    if (rows.length === 0) return;
    await sql`
      UPDATE reminders_sent AS r SET mail_id = u.mail_id
      FROM unnest(${rows.map((r) => r.memberId)}::int[], ${rows.map((r) => r.eventKey)}::text[], ${rows.map((r) => r.mailId)}::int[]) AS u(member_id, event_key, mail_id)
      WHERE r.kind = ${kind} AND r.member_id = u.member_id AND r.event_key = u.event_key`.execute(db);
  }

  /** Of these members, those who switched the topic off (one query per batch). */
  async optedOut(db: Executor, topic: ReminderTopic, memberIds: number[]): Promise<Set<number>> {
    if (memberIds.length === 0) return new Set();
    const rows = await db.selectFrom('reminder_opt_outs').select('member_id').where('topic', '=', topic)
      .where(sql<boolean>`member_id = ANY(${memberIds}::int[])`).execute();
    return new Set(rows.map((r) => r.member_id));
  }

  async topicsOff(db: Executor, memberId: number): Promise<ReminderTopic[]> {
    return (await db.selectFrom('reminder_opt_outs').select('topic').where('member_id', '=', memberId).orderBy('topic').execute()).map((r) => r.topic);
  }

  async lockMember(db: Executor, memberId: number): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('reminders.prefs'), ${memberId})`.execute(db);
  }

  async setTopicsOff(db: Executor, memberId: number, topics: ReminderTopic[], now: Date): Promise<void> {
    await db.deleteFrom('reminder_opt_outs').where('member_id', '=', memberId).execute();
    if (topics.length > 0) await db.insertInto('reminder_opt_outs').values(topics.map((topic) => ({ member_id: memberId, topic, created_at: now }))).execute();
  }
}
