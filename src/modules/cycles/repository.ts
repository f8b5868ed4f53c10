import type { Executor } from '../../platform/db/database';
import type { CategoryMinimum, GroupLimit, RenewalCycle, StudyAbroadRule } from '../../platform/db/schema';

export interface NewCycle {
  fiscal_year: number; name_ja: string; name_en: string; period_end: string; required_credits: number; self_report_cap: number;
  category_minimums: CategoryMinimum[]; group_limits: GroupLimit[];
  new_period_start: string; new_period_end: string; last_annual_fee_year: number; renewal_fee_code: string;
  window_opens_on: string; window_closes_on: string; payment_due_on: string; study_abroad: StudyAbroadRule;
}

export class CyclesRepository {
  async byPeriodEnd(db: Executor, periodEnd: string): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('period_end', '=', periodEnd).executeTakeFirst();
  }

  async byId(db: Executor, id: number): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async latestUpTo(db: Executor, fiscalYear: number): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('fiscal_year', '<=', fiscalYear).orderBy('fiscal_year', 'desc').limit(1).executeTakeFirst();
  }

  /** Every cycle, oldest first (a handful: one a year). */
  async all(db: Executor): Promise<RenewalCycle[]> {
    return db.selectFrom('renewal_cycles').selectAll().orderBy('fiscal_year').execute();
  }

  async insert(db: Executor, row: NewCycle): Promise<void> {
    await db
      .insertInto('renewal_cycles')
      .values({
        ...row, category_minimums: JSON.stringify(row.category_minimums), group_limits: JSON.stringify(row.group_limits), study_abroad: JSON.stringify(row.study_abroad),
      })
      .onConflict((oc) => oc.column('fiscal_year').doNothing())
      .execute();
  }
}
