import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Notice } from '../../platform/db/schema';
import { notFound } from '../../platform/errors';
import { type NoticeFields, NoticesRepository } from './repository';

export type { Notice, NoticeFields };
export type NoticeStatus = 'live' | 'scheduled' | 'ended';

/** お知らせ on the member home page, managed by the secretariat with a publish window. */
/**
 * Every member's home page shows the same published notices, so they are read once per 30 s per process
 * (and at once after a change made through this process); another instance's change shows within 30 s.
 */
const PUBLISHED_TTL_MS = 30_000;

export class NoticesService {
  private repo = new NoticesRepository();
  private cache?: { at: number; limit: number; notices: Promise<Notice[]> };

  constructor(private deps: { db: Db; clock: Clock }) {}

  /** The default start of a new notice's publish window. */
  now(): Date {
    return this.deps.clock.now();
  }

  published(limit = 20): Promise<Notice[]> {
    const now = this.deps.clock.now();
    const hit = this.cache;
    if (hit && hit.limit === limit && now.getTime() - hit.at < PUBLISHED_TTL_MS && now.getTime() >= hit.at) {
      // A cached list may hold a notice whose window has ended since; drop it, never show it late.
      return hit.notices.then((list) => list.filter((n) => !n.publish_until || n.publish_until > now));
    }
    const notices = this.repo.published(this.deps.db, now, limit);
    this.cache = { at: now.getTime(), limit, notices };
    notices.catch(() => (this.cache = undefined));
    return notices;
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

  /** After a committed change, the next home page reads the notices again. */
  private async changed<T>(work: Promise<T>): Promise<T> {
    const result = await work;
    this.cache = undefined;
    return result;
  }

  async create(actor: Actor, fields: NoticeFields): Promise<Notice> {
    return this.changed(this.deps.db.transaction().execute(async (tx) => {
      const notice = await this.repo.insert(tx, fields, actor.type === 'staff' ? actor.id : null);
      await audit(tx, actor, { action: 'notice.created', subjectType: 'notice', subjectId: notice.id, after: fields });
      return notice;
    }));
  }

  async update(actor: Actor, id: number, fields: NoticeFields): Promise<void> {
    await this.changed(this.deps.db.transaction().execute(async (tx) => {
      const before = await this.repo.findById(tx, id, true);
      if (!before) throw notFound('notice');
      await this.repo.update(tx, id, fields, this.deps.clock.now());
      await audit(tx, actor, { action: 'notice.updated', subjectType: 'notice', subjectId: id, before, after: fields });
    }));
  }

  async delete(actor: Actor, id: number): Promise<void> {
    await this.changed(this.deps.db.transaction().execute(async (tx) => {
      const before = await this.repo.findById(tx, id, true);
      if (!before) throw notFound('notice');
      await this.repo.delete(tx, id);
      await audit(tx, actor, { action: 'notice.deleted', subjectType: 'notice', subjectId: id, before });
    }));
  }
}
