import type { Executor } from '../../platform/db/database';
import type { StaffUser } from '../../platform/db/schema';
import type { StaffRole } from '../../platform/policy';

export class StaffRepository {
  async findById(db: Executor, id: number, forUpdate = false): Promise<StaffUser | undefined> {
    let q = db.selectFrom('staff_users').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async findByEmail(db: Executor, email: string): Promise<StaffUser | undefined> {
    return db.selectFrom('staff_users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  async list(db: Executor): Promise<StaffUser[]> {
    return db.selectFrom('staff_users').selectAll().orderBy('id').execute();
  }

  async insert(db: Executor, row: { email: string; display_name: string; role: StaffRole; password_hash?: string | null }): Promise<StaffUser> {
    return db.insertInto('staff_users').values({ ...row, email: row.email.toLowerCase() }).returningAll().executeTakeFirstOrThrow();
  }

  async update(db: Executor, id: number, changes: Partial<Pick<StaffUser, 'role' | 'password_hash' | 'totp_secret_enc' | 'totp_enrolled_at' | 'disabled_at' | 'last_login_at'>> & { totp_last_step?: number | null }): Promise<void> {
    await db.updateTable('staff_users').set(changes).where('id', '=', id).execute();
  }

  async replaceRecoveryCodes(db: Executor, staffId: number, codeHashes: string[]): Promise<void> {
    await db.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
    if (codeHashes.length) await db.insertInto('staff_recovery_codes').values(codeHashes.map((code_hash) => ({ staff_id: staffId, code_hash }))).execute();
  }

  /** Records a TOTP step as used; false when it (or a later one) was already used: no replay. */
  async useTotpStep(db: Executor, staffId: number, step: number): Promise<boolean> {
    const res = await db
      .updateTable('staff_users')
      .set({ totp_last_step: step })
      .where('id', '=', staffId)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', String(step))]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Spends a recovery code; true when it existed and was unused. */
  async useRecoveryCode(db: Executor, staffId: number, codeHash: string, now: Date): Promise<boolean> {
    const res = await db
      .updateTable('staff_recovery_codes')
      .set({ used_at: now })
      .where('staff_id', '=', staffId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async insertInvite(db: Executor, row: { staff_id: number; token_hash: string; expires_at: Date }): Promise<void> {
    await db.insertInto('staff_tokens').values({ ...row, purpose: 'invite' }).execute();
  }

  async findInvite(db: Executor, tokenHash: string, forUpdate = false) {
    let q = db.selectFrom('staff_tokens').selectAll().where('token_hash', '=', tokenHash).where('purpose', '=', 'invite');
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async useInvites(db: Executor, staffId: number, now: Date): Promise<void> {
    await db.updateTable('staff_tokens').set({ used_at: now }).where('staff_id', '=', staffId).where('used_at', 'is', null).execute();
  }
}
