import type { Executor } from '../../platform/db/database';
import type { Notice } from '../../platform/db/schema';

export interface NoticeFields {
  title_ja: string;
  body_ja: string;
  title_en: string;
  body_en: string;
  publish_from: Date;
  publish_until: Date | null;
}

export class NoticesRepository {
  async published(db: Executor, now: Date, limit: number): Promise<Notice[]> {
    return db
      .selectFrom('notices')
      .selectAll()
      .where('publish_from', '<=', now)
      .where((eb) => eb.or([eb('publish_until', 'is', null), eb('publish_until', '>', now)]))
      .orderBy('publish_from', 'desc')
      .limit(limit)
      .execute();
  }

  async all(db: Executor): Promise<Notice[]> {
    return db.selectFrom('notices').selectAll().orderBy('publish_from', 'desc').limit(500).execute();
  }

  async findById(db: Executor, id: number, forUpdate = false): Promise<Notice | undefined> {
    let q = db.selectFrom('notices').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async insert(db: Executor, fields: NoticeFields, createdBy: number | null): Promise<Notice> {
    return db.insertInto('notices').values({ ...fields, created_by: createdBy }).returningAll().executeTakeFirstOrThrow();
  }

  async update(db: Executor, id: number, fields: NoticeFields, now: Date): Promise<void> {
    await db.updateTable('notices').set({ ...fields, updated_at: now }).where('id', '=', id).execute();
  }

  async delete(db: Executor, id: number): Promise<void> {
    await db.deleteFrom('notices').where('id', '=', id).execute();
  }
}
