import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db, Executor } from '../../platform/db/database';
import type { Overpayment, OverpaymentStatus } from '../../platform/db/schema';
import { notFound, RuleViolation } from '../../platform/errors';
import { dateOnly, tokyoDate } from '../../platform/japanese';
import { type NewOverpayment, OverpaymentRepository } from './overpayment-repository';

export type { Overpayment };

export interface RecordOverpayment {
  invoiceId: number | null;
  memberId: number | null;
  source: 'gateway' | 'import';
  /** Unique within the source (`<gateway>:<ref>`, `<import id>:<row>`): recording it again changes nothing. */
  sourceRef: string;
  amount: number;
  receivedOn: string;
  method: string;
  reference: string;
}

/**
 * 過入金・返金: money that arrived but that no invoice could take (a konbini payment after a card
 * payment, a transfer for a paid or cancelled invoice). It is recorded, never lost, and stays in the
 * secretariat's queue until refunded or otherwise resolved.
 */
export class OverpaymentsService {
  private repo = new OverpaymentRepository();

  constructor(private deps: { db: Db; clock: Clock }) {}

  /** Called inside the caller's transaction (payments' settlement, the result-file import). */
  async record(tx: Executor, actor: Actor, input: RecordOverpayment): Promise<Overpayment | undefined> {
    const row: NewOverpayment = {
      invoice_id: input.invoiceId, member_id: input.memberId, source: input.source, source_ref: input.sourceRef, amount: input.amount,
      received_on: input.receivedOn, method: input.method, reference: input.reference,
    };
    const created = await this.repo.insertOnce(tx, row, this.deps.clock.now());
    if (created) {
      await audit(tx, actor, { action: 'overpayment.recorded', subjectType: 'overpayment', subjectId: created.id, memberId: input.memberId, after: { invoiceId: input.invoiceId, source: input.source, amount: input.amount, reference: input.reference } });
    }
    return created;
  }

  list(status: OverpaymentStatus = 'open', limit = 50, offset = 0): Promise<Overpayment[]> {
    return this.repo.list(this.deps.db, status, limit, offset);
  }

  /** 過入金・返金 queue rows: the invoice's 管理No and how many days the money has waited (from its receipt). */
  async queue(status: OverpaymentStatus, limit = 50, offset = 0): Promise<(Overpayment & { control_no: string | null; ageDays: number })[]> {
    const rows = await this.repo.queue(this.deps.db, status, limit, offset);
    return rows.map((r) => ({ ...r, ageDays: this.ageDays(r.received_on) }));
  }

  /** One item for its staff page, with its age. */
  async detail(id: number): Promise<Overpayment & { ageDays: number }> {
    const row = await this.get(id);
    return { ...row, ageDays: this.ageDays(row.received_on) };
  }

  private ageDays(receivedOn: string): number {
    const today = dateOnly(tokyoDate(this.deps.clock.now())).getTime();
    return Math.max(0, Math.round((today - dateOnly(receivedOn).getTime()) / 86_400_000));
  }

  /** Open items: how many, and the ¥ still to refund. */
  openTotals(): Promise<{ count: number; amount: number }> {
    return this.repo.openTotals(this.deps.db);
  }

  countOpen(): Promise<number> {
    return this.repo.countOpen(this.deps.db);
  }

  forMember(memberId: number): Promise<Overpayment[]> {
    return this.repo.forMember(this.deps.db, memberId);
  }

  async get(id: number): Promise<Overpayment> {
    const row = await this.repo.byId(this.deps.db, id);
    if (!row) throw notFound('overpayment');
    return row;
  }

  /** Staff: 返金済 (with the refund's date and reference) or 対応済 (a note saying how), audited. Once only. */
  async resolve(actor: Actor, id: number, input: { outcome: 'refunded' | 'resolved'; resolvedOn: string; reference: string; note: string }): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const row = await this.repo.byId(tx, id, true);
      if (!row) throw notFound('overpayment');
      if (row.status !== 'open') throw new RuleViolation('billing.wrongState', {}, 'conflict');
      await this.repo.resolve(tx, id, {
        status: input.outcome, resolved_on: input.resolvedOn, resolution_reference: input.reference, resolution_note: input.note,
        resolved_by: actor.type === 'staff' ? actor.id : null, updated_at: this.deps.clock.now(),
      });
      await audit(tx, actor, { action: `overpayment.${input.outcome}`, subjectType: 'overpayment', subjectId: id, memberId: row.member_id, before: { status: row.status }, after: { status: input.outcome, reference: input.reference }, detail: input.note ? { note: input.note } : undefined });
    });
  }
}
