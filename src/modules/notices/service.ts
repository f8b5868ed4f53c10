import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Notice } from '../../platform/db/schema';
import { notFound } from '../../platform/errors';
import { type NoticeFields, NoticesRepository } from './repository';

export type { Notice, NoticeFields };
export type NoticeStatus = 'live' | 'scheduled' | 'ended';

/** お知らせ on the member home page, managed by the secretariat with a publish window. */
export class NoticesService {
  private repo = new NoticesRepository();

  constructor(private deps: { db: Db; clock: Clock }) {}

  /** The default start of a new notice's publish window. */
  now(): Date {
    return this.deps.clock.now();
  }

  published(limit = 20): Promise<Notice[]> {
    return this.repo.published(this.deps.db, this.deps.clock.now(), limit);
  }

  all(): Promise<Notice[]> {
    return this.repo.all(this.deps.db);
  }

  status(notice: Notice): NoticeStatus {
    const now = this.deps.clock.now().getTime();
    if (notice.publish_from.getTime() > now) return 'scheduled';
    if (notice.publish_until && notice.publish_until.getTime() <= now) return 'ended';
    return 'live';
  }

  async get(id: number): Promise<Notice> {
    const notice = await this.repo.findById(this.deps.db, id);
    if (!notice) throw notFound('notice');
    return notice;
  }

  async create(actor: Actor, fields: NoticeFields): Promise<Notice> {
    return this.deps.db.transaction().execute(async (tx) => {
      const notice = await this.repo.insert(tx, fields, actor.type === 'staff' ? actor.id : null);
      await audit(tx, actor, { action: 'notice.created', subjectType: 'notice', subjectId: notice.id, after: fields });
      return notice;
    });
  }

  async update(actor: Actor, id: number, fields: NoticeFields): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const before = await this.repo.findById(tx, id, true);
      if (!before) throw notFound('notice');
      await this.repo.update(tx, id, fields, this.deps.clock.now());
      await audit(tx, actor, { action: 'notice.updated', subjectType: 'notice', subjectId: id, before, after: fields });
    });
  }

  async delete(actor: Actor, id: number): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const before = await this.repo.findById(tx, id, true);
      if (!before) throw notFound('notice');
      await this.repo.delete(tx, id);
      await audit(tx, actor, { action: 'notice.deleted', subjectType: 'notice', subjectId: id, before });
    });
  }
}
