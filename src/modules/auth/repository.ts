import type { Executor } from '../../platform/db/database';

/** Member credentials and reset links: the auth module's own tables. */
export class AuthRepository {
  async passwordHash(db: Executor, memberId: number): Promise<string | undefined> {
    const row = await db.selectFrom('member_credentials').select('password_hash').where('member_id', '=', memberId).executeTakeFirst();
    return row?.password_hash;
  }

  async setPasswordHash(db: Executor, memberId: number, passwordHash: string, now: Date): Promise<void> {
    await db
      .insertInto('member_credentials')
      .values({ member_id: memberId, password_hash: passwordHash, updated_at: now })
      .onConflict((oc) => oc.column('member_id').doUpdateSet({ password_hash: passwordHash, updated_at: now }))
      .execute();
  }

  async insertResetToken(db: Executor, row: { member_id: number; token_hash: string; expires_at: Date; created_at: Date }): Promise<void> {
    await db.insertInto('password_reset_tokens').values(row).execute();
  }

  async countRecentResetTokens(db: Executor, memberId: number, since: Date): Promise<number> {
    const row = await db
      .selectFrom('password_reset_tokens')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('member_id', '=', memberId)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findResetToken(db: Executor, tokenHash: string, forUpdate = false) {
    let q = db.selectFrom('password_reset_tokens').selectAll().where('token_hash', '=', tokenHash);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** A password set through one link spends every other open link of the member too. */
  async useAllResetTokens(db: Executor, memberId: number, now: Date): Promise<void> {
    await db.updateTable('password_reset_tokens').set({ used_at: now }).where('member_id', '=', memberId).where('used_at', 'is', null).execute();
  }
}
