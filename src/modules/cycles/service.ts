import type { Clock } from '../../platform/clock';
import type { Db, Executor } from '../../platform/db/database';
import type { RenewalCycle } from '../../platform/db/schema';
import { fiscalYearOf } from '../../platform/japanese';
import { CyclesRepository, type NewCycle } from './repository';

export type { NewCycle, RenewalCycle };

/**
 * Renewal cycles as data (2026年度更新 …): which periods they renew and the numbers the rules read.
 * The renewal issue extends this module (window, fees, due dates); the back office edits it.
 */
/** Cycles change a few times a year; each process reads one at most once a minute per period end. */
const CYCLE_TTL_MS = 60_000;

export class CyclesService {
  private repo = new CyclesRepository();
  private cache = new Map<string, { at: number; cycle: Promise<RenewalCycle | undefined> }>();

  constructor(private deps: { db: Db; clock: Clock }) {}

  /**
   * The cycle whose rules apply to a member: the one that renews the member's current period, or,
   * for a member not due yet, the newest cycle up to this fiscal year (its numbers are the standing rules).
   */
  forPeriodEnd(periodEnd: string | null): Promise<RenewalCycle | undefined> {
    const key = `${periodEnd ?? ''}|${fiscalYearOf(this.deps.clock.now())}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CYCLE_TTL_MS) return hit.cycle;
    const cycle = this.lookup(periodEnd);
    cycle.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: now, cycle });
    return cycle;
  }

  private async lookup(periodEnd: string | null): Promise<RenewalCycle | undefined> {
    const { db, clock } = this.deps;
    const own = periodEnd ? await this.repo.byPeriodEnd(db, periodEnd) : undefined;
    return own ?? (await this.repo.latestUpTo(db, fiscalYearOf(clock.now())));
  }

  /** The cycle that renews exactly this period end (a renewal target's own cycle), or undefined. */
  async renewing(periodEnd: string | null): Promise<RenewalCycle | undefined> {
    const cycle = await this.forPeriodEnd(periodEnd);
    return cycle && periodEnd && cycle.period_end === periodEnd ? cycle : undefined;
  }

  /** The cycle of this fiscal year (or the newest before it): the one the secretariat's dashboard reports on. */
  current(): Promise<RenewalCycle | undefined> {
    return this.forPeriodEnd(null);
  }

  /** Every cycle, newest first (the staff filters' choices). */
  all(): Promise<RenewalCycle[]> {
    return this.repo.all(this.deps.db);
  }

  byFiscalYear(fiscalYear: number): Promise<RenewalCycle | undefined> {
    return this.repo.byFiscalYear(this.deps.db, fiscalYear);
  }

  /** Through the executor given: the caller's transaction inside one, `this.deps.db` outside (decisions/0027). */
  byId(db: Executor, id: number): Promise<RenewalCycle | undefined> {
    return this.repo.byId(db, id);
  }

  /** After a cycle is created or edited (after commit): this process reads the new values at once. */
  forget(): void {
    this.cache.clear();
  }

  async seed(row: NewCycle): Promise<void> {
    await this.repo.insert(this.deps.db, row);
    this.cache.clear();
  }
}
