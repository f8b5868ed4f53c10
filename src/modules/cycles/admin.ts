import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db, Executor } from '../../platform/db/database';
import type { RenewalCycle } from '../../platform/db/schema';
import { notFound, RuleViolation } from '../../platform/errors';
import { fiscalYearOf } from '../../platform/japanese';
import { CyclesRepository } from './repository';
import { changedFields, type CycleField, type CycleValues, nextCycleOf, refusedChanges, valuesOf } from './rules';
import type { CyclesService } from './service';

export interface CycleRow {
  cycle: RenewalCycle;
  /** Renewals 更新申請完了 or 更新完了 in this cycle: above zero, the rules are locked. */
  submitted: number;
}

/** A change the lock refused: which fields, for the message and the read-only form. */
export class CycleLocked extends RuleViolation {
  constructor(readonly fields: CycleField[]) {
    super('cycles.locked', { fields: fields.length }, 'conflict');
  }
}

/**
 * 更新サイクルの管理 (administrators): the list, 次年度のサイクルを作成 by cloning, and the edit with its lock.
 * Applications are asked through the function app.tsx passes (ApplicationsService.submittedInCycle): the
 * applications module reads cycles, so this one cannot take its service at construction.
 */
export class CycleAdminService {
  private repo = new CyclesRepository();

  constructor(private deps: { db: Db; clock: Clock; cycles: CyclesService; submittedInCycle: (db: Executor, cycleId: number) => Promise<number> }) {}

  /** Newest first, with the current cycle: the newest up to this fiscal year (the one next year's is cloned from). */
  async list(): Promise<{ rows: CycleRow[]; current?: RenewalCycle }> {
    const cycles = await this.repo.all(this.deps.db);
    const rows = await Promise.all(cycles.map(async (cycle) => ({ cycle, submitted: await this.deps.submittedInCycle(this.deps.db, cycle.id) })));
    const thisYear = fiscalYearOf(this.deps.clock.now());
    return { rows, current: cycles.find((c) => c.fiscal_year <= thisYear) ?? cycles[cycles.length - 1] };
  }

  async get(id: number): Promise<CycleRow> {
    const cycle = await this.repo.byId(this.deps.db, id);
    if (!cycle) throw notFound('cycle');
    return { cycle, submitted: await this.deps.submittedInCycle(this.deps.db, id) };
  }

  /** 次年度のサイクルを作成: a copy of `fromId` one fiscal year later; a year that exists already is a conflict. */
  async cloneNext(actor: Actor, fromId: number): Promise<RenewalCycle> {
    const created = await this.deps.db.transaction().execute(async (tx) => {
      const source = await this.repo.byId(tx, fromId);
      if (!source) throw notFound('cycle');
      const next = nextCycleOf(source);
      const cycle = await this.repo.create(tx, next);
      if (!cycle) throw new RuleViolation('cycles.duplicate', { year: next.fiscal_year }, 'conflict');
      await audit(tx, actor, { action: 'cycle.created', subjectType: 'renewal_cycle', subjectId: cycle.fiscal_year, after: next, detail: { clonedFrom: source.fiscal_year } });
      return cycle;
    });
    this.deps.cycles.forget();
    return created;
  }

  /**
   * Saves every value of the form. The cycle row is locked first, so the count of submitted renewals and the
   * change are one decision; a locked cycle refuses outcome-changing fields (CycleLocked, 409) and changes nothing.
   * Returns the fields changed (none: nothing is written or audited).
   */
  async update(actor: Actor, id: number, values: CycleValues): Promise<CycleField[]> {
    const changed = await this.deps.db.transaction().execute(async (tx) => {
      const cycle = await this.repo.lockById(tx, id);
      if (!cycle) throw notFound('cycle');
      const before = valuesOf(cycle);
      const fields = changedFields(before, values);
      if (fields.length === 0) return fields;
      if ((await this.deps.submittedInCycle(tx, id)) > 0) {
        const refused = refusedChanges(before, values);
        if (refused.length > 0) throw new CycleLocked(refused);
      }
      await this.repo.update(tx, id, values);
      await audit(tx, actor, {
        action: 'cycle.updated', subjectType: 'renewal_cycle', subjectId: cycle.fiscal_year,
        before: Object.fromEntries(fields.map((f) => [f, before[f]])), after: Object.fromEntries(fields.map((f) => [f, values[f]])),
      });
      return fields;
    });
    // After commit: a read in between would have cached the old row again.
    if (changed.length > 0) this.deps.cycles.forget();
    return changed;
  }
}
