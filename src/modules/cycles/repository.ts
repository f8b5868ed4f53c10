import type { Executor } from '../../platform/db/database';
import type { CategoryMinimum, GroupLimit, RenewalCycle } from '../../platform/db/schema';

export class CyclesRepository {
  async byPeriodEnd(db: Executor, periodEnd: string): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('period_end', '=', periodEnd).executeTakeFirst();
  }

  async latestUpTo(db: Executor, fiscalYear: number): Promise<RenewalCycle | undefined> {
    return db.selectFrom('renewal_cycles').selectAll().where('fiscal_year', '<=', fiscalYear).orderBy('fiscal_year', 'desc').limit(1).executeTakeFirst();
  }

  async insert(db: Executor, row: {
    fiscal_year: number; name_ja: string; name_en: string; period_end: string; required_credits: number; self_report_cap: number;
    category_minimums: CategoryMinimum[]; group_limits: GroupLimit[];
  }): Promise<void> {
    await db
      .insertInto('renewal_cycles')
      .values({ ...row, category_minimums: JSON.stringify(row.category_minimums), group_limits: JSON.stringify(row.group_limits) })
      .onConflict((oc) => oc.column('fiscal_year').doNothing())
      .execute();
  }
}
