import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { Receipt } from '../../platform/db/schema';

export class ReceiptRepository {
  /**
   * Counts one download of an invoice's receipt: the first creates the row (and its number), later ones
   * add to the count. One statement, so two downloads at the same moment cannot both be "the first".
   */
  async recordDownload(db: Executor, invoiceId: number, at: Date): Promise<Receipt> {
    return db.insertInto('receipts').values({ invoice_id: invoiceId, issued_at: at, download_count: 1, last_downloaded_at: at })
      .onConflict((oc) => oc.column('invoice_id').doUpdateSet({ download_count: sql<number>`receipts.download_count + 1`, last_downloaded_at: at }))
      .returningAll().executeTakeFirstOrThrow();
  }

  async forInvoice(db: Executor, invoiceId: number): Promise<Receipt | undefined> {
    return db.selectFrom('receipts').selectAll().where('invoice_id', '=', invoiceId).executeTakeFirst();
  }
}
