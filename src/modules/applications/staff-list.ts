import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Application, ApplicationStatus, ApplicationType, Member, RenewalCycle } from '../../platform/db/schema';
import { dateOnly, tokyoDate } from '../../platform/japanese';
import type { MembersService } from '../members/service';
import { ApplicationsRepository } from './repository';

/** What the staff list of a cycle can show: its renewal targets, those not started, or the records in one status. */
export const LIST_STATUSES = ['targets', 'not_started', 'draft', 'submitted', 'completed', 'withdrawn', 'cancelled'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];
export const LIST_TYPES: readonly ApplicationType[] = ['renewal', 'withdrawal', 'initial'];

export interface ListFilter {
  status: ListStatus;
  type?: ApplicationType;
}

/** One row of the list: a member and (for a status) the record, or (for targets) the member's records of the cycle. */
export interface ListRow {
  member: Member;
  application?: Application;
  records: Application[];
}

export interface CycleFigures {
  /** Records of the cycle per 申請区分 and status. */
  counts: Record<ApplicationType, Partial<Record<ApplicationStatus, number>>>;
  /** Renewal targets with no record in the cycle (but cancelled ones). */
  notStarted: number;
}

/**
 * The secretariat's view of one renewal cycle's applications: the figures of the dashboard (aggregated in
 * SQL), the renewals submitted and completed per day, and the filtered list (and export) behind each figure.
 * Read only.
 */
export class ApplicationListService {
  private repo = new ApplicationsRepository();

  constructor(private deps: { db: Db; clock: Clock; members: MembersService }) {}

  async figures(cycle: RenewalCycle): Promise<CycleFigures> {
    const [rows, notStarted] = await Promise.all([
      this.repo.countsForCycle(this.deps.db, cycle.id), this.repo.countNotStarted(this.deps.db, { id: cycle.id, periodEnd: cycle.period_end }),
    ]);
    const counts: CycleFigures['counts'] = { renewal: {}, withdrawal: {}, initial: {} };
    for (const r of rows) counts[r.type][r.status] = r.count;
    return { counts, notStarted };
  }

  /** Renewals submitted and completed on each of the last `days` days (Tokyo), oldest first, zeros included. */
  async dailyTrend(cycle: RenewalCycle, days = 30): Promise<{ day: string; submitted: number; completed: number }[]> {
    const today = dateOnly(tokyoDate(this.deps.clock.now()));
    const first = new Date(today.getTime() - (days - 1) * 86_400_000);
    const from = new Date(`${first.toISOString().slice(0, 10)}T00:00:00+09:00`);
    const found = new Map((await this.repo.dailyCounts(this.deps.db, cycle.id, from)).map((r) => [r.day, r]));
    return Array.from({ length: days }, (_, i) => {
      const day = new Date(first.getTime() + i * 86_400_000).toISOString().slice(0, 10);
      return found.get(day) ?? { day, submitted: 0, completed: 0 };
    });
  }

  /** One page of the list in id order after `after` (a member id for targets / 未着手, else a record id); `next` when there is more. */
  async page(cycle: RenewalCycle, filter: ListFilter, limit: number, after = 0): Promise<{ rows: ListRow[]; next?: number }> {
    const { db, members } = this.deps;
    if (filter.status === 'targets' || filter.status === 'not_started') {
      const ids = filter.status === 'targets'
        ? (await members.page({ periodEnd: cycle.period_end }, limit + 1, after)).map((m) => m.id)
        : await this.repo.notStartedIds(db, { id: cycle.id, periodEnd: cycle.period_end }, limit + 1, after);
      const shown = ids.slice(0, limit);
      const [found, records] = await Promise.all([members.byIds(shown), this.repo.ofMembers(db, cycle.id, shown)]);
      const rows = shown.map((id) => ({ member: found.get(id)!, records: records.filter((a) => a.member_id === id) }));
      return { rows, next: ids.length > limit ? shown[shown.length - 1] : undefined };
    }
    const records = await this.repo.staffPage(db, { cycleId: cycle.id, status: filter.status, type: filter.type }, limit + 1, after);
    const shown = records.slice(0, limit);
    const found = await members.byIds(shown.map((a) => a.member_id));
    return { rows: shown.map((a) => ({ member: found.get(a.member_id)!, application: a, records: [a] })), next: records.length > limit ? shown[shown.length - 1]!.id : undefined };
  }

  /** The whole list, a batch at a time (keyset: constant memory at any size). */
  async *batches(cycle: RenewalCycle, filter: ListFilter, size = 2000): AsyncGenerator<ListRow[]> {
    let after = 0;
    for (;;) {
      const { rows, next } = await this.page(cycle, filter, size, after);
      if (rows.length > 0) yield rows;
      if (next === undefined) return;
      after = next;
    }
  }
}
