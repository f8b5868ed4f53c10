import { type Actor, audit, auditMany } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db, Executor } from '../../platform/db/database';
import type { FeeType, Invoice, InvoiceEvent, InvoiceStatus } from '../../platform/db/schema';
import { notFound, RuleViolation } from '../../platform/errors';
import type { Locale, MessageKey } from '../../platform/i18n';
import { fiscalYearOf, formatYen, tokyoDate } from '../../platform/japanese';
import type { Jobs } from '../../platform/jobs';
import type { Mailer } from '../../platform/mail/mailer';
import { getSetting, putSetting } from '../../platform/settings';
import { fullName, type MembersService } from '../members/service';
import { BillingRepository, type FeeTypeChanges, type InvoiceChanges, type NewInvoice } from './repository';
import { DEFAULT_DISPATCHES, type DispatchSlot, nextDispatch } from './slips';
import { type InvoiceAction, nextInvoiceStatus } from './transitions';

export const ANNUAL_FEE = 'annual_fee';
export const RENEWAL_FEE = 'renewal_fee';

/** The settings row holding the payment-slip dispatch dates (an admin edits them on /staff/fees). */
const SLIP_DISPATCHES_KEY = 'slip_dispatch_dates';

export type { FeeType, Invoice };

/** The 入金確認 mail's subject per fee type (others: the general one). */
const PAID_SUBJECTS: Partial<Record<string, MessageKey>> = { [RENEWAL_FEE]: 'mail.renewalPaidSubject', [ANNUAL_FEE]: 'mail.annualPaidSubject' };

/** Queued in the transaction that makes an invoice 入金済 (gateway settlement or the secretariat); runs after commit. */
export const INVOICE_SETTLED_JOB = 'billing.invoice-settled';

/** What other modules hear when an invoice is paid (the renewal completes on its 専門医更新料). */
export interface InvoiceSettled {
  invoiceId: number;
  controlNo: string;
  memberId: number;
  feeType: string;
  businessKey: string;
  fiscalYear: number | null;
  amount: number;
  paidOn: string;
  method: string;
}

/** A listener must be idempotent: the job is retried until every listener has succeeded once together. */
export type SettledListener = (event: InvoiceSettled) => Promise<void>;

/** 期限切れ: unpaid (or being paid) past its due date. Shown, never stored; the staff search filters by the same rule. */
export const isOverdue = (invoice: Pick<Invoice, 'status' | 'due_on'>, today: string): boolean =>
  (invoice.status === 'unpaid' || invoice.status === 'processing') && invoice.due_on < today;

/** What `createInvoice` needs: the due date from the caller (a cycle's), the fiscal year when billed per year. */
export interface NewInvoiceInput { memberId: number; feeType: string; businessKey: string; dueOn: string; fiscalYear?: number | null }

/** An invoice to settle, with how it was paid. */
export interface SettleItem {
  invoice: Invoice;
  paidOn: string;
  method: string;
  reference: string;
}

export interface InvoiceView {
  invoice: Invoice;
  feeType: FeeType;
  /** Unpaid past its due date: shown 期限切れ, still payable. */
  overdue: boolean;
}

/**
 * 会費請求/入金状況: invoices with a unique business key, their due dates from settings, and the
 * status workflow. Other modules create invoices only through `createInvoice`.
 */
export class BillingService {
  private repo = new BillingRepository();
  private settledListeners: SettledListener[] = [];

  constructor(private deps: { db: Db; clock: Clock; mailer: Mailer; jobs: Jobs; members: MembersService; baseUrl: string }) {}

  /** Another module asks to hear of every settled invoice (wired in app.tsx; see INVOICE_SETTLED_JOB). */
  onSettled(listener: SettledListener): void {
    this.settledListeners.push(listener);
  }

  /** The job's handler: tells every listener, in the order they registered. */
  async dispatchSettled(event: InvoiceSettled): Promise<void> {
    for (const listener of this.settledListeners) await listener(event);
  }

  /** After commit, other modules hear that these invoices are paid (one job each). */
  private async queueSettled(tx: Executor, paid: { invoice: Invoice; paidOn: string; method: string }[]): Promise<void> {
    const events = paid.map(({ invoice, paidOn, method }): InvoiceSettled => ({
      invoiceId: invoice.id, controlNo: invoice.control_no, memberId: invoice.member_id, feeType: invoice.fee_type, businessKey: invoice.business_key,
      fiscalYear: invoice.fiscal_year, amount: invoice.amount, paidOn, method,
    }));
    await this.deps.jobs.sendMany(INVOICE_SETTLED_JOB, events, tx);
  }

  feeTypes(): Promise<FeeType[]> {
    return this.repo.feeTypes(this.deps.db);
  }

  /** Through the pool. Inside a transaction: `feeTypeIn`. */
  feeType(code: string): Promise<FeeType> {
    return this.feeTypeIn(this.deps.db, code);
  }

  /** Through the caller's transaction (decisions/0027). */
  async feeTypeIn(tx: Executor, code: string): Promise<FeeType> {
    const fee = await this.repo.feeType(tx, code);
    if (!fee) throw notFound('fee type');
    return fee;
  }

  private view(invoice: Invoice, fees: FeeType[]): InvoiceView {
    const today = tokyoDate(this.deps.clock.now());
    const feeType = fees.find((f) => f.code === invoice.fee_type)!;
    return { invoice, feeType, overdue: isOverdue(invoice, today) };
  }

  /** `createInvoiceIn` in a transaction of its own (demo data, tests; a module bills inside its own transaction). */
  createInvoice(actor: Actor, input: NewInvoiceInput): Promise<Invoice> {
    return this.deps.db.transaction().execute((tx) => this.createInvoiceIn(tx, actor, input));
  }

  /**
   * The one way to bill a member, inside the caller's transaction. The business key (e.g.
   * `renewal_fee:application:123`) makes a second call return the first invoice instead of creating another.
   */
  async createInvoiceIn(tx: Executor, actor: Actor, input: NewInvoiceInput): Promise<Invoice> {
    const fee = await this.repo.feeType(tx, input.feeType);
    if (!fee) throw notFound('fee type');
    const issuedOn = tokyoDate(this.deps.clock.now());
    const { invoice, created } = await this.repo.insertInvoice(tx, {
      member_id: input.memberId, fee_type: fee.code, fiscal_year: input.fiscalYear ?? null, business_key: input.businessKey, amount: fee.amount,
      issued_on: issuedOn, due_on: input.dueOn,
    });
    if (created) {
      await this.repo.insertEvent(tx, { invoice_id: invoice.id, occurred_at: this.deps.clock.now(), actor_type: actor.type, actor_id: actor.id, action: 'create', from_status: null, to_status: 'unpaid' });
      await audit(tx, actor, { action: 'invoice.created', subjectType: 'invoice', subjectId: invoice.control_no, memberId: invoice.member_id, after: { fee: fee.code, amount: fee.amount, due: invoice.due_on } });
    }
    return invoice;
  }

  /** The due date of a fee billed per fiscal year, from its setting (年会費: demo 5月31日 of that 年度). */
  dueDateFor(fee: FeeType, fiscalYear: number): string {
    if (!fee.due_month_day) throw new RuleViolation('billing.noDueRule', { fee: fee.code });
    const [month] = fee.due_month_day.split('-').map(Number) as [number];
    return `${month >= 4 ? fiscalYear : fiscalYear + 1}-${fee.due_month_day}`;
  }

  /**
   * The yearly run (a pg-boss schedule on 1 April, and the demo seed): one 年会費 invoice per member for
   * the fiscal year; members on 口座振替 / クレジット継続払い get theirs marked for automatic collection.
   * Idempotent: running it again adds nothing.
   */
  async createAnnualFees(fiscalYear: number, memberIds: number[]): Promise<number> {
    const fee = await this.feeType(ANNUAL_FEE);
    const due = this.dueDateFor(fee, fiscalYear);
    const issued = tokyoDate(this.deps.clock.now());
    let created = 0;
    for (let i = 0; i < memberIds.length; i += 1000) {
      const batch = memberIds.slice(i, i + 1000);
      const methods = await this.repo.annualFeeMethods(this.deps.db, batch);
      const rows: NewInvoice[] = batch.map((memberId) => ({
        member_id: memberId, fee_type: fee.code, fiscal_year: fiscalYear, business_key: `${ANNUAL_FEE}:${fiscalYear}:${memberId}`, amount: fee.amount,
        issued_on: issued < `${fiscalYear}-04-01` ? issued : `${fiscalYear}-04-01`, due_on: due, auto_debit: (methods.get(memberId) ?? 'invoice') !== 'invoice',
      }));
      created += await this.repo.insertMany(this.deps.db, rows);
    }
    return created;
  }

  /** Run by the schedule: bills the fiscal year that has just begun, for every member. */
  async runAnnualFees(): Promise<number> {
    const ids = await this.deps.members.allIds();
    return this.createAnnualFees(fiscalYearOf(this.deps.clock.now()), ids);
  }

  async listForMember(memberId: number): Promise<InvoiceView[]> {
    const [rows, fees] = await Promise.all([this.repo.forMember(this.deps.db, memberId), this.feeTypes()]);
    return rows.map((r) => this.view(r, fees));
  }

  async getForMember(memberId: number, controlNo: string): Promise<InvoiceView & { events: InvoiceEvent[] }> {
    const invoice = await this.repo.findForMember(this.deps.db, memberId, controlNo);
    if (!invoice) throw notFound('invoice');
    const [fees, events] = await Promise.all([this.feeTypes(), this.repo.events(this.deps.db, invoice.id)]);
    return { ...this.view(invoice, fees), events };
  }

  /** Several invoices at once (a batch of a staff list or export), one query. */
  async byIds(ids: number[]): Promise<Map<number, Invoice>> {
    const rows = await this.repo.findByIds(this.deps.db, [...new Set(ids)]);
    return new Map(rows.map((i) => [i.id, i]));
  }

  async getForStaff(id: number): Promise<InvoiceView & { events: InvoiceEvent[] }> {
    const invoice = await this.repo.findById(this.deps.db, id);
    if (!invoice) throw notFound('invoice');
    return { ...this.view(invoice, await this.feeTypes()), events: await this.repo.events(this.deps.db, invoice.id) };
  }

  /**
   * 未納 invoices of these fee types due between two dates (inclusive), in one query: the reminders of a fee
   * due soon. An invoice being paid (お支払い手続きの処理中) is not in it: nobody is asked to pay twice.
   */
  unpaidDueBetween(feeTypes: string[], from: string, to: string): Promise<Invoice[]> {
    return this.repo.unpaidDueBetween(this.deps.db, feeTypes, from, to);
  }


  /** Unpaid 年会費 up to a fiscal year, for the renewal eligibility check (gathered before any transaction). */
  unpaidAnnualFees(memberId: number, upToFiscalYear: number) {
    return this.repo.unpaidFiscalYears(this.deps.db, memberId, ANNUAL_FEE, upToFiscalYear);
  }

  private async move(tx: Executor, actor: Actor, invoice: Invoice, action: InvoiceAction, changes: InvoiceChanges, detail: string): Promise<InvoiceStatus> {
    return (await this.moveMany(tx, actor, action, [{ invoice, changes, detail }]))[0]!;
  }

  /**
   * The one way an invoice changes status: the transition table decides for each, then the rows, their
   * events and their audit rows are written (a statement each, however many invoices).
   */
  private async moveMany(tx: Executor, actor: Actor, action: InvoiceAction, items: { invoice: Invoice; changes: InvoiceChanges; detail: string }[]): Promise<InvoiceStatus[]> {
    const tos = items.map(({ invoice }) => {
      const to = nextInvoiceStatus(invoice.status, action);
      if (!to) throw new RuleViolation('billing.wrongState', {}, 'conflict');
      return to;
    });
    const now = this.deps.clock.now();
    await this.repo.updateMany(tx, items.map(({ invoice, changes }, i) => ({ id: invoice.id, status: tos[i]!, changes })), now);
    await this.repo.insertEvents(tx, items.map(({ invoice, detail }, i) => ({
      invoice_id: invoice.id, occurred_at: now, actor_type: actor.type, actor_id: actor.id, action, from_status: invoice.status, to_status: tos[i]!, detail,
    })));
    await auditMany(tx, actor, items.map(({ invoice, changes, detail }, i) => ({
      action: `invoice.${action}`, subjectType: 'invoice', subjectId: invoice.control_no, memberId: invoice.member_id, before: { status: invoice.status },
      after: { status: tos[i], ...changes }, detail: detail ? { reason: detail } : undefined,
    })));
    return tos;
  }

  /** 入金消込 by hand (a transfer the secretariat saw): method, date, reference and reason, audited; the member is told. */
  async markPaid(actor: Actor, id: number, input: { method: string; paidOn: string; reference: string; reason: string }, locale: Locale = 'ja', opts: { notify?: boolean } = {}): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const invoice = await this.repo.findById(tx, id, true);
      if (!invoice) throw notFound('invoice');
      await this.move(tx, actor, invoice, 'mark_paid', { paid_on: input.paidOn, paid_method: input.method, paid_reference: input.reference }, input.reason);
      if (opts.notify !== false) await this.queuePaidMails(tx, [invoice], locale);
      await this.queueSettled(tx, [{ invoice, paidOn: input.paidOn, method: input.method }]);
    });
  }

  /** 入金確認 mail, the same whether the secretariat, a gateway or a result file confirmed the money; its subject names the fee (更新料振り込み完了). */
  private async queuePaidMails(tx: Executor, invoices: Invoice[], locale: Locale): Promise<void> {
    const [members, fees] = await Promise.all([this.deps.members.byIdsIn(tx, invoices.map((i) => i.member_id)), this.repo.feeTypes(tx)]);
    await this.deps.mailer.queueMany(tx, invoices.map((invoice) => {
      const member = members.get(invoice.member_id);
      if (!member) throw notFound('member');
      const fee = fees.find((f) => f.code === invoice.fee_type)!;
      return {
        to: member.email, locale, memberId: member.id,
        template: { subject: PAID_SUBJECTS[invoice.fee_type] ?? 'mail.paidSubject', body: 'mail.paidBody' },
        params: { name: fullName(member), fee: locale === 'en' ? fee.name_en : fee.name_ja, amount: formatYen(invoice.amount), controlNo: invoice.control_no, link: `${this.deps.baseUrl}/billing/${invoice.control_no}` },
      };
    }));
  }

  async cancel(actor: Actor, id: number, reason: string): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const invoice = await this.repo.findById(tx, id, true);
      if (!invoice) throw notFound('invoice');
      await this.move(tx, actor, invoice, 'cancel', { cancel_reason: reason }, reason);
    });
  }

  // ── Online payment (called by the payments module inside its own transaction) ─────────────────────

  /** The invoice row locked for the caller's transaction (payments serialise on it). */
  async lockForPayment(tx: Executor, id: number): Promise<Invoice> {
    const invoice = await this.repo.findById(tx, id, true);
    if (!invoice) throw notFound('invoice');
    return invoice;
  }

  /** An attempt went live: 未納 → 処理中. */
  async startProcessing(tx: Executor, actor: Actor, invoice: Invoice, detail: string): Promise<void> {
    await this.move(tx, actor, invoice, 'start_payment', {}, detail);
  }

  /** The live attempt is dead (declined, expired, hold over): 処理中 → 未納, the member can start again. */
  async backToUnpaid(tx: Executor, actor: Actor, invoice: Invoice, detail: string): Promise<void> {
    if (!nextInvoiceStatus(invoice.status, 'abandon_payment')) return;
    await this.move(tx, actor, invoice, 'abandon_payment', {}, detail);
  }

  /**
   * A confirmed settlement from a gateway: 入金済 with date, method and reference, an event, an audit row
   * and the member's mail. Returns false when the invoice cannot take it (already paid or cancelled): the
   * caller records the money as an overpayment.
   */
  async settle(tx: Executor, actor: Actor, invoice: Invoice, input: { paidOn: string; method: string; reference: string }, locale: Locale = 'ja'): Promise<boolean> {
    return (await this.settleMany(tx, actor, [{ invoice, ...input }], locale)).length === 1;
  }

  /**
   * The matched rows of a payment result file (郵便振替, 振込, 口座振替・クレジット継続払い), in the import's
   * transaction with the invoices locked: the same settlement as a gateway's. Returns the invoices settled.
   */
  async settleFromImport(tx: Executor, actor: Actor, items: SettleItem[]): Promise<Invoice[]> {
    return this.settleMany(tx, actor, items, 'ja');
  }

  /**
   * The one settlement path (a gateway's settle is a list of one): the invoices whose state takes a
   * settlement move to 入金済, and their mails and invoice-settled jobs are queued, a statement per step.
   */
  private async settleMany(tx: Executor, actor: Actor, items: SettleItem[], locale: Locale): Promise<Invoice[]> {
    const payable = items.filter((i) => nextInvoiceStatus(i.invoice.status, 'settle'));
    for (let i = 0; i < payable.length; i += 1000) {
      const chunk = payable.slice(i, i + 1000);
      await this.moveMany(tx, actor, 'settle', chunk.map((p) => ({ invoice: p.invoice, changes: { paid_on: p.paidOn, paid_method: p.method, paid_reference: p.reference }, detail: p.reference })));
      await this.queuePaidMails(tx, chunk.map((p) => p.invoice), locale);
      await this.queueSettled(tx, chunk);
    }
    return payable.map((p) => p.invoice);
  }

  // ── 払込票 (payment slip) ─────────────────────────────────────────────────────────────────────────

  /**
   * 「払込票での支払いお申込み」: the slip goes to the 送付・請求先 with the next dispatch, and every other
   * method is closed for this invoice. Only staff can undo it.
   */
  async requestSlip(actor: Actor, memberId: number, controlNo: string): Promise<Invoice> {
    return this.deps.db.transaction().execute(async (tx) => {
      const invoice = await this.repo.findForMember(tx, memberId, controlNo, true);
      if (!invoice) throw notFound('invoice');
      const fee = (await this.repo.feeType(tx, invoice.fee_type))!;
      if (invoice.status !== 'unpaid' || invoice.auto_debit || !fee.methods.includes('slip') || invoice.slip_requested_at) {
        throw new RuleViolation('billing.slipNotAvailable', {}, 'conflict');
      }
      const now = this.deps.clock.now();
      const dispatchOn = await this.nextSlipDispatchIn(tx, 3);
      await this.repo.setSlip(tx, invoice.id, { slip_requested_at: now, slip_dispatch_on: dispatchOn }, now);
      await this.repo.insertEvent(tx, { invoice_id: invoice.id, occurred_at: now, actor_type: actor.type, actor_id: actor.id, action: 'slip_requested', from_status: invoice.status, to_status: invoice.status, detail: dispatchOn });
      await audit(tx, actor, { action: 'invoice.slip_requested', subjectType: 'invoice', subjectId: invoice.control_no, memberId, after: { dispatchOn } });
      return { ...invoice, slip_requested_at: now, slip_dispatch_on: dispatchOn };
    });
  }

  /** The dispatch a slip asked for now would go out with (`lead` business days to prepare it). */
  nextSlipDispatch(lead = 3): Promise<string> {
    return this.nextSlipDispatchIn(this.deps.db, lead);
  }

  private async nextSlipDispatchIn(db: Executor, lead: number): Promise<string> {
    return nextDispatch(tokyoDate(this.deps.clock.now()), await this.slipDispatchSlotsIn(db), lead);
  }

  /** 払込票の発送日: the setting, or the guide's schedule until an administrator sets one. */
  slipDispatchSlots(): Promise<DispatchSlot[]> {
    return this.slipDispatchSlotsIn(this.deps.db);
  }

  private async slipDispatchSlotsIn(db: Executor): Promise<DispatchSlot[]> {
    return (await getSetting<DispatchSlot[]>(db, SLIP_DISPATCHES_KEY)) ?? DEFAULT_DISPATCHES;
  }

  /** Administrators: the dispatch dates slips requested from now on go out with (slips already scheduled keep theirs). */
  async setSlipDispatchSlots(actor: Actor, slots: DispatchSlot[]): Promise<void> {
    if (slots.length === 0) throw new RuleViolation('fees.dispatchesInvalid', {}, 'bad_request');
    await this.deps.db.transaction().execute(async (tx) => {
      const before = await this.slipDispatchSlotsIn(tx);
      await putSetting(tx, SLIP_DISPATCHES_KEY, slots);
      await audit(tx, actor, { action: 'setting.slip_dispatches_changed', subjectType: 'setting', subjectId: SLIP_DISPATCHES_KEY, before, after: slots });
    });
  }

  /**
   * Administrators: a fee type's amount, methods, tax category and yearly due date. Invoices keep the amount
   * and due date they were created with; only invoices created afterwards use the new values.
   */
  async updateFeeType(actor: Actor, code: string, changes: FeeTypeChanges): Promise<boolean> {
    return this.deps.db.transaction().execute(async (tx) => {
      const fee = await this.repo.lockFeeType(tx, code);
      if (!fee) throw notFound('fee type');
      const before: FeeTypeChanges = { amount: fee.amount, methods: fee.methods, tax_category: fee.tax_category, due_month_day: fee.due_month_day };
      if (JSON.stringify(before) === JSON.stringify(changes)) return false;
      await this.repo.updateFeeType(tx, code, changes);
      await audit(tx, actor, { action: 'fee_type.updated', subjectType: 'fee_type', subjectId: code, before, after: changes });
      return true;
    });
  }

  /** Staff only: reopen the other methods (a reason is required and audited). */
  async undoSlip(actor: Actor, id: number, reason: string): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const invoice = await this.repo.findById(tx, id, true);
      if (!invoice) throw notFound('invoice');
      if (!invoice.slip_requested_at || invoice.status !== 'unpaid') throw new RuleViolation('billing.wrongState', {}, 'conflict');
      const now = this.deps.clock.now();
      await this.repo.setSlip(tx, invoice.id, { slip_requested_at: null, slip_dispatch_on: null, slip_sent_at: null }, now);
      await this.repo.insertEvent(tx, { invoice_id: invoice.id, occurred_at: now, actor_type: actor.type, actor_id: actor.id, action: 'slip_undone', from_status: invoice.status, to_status: invoice.status, detail: reason });
      await audit(tx, actor, { action: 'invoice.slip_undone', subjectType: 'invoice', subjectId: invoice.control_no, memberId: invoice.member_id, before: { dispatchOn: invoice.slip_dispatch_on }, detail: { reason } });
    });
  }

  /** The mailing list of a dispatch: every slip chosen and not yet sent, with the member's 送付・請求先. */
  async slipDispatchList(dispatchOn: string) {
    const invoices = await this.repo.slipsToSend(this.deps.db, dispatchOn);
    const members = await this.deps.members.byIds(invoices.map((i) => i.member_id));
    return invoices.map((invoice) => ({ invoice, member: members.get(invoice.member_id)! }));
  }

  async markDispatchSent(actor: Actor, dispatchOn: string): Promise<number> {
    return this.deps.db.transaction().execute(async (tx) => {
      const invoices = await this.repo.slipsToSend(tx, dispatchOn);
      const sent = await this.repo.markSlipsSent(tx, invoices.map((i) => i.id), this.deps.clock.now());
      await audit(tx, actor, { action: 'invoice.slips_dispatched', subjectType: 'slip_dispatch', subjectId: dispatchOn, detail: { sent } });
      return sent;
    });
  }

  /** Demo data and tests. Not reachable from a route. */
  async seedFeeTypes(fees: FeeType[]): Promise<void> {
    for (const fee of fees) await this.repo.upsertFeeType(this.deps.db, fee);
  }

  async setAnnualFeeMethod(memberId: number, method: 'invoice' | 'direct_debit' | 'recurring_card'): Promise<void> {
    await this.repo.setAnnualFeeMethod(this.deps.db, memberId, method);
  }

  /**
   * Inside the caller's transaction: cancels the invoice of a business key if it is still 未納 (a renewal
   * the member withdrew from). Returns what it found: 'cancelled', 'none' (no invoice), or the status it
   * left alone (処理中 or 入金済 cannot be cancelled — the caller decides what that means).
   */
  async cancelUnpaidByBusinessKey(tx: Executor, actor: Actor, businessKey: string, reason: string): Promise<'cancelled' | 'none' | InvoiceStatus> {
    const invoice = await this.repo.findByBusinessKey(tx, businessKey, true);
    if (!invoice) return 'none';
    if (invoice.status !== 'unpaid') return invoice.status;
    await this.move(tx, actor, invoice, 'cancel', { cancel_reason: reason }, reason);
    return 'cancelled';
  }
}
