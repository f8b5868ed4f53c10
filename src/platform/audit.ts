import type { Executor } from './db/database';
import type { AuditRow } from './db/schema';

/** Who did something: the member, a staff user, the system (jobs), or nobody logged in. */
export interface Actor {
  type: 'member' | 'staff' | 'system' | 'anonymous';
  id: number | null;
  ip?: string;
  requestId?: string;
}

export const systemActor: Actor = { type: 'system', id: null };

export interface AuditEntry {
  action: string;
  subjectType?: string;
  subjectId?: string | number;
  memberId?: number | null;
  before?: unknown;
  after?: unknown;
  detail?: unknown;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/**
 * The one way to write the audit trail. Call it with the transaction that makes the change, so the
 * record and the change commit together or not at all. Never pass passwords or tokens in it.
 */
export async function audit(db: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  await auditMany(db, actor, [entry]);
}

/** Several entries by one actor in one statement per 1,000 (bulk work such as a payment import). */
export async function auditMany(db: Executor, actor: Actor, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000) {
    await db
      .insertInto('audit_log')
      .values(entries.slice(i, i + 1000).map((entry) => ({
        actor_type: actor.type,
        actor_id: actor.id,
        action: entry.action,
        subject_type: entry.subjectType ?? null,
        subject_id: entry.subjectId === undefined ? null : String(entry.subjectId),
        member_id: entry.memberId ?? null,
        ip: actor.ip ?? null,
        request_id: actor.requestId ?? null,
        before: json(entry.before),
        after: json(entry.after),
        detail: json(entry.detail),
      })))
      .execute();
  }
}

/**
 * The trail of one member (everything that changed on them or their records), newest first, one page:
 * `more` says whether an older page exists. Reads the (member_id, occurred_at) index.
 */
export async function auditTrailOfMember(db: Executor, memberId: number, page: { limit: number; offset: number }): Promise<{ rows: AuditRow[]; more: boolean }> {
  const rows = await db.selectFrom('audit_log').selectAll().where('member_id', '=', memberId)
    .orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).offset(page.offset).execute();
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}
