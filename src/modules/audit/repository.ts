import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { AuditLogTable } from '../../platform/db/schema';

/** What a page of the audit trail asks for; every field narrows it. */
export interface AuditQuery {
  memberId?: number;
  actorType?: AuditLogTable['actor_type'];
  actorId?: number;
  actionPrefix?: string;
  /** occurred_at ≥ from and < until (the JST days already turned into instants). */
  from?: Date;
  until?: Date;
  /** Keyset: rows older than this one. */
  after?: AuditCursor;
}

/** A row's place in the newest-first order: its time at full (microsecond) precision and its id. */
export interface AuditCursor {
  at: string;
  id: string;
}

export interface AuditRow {
  id: string;
  occurred_at: Date;
  /** occurred_at in UTC with microseconds: a cursor must not lose the digits a JS Date drops. */
  at: string;
  actor_type: AuditLogTable['actor_type'];
  actor_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  member_id: number | null;
  ip: string | null;
  request_id: string | null;
  before: unknown;
  after: unknown;
  detail: unknown;
}

/** LIKE pattern for "starts with": the prefix's own %, _ and \ are literal. */
const prefixPattern = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Reads the audit trail. It never writes: audit_log rows are inserted by platform/audit.ts only. */
export class AuditTrailRepository {
  async page(db: Executor, q: AuditQuery, limit: number): Promise<AuditRow[]> {
    let query = db
      .selectFrom('audit_log')
      .select(['id', 'occurred_at', 'actor_type', 'actor_id', 'action', 'subject_type', 'subject_id', 'member_id', 'ip', 'request_id', 'before', 'after', 'detail'])
      .select(sql<string>`to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at'));
    if (q.memberId !== undefined) query = query.where('member_id', '=', q.memberId);
    if (q.actorType) query = query.where('actor_type', '=', q.actorType);
    if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
    if (q.actionPrefix) query = query.where(sql<boolean>`action LIKE ${prefixPattern(q.actionPrefix)}`);
    if (q.from) query = query.where('occurred_at', '>=', q.from);
    if (q.until) query = query.where('occurred_at', '<', q.until);
    if (q.after) query = query.where(sql<boolean>`(occurred_at, id) < (${q.after.at}::timestamptz, ${q.after.id}::bigint)`);
    return query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(limit).execute() as Promise<AuditRow[]>;
  }
}
