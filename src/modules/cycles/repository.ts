import type { Executor } from '../../platform/db/database';
import type { CategoryMinimum, GroupLimit, RenewalCycle, StudyAbroadRule } from '../../platform/db/schema';

export interface NewCycle {
  fiscal_year: number; name_ja: string; name_en: string; period_end: string; required_credits: number; self_report_cap: number;
  category_minimums: CategoryMinimum[]; group_limits: GroupLimit[];
  new_period_start: string; new_period_end: string; last_annual_fee_year: number; renewal_fee_code: string;
  window_opens_on: string; window_closes_on: string; payment_due_on: string; study_abroad: StudyAbroadRule;
}

const jsonColumns = <T extends Omit<NewCycle, 'fiscal_year'>>(row: T) => ({
  ...row, category_minimums: JSON.stringify(row.category_minimums), group_limits: JSON.stringify(row.group_limits), study_abroad: JSON.stringify(row.study_abroad),
});

export class CyclesRepository {
  async byPeriodEnd(db: Executor, periodEnd: string): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('period_end', '=', periodEnd).executeTakeFirst();
  }

  async byId(db: Executor, id: number): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async all(db: Executor): Promise<RenewalCycle[]> {
    return db.selectFrom('renewal_cycles').selectAll().orderBy('fiscal_year', 'desc').execute();
  }

  async byFiscalYear(db: Executor, fiscalYear: number): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('fiscal_year', '=', fiscalYear).executeTakeFirst();
  }

  async latestUpTo(db: Executor, fiscalYear: number): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('fiscal_year', '<=', fiscalYear).orderBy('fiscal_year', 'desc').limit(1).executeTakeFirst();
  }

  async lockById(db: Executor, id: number): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /** A new cycle, or undefined when its fiscal year or period end is taken (two admins cloning at once). */
  async create(db: Executor, row: NewCycle): Promise<RenewalCycle | undefined> {
    return db
      .insertInto('renewal_cycles')
      .values(jsonColumns(row))
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  async update(db: Executor, id: number, row: Omit<NewCycle, 'fiscal_year'>): Promise<void> {
    await db.updateTable('renewal_cycles').set(jsonColumns(row)).where('id', '=', id).execute();
  }

  async insert(db: Executor, row: NewCycle): Promise<void> {
    await db
      .insertInto('renewal_cycles')
      .values(jsonColumns(row))
      .onConflict((oc) => oc.column('fiscal_year').doNothing())
      .execute();
  }
}
