import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 監査担当 (auditor): reads every staff page and export, changes nothing (decisions/0016).
  await sql`ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check`.execute(db);
  await sql`ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check CHECK (role IN ('staff', 'admin', 'auditor'))`.execute(db);

  // 監査ログ (/staff/audit): newest first in keyset pages of (occurred_at, id), alone or by member, actor,
  // action prefix or a range of days. Each filter has the index that reads one page, not the whole log.
  await sql`CREATE INDEX audit_log_recent ON audit_log (occurred_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX audit_log_member_page ON audit_log (member_id, occurred_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX audit_log_actor ON audit_log (actor_type, actor_id, occurred_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX audit_log_action_prefix ON audit_log (action text_pattern_ops)`.execute(db);
}
