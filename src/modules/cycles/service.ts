import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { RenewalCycle } from '../../platform/db/schema';
import { fiscalYearOf } from '../../platform/japanese';
import { CyclesRepository } from './repository';

export type { RenewalCycle };

/**
 * Renewal cycles as data (2026年度更新 …): which periods they renew and the numbers the rules read.
 * The renewal issue extends this module (window, fees, due dates); the back office edits it.
 */
export class CyclesService {
  private repo = new CyclesRepository();

  constructor(private deps: { db: Db; clock: Clock }) {}

  /**
   * The cycle whose rules apply to a member: the one that renews the member's current period, or,
   * for a member not due yet, the newest cycle up to this fiscal year (its numbers are the standing rules).
   */
  async forPeriodEnd(periodEnd: string | null): Promise<RenewalCycle | undefined> {
    const { db, clock } = this.deps;
    const own = periodEnd ? await this.repo.byPeriodEnd(db, periodEnd) : undefined;
    return own ?? (await this.repo.latestUpTo(db, fiscalYearOf(clock.now())));
  }

  seed(row: Parameters<CyclesRepository['insert']>[1]): Promise<void> {
    return this.repo.insert(this.deps.db, row);
  }
}
