import { type Selectable, sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { ApiRequestsTable, ApiTokensTable } from '../../platform/db/schema';

export type ApiToken = Selectable<ApiTokensTable>;
export type ApiRequest = Selectable<ApiRequestsTable>;

/** A token as the admin list shows it, with the name of the staff member who created it. */
export type ApiTokenRow = ApiToken & { created_by_name: string };

export class ApiRepository {
  // ── Tokens ───────────────────────────────────────────────────────────────────────────────────────
  async insertToken(db: Executor, row: { name: string; token_hash: string; token_prefix: string; created_by: number; created_at: Date }): Promise<ApiToken> {
    return db.insertInto('api_tokens').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async listTokens(db: Executor): Promise<ApiTokenRow[]> {
    return db
      .selectFrom('api_tokens as t')
      .innerJoin('staff_users as s', 's.id', 't.created_by')
      .selectAll('t')
      .select('s.display_name as created_by_name')
      .orderBy(sql`t.revoked_at IS NOT NULL`)
      .orderBy('t.id', 'desc')
      .execute();
  }

  async findTokenById(db: Executor, id: number, forUpdate = false): Promise<ApiToken | undefined> {
    let q = db.selectFrom('api_tokens').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** A token that may still be used: by its hash, not revoked. */
  async findActiveByHash(db: Executor, tokenHash: string): Promise<ApiToken | undefined> {
    return db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
  }

  async revoke(db: Executor, id: number, at: Date): Promise<void> {
    await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
  }

  /** last_used_at is written at most once a minute per token, so a burst of calls is not a burst of writes. */
  async touch(db: Executor, id: number, at: Date): Promise<void> {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(at.getTime() - 60_000))]))
      .execute();
  }

  // ── Idempotency records ──────────────────────────────────────────────────────────────────────────
  /** Takes the key for this request; undefined when another request holds it already. */
  async reserve(db: Executor, row: { token_id: number; idempotency_key: string; request_hash: string; created_at: Date }): Promise<ApiRequest | undefined> {
    return db
      .insertInto('api_requests')
      .values(row)
      .onConflict((oc) => oc.columns(['token_id', 'idempotency_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  async findRequest(db: Executor, tokenId: number, key: string): Promise<ApiRequest | undefined> {
    return db.selectFrom('api_requests').selectAll().where('token_id', '=', tokenId).where('idempotency_key', '=', key).executeTakeFirst();
  }

  /**
   * Takes over a reservation whose request never completed (its process died) and that is older than
   * `staleBefore`; true when this request now holds it.
   */
  async takeOver(db: Executor, id: string, staleBefore: Date, at: Date): Promise<boolean> {
    const res = await db
      .updateTable('api_requests')
      .set({ created_at: at })
      .where('id', '=', id)
      .where('response_status', 'is', null)
      .where('created_at', '<', staleBefore)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async complete(db: Executor, id: string, status: number, body: unknown, at: Date): Promise<void> {
    await db.updateTable('api_requests').set({ response_status: status, response_body: JSON.stringify(body), completed_at: at }).where('id', '=', id).execute();
  }

  /** Gives the key back: the request changed nothing, so a retry must run again. */
  async release(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('api_requests').where('id', '=', id).where('response_status', 'is', null).execute();
  }
}
