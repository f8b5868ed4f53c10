import { type Actor, audit, systemActor } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db, Executor } from '../../platform/db/database';
import type { Invoice, OnlineMethod, PaymentAttempt, PaymentInstructions } from '../../platform/db/schema';
import { badRequest, notFound, RuleViolation } from '../../platform/errors';
import { translator, type Locale } from '../../platform/i18n';
import { addBusinessDays, dateOnly, formatYen, tokyoDate } from '../../platform/japanese';
import type { Mailer } from '../../platform/mail/mailer';
import type { Metrics, NotificationOutcome } from '../../platform/metrics';
import type { OverpaymentsService } from '../billing/overpayments';
import type { BillingService, InvoiceSettled, InvoiceView } from '../billing/service';
import { fullName, type MembersService } from '../members/service';
import { BadNotification, type Gateway, type GatewayEvent } from './gateway';
import { formatDeadline, instructionLines } from './instructions';
import { type AttemptFilter, PaymentsRepository } from './repository';
import { type AttemptAction, isLive, nextAttemptStatus } from './transitions';
import { keysetBatches } from '../../platform/db/keyset';
export type { AttemptFilter };

const DAY = 86_400_000;
/** Konbini / Pay-easy numbers are valid until 23:59 JST this many days ahead (demo 7). */
export const PAYMENT_DEADLINE_DAYS = 7;
/** A started payment holds the invoice for this many business days unless the gateway says it is dead sooner. */
export const HOLD_BUSINESS_DAYS = 5;
/** The card page of an abandoned card payment dies after this long. */
const CARD_SESSION_MS = DAY;

export type NotifyResult = 'applied' | 'duplicate' | 'unknown_attempt' | 'ignored';

export interface PaymentState {
  live?: PaymentAttempt;
  last?: PaymentAttempt;
  /** The 「クレジットカード/コンビニ/ペイジーでのお支払い」 button is offered. */
  canStart: boolean;
  methods: OnlineMethod[];
}

/**
 * Online payment of an invoice: attempts (one live at a time), the gateway calls with idempotency keys,
 * and signed notifications applied once, in a transaction, in any order. The invoice becomes 入金済 only
 * through a confirmed settlement (BillingService.settle), never through the browser's return.
 */
export class PaymentsService {
  private repo = new PaymentsRepository();

  constructor(private deps: { db: Db; clock: Clock; billing: BillingService; overpayments: OverpaymentsService; members: MembersService; mailer: Mailer; baseUrl: string; gateway: Gateway | null; metrics?: Metrics }) {}

  get gateway(): Gateway | null {
    return this.deps.gateway;
  }

  /** Methods the member may choose for this invoice: its fee type's, offered by the gateway. */
  methodsFor(view: InvoiceView): OnlineMethod[] {
    const offered = this.deps.gateway?.methods ?? [];
    return view.feeType.methods.filter((m): m is OnlineMethod => m !== 'slip' && offered.includes(m as OnlineMethod));
  }

  /** The invoice page's view of payment: the live attempt (after asking the gateway whether it is still alive). */
  async stateFor(view: InvoiceView): Promise<PaymentState> {
    let live = await this.repo.live(this.deps.db, view.invoice.id);
    let i = view.invoice;
    if (live) {
      live = await this.refresh(live);
      // The hold just ended: the invoice is 未納 again.
      if (!live) i = (await this.deps.billing.getForMember(i.member_id, i.control_no)).invoice;
    }
    const last = live ?? (await this.repo.latest(this.deps.db, view.invoice.id));
    const methods = this.methodsFor(view);
    const canStart = !live && i.status === 'unpaid' && !i.auto_debit && !i.slip_requested_at && methods.length > 0;
    return { live, last, canStart, methods };
  }

  private deadline(now: Date): Date {
    // 23:59:59 JST, PAYMENT_DEADLINE_DAYS days from today in Tokyo (dateOnly is 12:00 UTC = 21:00 JST of that date).
    return new Date(dateOnly(tokyoDate(now)).getTime() + PAYMENT_DEADLINE_DAYS * DAY + 3 * 3_600_000 - 1000);
  }

  private holdEnd(now: Date): Date {
    // Through the end (24:00 JST) of the fifth business day.
    return new Date(addBusinessDays(now, HOLD_BUSINESS_DAYS).getTime() + 3 * 3_600_000);
  }

  /**
   * 「上記情報を送信して、決済を申し込む」: creates the attempt and moves the invoice to 処理中, or resumes the
   * live attempt (a second click, a second tab). The gateway call carries the attempt's idempotency key,
   * so a retry after a crash gets the same gateway payment back.
   */
  async start(actor: Actor, memberId: number, controlNo: string, method: OnlineMethod): Promise<PaymentAttempt> {
    const gateway = this.deps.gateway;
    if (!gateway) throw new RuleViolation('payments.unavailable', {}, 'conflict');
    const view = await this.deps.billing.getForMember(memberId, controlNo);
    await this.stateFor(view); // ends a dead or expired hold first
    const attempt = await this.deps.db.transaction().execute(async (tx) => {
      const invoice = await this.deps.billing.lockForPayment(tx, view.invoice.id);
      const live = await this.repo.live(tx, invoice.id);
      if (live) return live;
      if (invoice.status !== 'unpaid' || invoice.auto_debit || invoice.slip_requested_at || !this.methodsFor(view).includes(method)) {
        throw new RuleViolation('payments.notAvailable', {}, 'conflict');
      }
      const now = this.deps.clock.now();
      const n = await this.repo.countFor(tx, invoice.id);
      const expiresAt = method === 'card' ? new Date(now.getTime() + CARD_SESSION_MS) : this.deadline(now);
      const hold = this.holdEnd(now);
      const created = await this.repo.insert(tx, {
        invoice_id: invoice.id, method, gateway: gateway.name, idempotency_key: `${gateway.name}:invoice-${invoice.id}:attempt-${n + 1}`, amount: invoice.amount,
        expires_at: expiresAt, hold_until: hold > expiresAt ? hold : expiresAt, created_at: now, updated_at: now,
      });
      await this.deps.billing.startProcessing(tx, actor, invoice, '');
      await audit(tx, actor, { action: 'payment.started', subjectType: 'payment_attempt', subjectId: created.id, memberId: invoice.member_id, after: { invoice: invoice.control_no, method, amount: invoice.amount } });
      return created;
    });
    return this.ensureAtGateway(attempt, view);
  }

  /** A live attempt opened again (a second click, a second tab, the retry after a crash before the gateway's answer was stored). */
  resume(attempt: PaymentAttempt, view: InvoiceView): Promise<PaymentAttempt> {
    return this.ensureAtGateway(attempt, view);
  }

  /** The gateway call, outside our transaction; its result is committed separately (retry-safe by key). */
  private async ensureAtGateway(attempt: PaymentAttempt, view: InvoiceView): Promise<PaymentAttempt> {
    const gateway = this.deps.gateway!;
    if (attempt.gateway_ref || attempt.status !== 'created') return attempt;
    const { ref } = await gateway.createAttempt({
      idempotencyKey: attempt.idempotency_key, method: attempt.method, amount: attempt.amount, description: `${view.feeType.name_ja} ${view.invoice.control_no}`,
      returnUrl: `/billing/${view.invoice.control_no}/return`, expiresAt: attempt.expires_at ?? attempt.hold_until,
    });
    return this.deps.db.transaction().execute(async (tx) => {
      const current = (await this.repo.byId(tx, attempt.id, true))!;
      if (current.gateway_ref) return current;
      const to = nextAttemptStatus(current.status, 'open');
      const now = this.deps.clock.now();
      await this.repo.update(tx, current.id, { gateway_ref: ref, ...(to ? { status: to } : {}), updated_at: now });
      return { ...current, gateway_ref: ref, status: to ?? current.status, updated_at: now };
    });
  }

  /** Where the member's browser goes for a live attempt: the gateway's page, or the invoice (numbers shown there). */
  nextUrl(attempt: PaymentAttempt, controlNo: string): string {
    const gateway = this.deps.gateway;
    if ((attempt.status === 'at_gateway' || attempt.status === 'created') && attempt.gateway_ref && gateway) {
      return gateway.redirectUrl ? gateway.redirectUrl(attempt.gateway_ref) : `/billing/${controlNo}/pay/gateway`;
    }
    return `/billing/${controlNo}`;
  }

  /**
   * Asks the gateway about a live attempt and ends the hold when it is dead or its time is up. Never
   * settles: money is confirmed only by a signed notification.
   */
  async refresh(attempt: PaymentAttempt): Promise<PaymentAttempt | undefined> {
    const gateway = this.deps.gateway;
    if (!gateway || !isLive(attempt.status)) return isLive(attempt.status) ? attempt : undefined;
    // The gateway has the money (its notice is late or lost): the hold stays until the signed notice comes.
    let paidAtGateway = false;
    if (attempt.gateway_ref) {
      const q = await gateway.queryStatus(attempt.gateway_ref);
      paidAtGateway = q.state === 'settled' || q.state === 'paid_provisional';
      if (q.state === 'failed' || q.state === 'expired' || q.state === 'cancelled') {
        await this.applyTo(attempt.id, q.state === 'failed' ? 'fail' : q.state === 'expired' ? 'expire' : 'cancel', {});
      } else if (q.state === 'awaiting_payment' && attempt.status === 'at_gateway') {
        await this.applyTo(attempt.id, 'issue_numbers', { instructions: q.instructions, expiresAt: q.expiresAt });
      } else if (q.state === 'awaiting_payment' && attempt.status === 'paid_provisional') {
        // The store withdrew its 速報 and that notice was lost: waiting again, or expired past the deadline.
        await this.applyTo(attempt.id, 'provisional_cancelled', {});
      }
    }
    let current = await this.repo.byId(this.deps.db, attempt.id);
    if (current && isLive(current.status) && current.status !== 'paid_provisional' && !paidAtGateway && current.hold_until <= this.deps.clock.now()) {
      if (current.gateway_ref) await gateway.cancel(current.gateway_ref);
      await this.applyTo(current.id, 'expire', {});
      current = await this.repo.byId(this.deps.db, attempt.id);
    }
    return current && isLive(current.status) ? current : undefined;
  }

  /** The reconciliation job: asks the gateway about every live attempt, so a lost notice ends no hold wrongly. */
  async reconcile(): Promise<number> {
    const live = await this.repo.allLive(this.deps.db, 1000);
    for (const a of live) await this.refresh(a);
    return live.length;
  }

  /**
   * The invoice was paid some other way (a transfer the secretariat saw, a result file): a live attempt on
   * it is pointless and its konbini / Pay-easy numbers would invite paying twice, so it is cancelled at the
   * gateway and here. Not after a 速報: that money is on its way and becomes an overpayment to refund.
   * Idempotent (BillingService.onSettled listeners are retried).
   */
  async onInvoiceSettled(event: InvoiceSettled): Promise<void> {
    const live = await this.repo.live(this.deps.db, event.invoiceId);
    if (!live || live.status === 'paid_provisional') return;
    if (live.gateway_ref) await this.deps.gateway?.cancel(live.gateway_ref);
    await this.applyTo(live.id, 'cancel', {});
  }

  /** `POST /payments/notify/:gateway`: verified, stored once by event id, applied in one transaction. */
  async notify(gatewayName: string, headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<NotifyResult> {
    const gateway = this.deps.gateway;
    if (!gateway || gateway.name !== gatewayName) throw notFound('gateway');
    const count = (outcome: NotificationOutcome) => this.deps.metrics?.paymentNotification(gateway.name, outcome);
    count('received');
    let event: GatewayEvent | null;
    try {
      event = await gateway.verifyNotification(headers, rawBody);
    } catch (err) {
      if (err instanceof BadNotification) {
        count('rejected');
        throw badRequest(err.message);
      }
      throw err;
    }
    if (!event) {
      count('ignored');
      return 'ignored';
    }
    const result = await this.deps.db.transaction().execute(async (tx): Promise<NotifyResult> => {
      const now = this.deps.clock.now();
      const id = await this.repo.recordNotification(tx, { gateway: gateway.name, event_id: event.eventId, gateway_ref: event.ref, payload: rawBody, received_at: now });
      if (id === null) return 'duplicate';
      const attempt = await this.repo.byRef(tx, gateway.name, event.ref);
      if (!attempt) return 'unknown_attempt'; // kept, unapplied, for the secretariat / reconciliation
      const action: AttemptAction = event.type === 'awaiting_payment' ? 'issue_numbers' : event.type === 'paid_provisional' ? 'provisional'
        : event.type === 'provisional_cancelled' ? 'provisional_cancelled' : event.type === 'settled' ? 'settle' : event.type === 'failed' ? 'fail' : event.type === 'expired' ? 'expire' : 'cancel';
      await this.apply(tx, attempt.id, action, { instructions: event.instructions, expiresAt: event.expiresAt, eventId: event.eventId });
      await this.repo.markApplied(tx, id, attempt.id, now);
      return 'applied';
    });
    count(result);
    return result;
  }

  private async applyTo(attemptId: number, action: AttemptAction, info: { instructions?: PaymentInstructions; expiresAt?: string }): Promise<void> {
    await this.deps.db.transaction().execute((tx) => this.apply(tx, attemptId, action, info));
  }

  /**
   * One fact about an attempt, applied under the invoice's lock (then the attempt's: the same order as
   * `start`). Out of order is safe: a transition the table does not allow changes nothing, a 確報 jumps
   * over a missing 速報, and a settlement for an invoice that cannot take it is kept as an overpayment.
   * A withdrawn 速報 puts the attempt back to waiting while its numbers are valid, else it expires.
   * Numbers issued are mailed to the member in the same transaction.
   */
  private async apply(tx: Executor, attemptId: number, action: AttemptAction, info: { instructions?: PaymentInstructions; expiresAt?: string; eventId?: string }): Promise<void> {
    const peek = await this.repo.byId(tx, attemptId);
    if (!peek) return;
    const invoice = await this.deps.billing.lockForPayment(tx, peek.invoice_id);
    const attempt = (await this.repo.byId(tx, attemptId, true))!;
    const now = this.deps.clock.now();
    const effective: AttemptAction = action === 'settle' && (attempt.status === 'expired' || attempt.status === 'cancelled') ? 'late_settle'
      : action === 'provisional_cancelled' && (!attempt.expires_at || attempt.expires_at <= now) ? 'expire' : action;
    const to = nextAttemptStatus(attempt.status, effective);
    if (!to) return;
    const changes: Parameters<PaymentsRepository['update']>[2] = { status: to, updated_at: now };
    if (info.instructions) changes.instructions = info.instructions;
    if (info.expiresAt && effective === 'issue_numbers') changes.expires_at = new Date(info.expiresAt);
    if (to === 'settled') changes.settled_at = now;
    if (effective === 'provisional_cancelled') changes.provisional_cancelled_at = now;
    const auditBase = { subjectType: 'payment_attempt', subjectId: attempt.id, memberId: invoice.member_id, before: { status: attempt.status } };

    if (to === 'settled') {
      // Another live attempt on the same invoice (started after this one was given up) is now pointless.
      const other = await this.repo.live(tx, invoice.id, true);
      if (other && other.id !== attempt.id && other.status !== 'paid_provisional') {
        await this.repo.update(tx, other.id, { status: 'cancelled', updated_at: now });
        if (other.gateway_ref) await this.deps.gateway?.cancel(other.gateway_ref);
      }
      await this.repo.update(tx, attempt.id, changes);
      const settled = await this.deps.billing.settle(tx, systemActor, invoice, { paidOn: tokyoDate(now), method: attempt.method, reference: attempt.gateway_ref ?? attempt.idempotency_key });
      if (!settled) {
        await this.repo.update(tx, attempt.id, { overpayment: true, updated_at: now });
        await this.deps.overpayments.record(tx, systemActor, {
          invoiceId: invoice.id, memberId: invoice.member_id, source: 'gateway', sourceRef: `${attempt.gateway}:${attempt.gateway_ref ?? attempt.idempotency_key}`,
          amount: attempt.amount, receivedOn: tokyoDate(now), method: attempt.method, reference: attempt.gateway_ref ?? attempt.idempotency_key,
        });
        await audit(tx, systemActor, { ...auditBase, action: 'payment.overpayment', after: { status: to, invoiceStatus: invoice.status, amount: attempt.amount }, detail: { eventId: info.eventId } });
        return;
      }
    } else {
      await this.repo.update(tx, attempt.id, changes);
      if (!isLive(to)) await this.deps.billing.backToUnpaid(tx, systemActor, invoice, '');
      const instructions = info.instructions ?? attempt.instructions;
      if (effective === 'issue_numbers' && instructions) {
        await this.queueNumbersMail(tx, { ...attempt, instructions, expires_at: changes.expires_at ?? attempt.expires_at }, invoice);
      }
    }
    await audit(tx, systemActor, { ...auditBase, action: `payment.${effective}`, after: { status: to }, detail: info.eventId ? { eventId: info.eventId } : undefined });
  }

  /** The konbini / Pay-easy numbers by mail: chain, numbers, amount, deadline (和暦) and the invoice's link. */
  private async queueNumbersMail(tx: Executor, attempt: PaymentAttempt & { instructions: PaymentInstructions }, invoice: Invoice, locale: Locale = 'ja'): Promise<void> {
    const member = await this.deps.members.getByIdIn(tx, invoice.member_id);
    const fee = await this.deps.billing.feeTypeIn(tx, invoice.fee_type);
    const controlNo = invoice.control_no;
    const t = translator(locale);
    await this.deps.mailer.queue(tx, {
      to: member.email, locale, memberId: member.id,
      template: { subject: 'mail.paymentNumbersSubject', body: 'mail.paymentNumbersBody' },
      params: {
        name: fullName(member), fee: locale === 'en' ? fee.name_en : fee.name_ja, amount: formatYen(attempt.amount), controlNo, method: t(`billing.method.${attempt.method}`),
        numbers: instructionLines(t, attempt.instructions), deadline: attempt.expires_at ? formatDeadline(attempt.expires_at, locale) : '', link: `${this.deps.baseUrl}/billing/${controlNo}`,
      },
    });
  }

  /** Settlements that arrived for an invoice already paid or cancelled: to refund (staff queue). */
  overpayments(): Promise<PaymentAttempt[]> {
    return this.repo.overpayments(this.deps.db);
  }

  // ── Staff reads (the staff invoice and member pages) ─────────────────────────────────────────────

  /** Attempts per method and status (the dashboard); `since` keeps those started in the cycle. */
  countsByMethodStatus(filter: Pick<AttemptFilter, 'since'> = {}) {
    return this.repo.countsByMethodStatus(this.deps.db, filter);
  }

  /** The staff payments list: attempts newest first with their invoice (管理No, member id), a page after `beforeId`. */
  async staffPage(filter: AttemptFilter, limit: number, beforeId?: number): Promise<StaffPaymentRow[]> {
    const attempts = await this.repo.page(this.deps.db, filter, limit, beforeId);
    const invoices = await this.deps.billing.byIds(attempts.map((a) => a.invoice_id));
    return attempts.map((attempt) => {
      const invoice = invoices.get(attempt.invoice_id)!;
      return { attempt, controlNo: invoice.control_no, memberId: invoice.member_id };
    });
  }

  /** Every matching attempt, a batch at a time (keyset on the id: constant memory at any size). */
  batches(filter: AttemptFilter, size = 2000): AsyncGenerator<StaffPaymentRow[]> {
    return keysetBatches((before: number | undefined, n) => this.staffPage(filter, n, before), (r) => r.attempt.id, size);
  }

  /** Every attempt on an invoice, latest first, with the notifications received for it. */
  async attemptsForInvoice(invoiceId: number): Promise<StaffAttempt[]> {
    const attempts = await this.repo.forInvoices(this.deps.db, [invoiceId]);
    const notifications = await this.repo.notificationsFor(this.deps.db, attempts);
    return attempts.map((attempt) => ({
      attempt,
      notifications: notifications.filter((n) => n.attempt_id === attempt.id || (n.attempt_id === null && n.gateway === attempt.gateway && n.gateway_ref !== null && n.gateway_ref === attempt.gateway_ref)),
    }));
  }

  /**
   * Konbini / Pay-easy numbers still waiting to be paid whose deadline falls in [from, to), each with its
   * invoice: two queries whatever their number (the reminder of numbers expiring tomorrow).
   */
  async numbersExpiring(from: Date, to: Date): Promise<{ attempt: PaymentAttempt; invoice: Invoice }[]> {
    const attempts = await this.repo.awaitingExpiring(this.deps.db, from, to);
    const invoices = await this.deps.billing.byIds(attempts.map((a) => a.invoice_id));
    return attempts.filter((a) => invoices.get(a.invoice_id)?.status === 'processing' || invoices.get(a.invoice_id)?.status === 'unpaid')
      .map((attempt) => ({ attempt, invoice: invoices.get(attempt.invoice_id)! }));
  }

  /** A member's attempts on all their invoices, latest first, each with its invoice's 管理No. */
  async attemptsForMember(memberId: number): Promise<{ attempt: PaymentAttempt; invoiceId: number; controlNo: string }[]> {
    const invoices = await this.deps.billing.listForMember(memberId);
    const controlNos = new Map(invoices.map((v) => [v.invoice.id, v.invoice.control_no]));
    const attempts = await this.repo.forInvoices(this.deps.db, [...controlNos.keys()]);
    return attempts.map((attempt) => ({ attempt, invoiceId: attempt.invoice_id, controlNo: controlNos.get(attempt.invoice_id)! }));
  }
}

export interface StaffPaymentRow {
  attempt: PaymentAttempt;
  controlNo: string;
  memberId: number;
}

export interface StaffAttempt {
  attempt: PaymentAttempt;
  notifications: Awaited<ReturnType<PaymentsRepository['notificationsFor']>>;
}
