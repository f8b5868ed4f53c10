import { type Insertable, sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { Certificate, CertificateBatch, CertificatesTable, CertificateStatus } from '../../platform/db/schema';

export type NewCertificate = Omit<Insertable<CertificatesTable>, 'serial'>;

export interface BatchSummary extends CertificateBatch {
  count: number;
}

export class CertificatesRepository {
  /** Serialises one kind of bulk decision (issuing, forming a mailing) for the caller's transaction. */
  async lock(db: Executor, what: 'issue' | 'batch'): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('certificates'), hashtext(${what}))`.execute(db);
  }

  /**
   * A new certificate; its serial comes from the sequence. A second valid certificate of the same renewal
   * is refused by the partial unique index and skipped (undefined), never an error page.
   */
  async insert(db: Executor, row: NewCertificate): Promise<Certificate | undefined> {
    return db.insertInto('certificates').values(row)
      .onConflict((oc) => oc.column('application_id').where('status', '=', 'active').doNothing())
      .returningAll().executeTakeFirst();
  }

  /** The renewals of a cycle that already have a certificate (any status: a revoked one is not issued again in bulk). */
  async applicationIdsWithCertificate(db: Executor, cycleId: number): Promise<Set<number>> {
    const rows = await db.selectFrom('certificates').select('application_id').distinct().where('cycle_id', '=', cycleId).execute();
    return new Set(rows.map((r) => r.application_id));
  }

  async forCycle(db: Executor, cycleId: number): Promise<Certificate[]> {
    return db.selectFrom('certificates').selectAll().where('cycle_id', '=', cycleId).orderBy('serial', 'desc').execute();
  }

  async findById(db: Executor, id: number, forUpdate = false): Promise<Certificate | undefined> {
    let q = db.selectFrom('certificates').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async findBySerial(db: Executor, serial: number): Promise<Certificate | undefined> {
    return db.selectFrom('certificates').selectAll().where('serial', '=', serial).executeTakeFirst();
  }

  async findByCodeHash(db: Executor, codeHash: string): Promise<Certificate | undefined> {
    return db.selectFrom('certificates').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  }

  /** A member's certificates in the given states, newest first. */
  async forMember(db: Executor, memberId: number, statuses: CertificateStatus[]): Promise<Certificate[]> {
    return db.selectFrom('certificates').selectAll().where('member_id', '=', memberId).where('status', 'in', statuses).orderBy('serial', 'desc').execute();
  }

  async setStatus(db: Executor, id: number, status: CertificateStatus, reason: string, at: Date): Promise<void> {
    await db.updateTable('certificates').set({ status, status_reason: reason, status_changed_at: at }).where('id', '=', id).execute();
  }

  /** Valid certificates of a cycle that are in no mailing yet, by serial. */
  async unbatched(db: Executor, cycleId: number): Promise<Certificate[]> {
    return db.selectFrom('certificates').selectAll().where('cycle_id', '=', cycleId).where('status', '=', 'active').where('batch_id', 'is', null).orderBy('serial').execute();
  }

  async insertBatch(db: Executor, row: { cycle_id: number; created_at: Date; created_by: number | null }): Promise<CertificateBatch> {
    return db.insertInto('certificate_batches').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async assignBatch(db: Executor, ids: number[], batchId: number): Promise<void> {
    if (ids.length === 0) return;
    await db.updateTable('certificates').set({ batch_id: batchId }).where('id', 'in', ids).where('batch_id', 'is', null).execute();
  }

  async batches(db: Executor, cycleId: number): Promise<BatchSummary[]> {
    const rows = await db.selectFrom('certificate_batches as b')
      .leftJoin('certificates as c', (j) => j.onRef('c.batch_id', '=', 'b.id').on('c.status', '=', 'active'))
      .selectAll('b').select((eb) => eb.fn.count<string>('c.id').as('count'))
      .where('b.cycle_id', '=', cycleId).groupBy('b.id').orderBy('b.id', 'desc').execute();
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  async findBatch(db: Executor, id: number, forUpdate = false): Promise<CertificateBatch | undefined> {
    let q = db.selectFrom('certificate_batches').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** What goes into the envelopes of a mailing: its certificates still valid, by serial. */
  async inBatch(db: Executor, batchId: number): Promise<Certificate[]> {
    return db.selectFrom('certificates').selectAll().where('batch_id', '=', batchId).where('status', '=', 'active').orderBy('serial').execute();
  }

  async markMailed(db: Executor, batchId: number, at: Date, by: number | null): Promise<void> {
    await db.updateTable('certificate_batches').set({ mailed_at: at, mailed_by: by }).where('id', '=', batchId).execute();
  }
}
