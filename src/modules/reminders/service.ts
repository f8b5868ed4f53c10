import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { ReminderKind, ReminderTopic } from '../../platform/db/schema';
import { type IcsEvent, icsCalendar } from '../../platform/ics';
import { type Locale, translator } from '../../platform/i18n';
import { dateOnly, formatDateEn, formatDateJa, formatYen, tokyoDate } from '../../platform/japanese';
import type { Mailer, MailTemplate, OutgoingMail } from '../../platform/mail/mailer';
import type { ApplicationsService } from '../applications/service';
import type { BillingService } from '../billing/service';
import type { CreditsService } from '../credits/service';
import type { CyclesService } from '../cycles/service';
import { fullName, type MembersService } from '../members/service';
import { formatDeadline, instructionLines } from '../payments/instructions';
import type { PaymentsService } from '../payments/service';
import { RemindersRepository } from './repository';
import { addDays, feeDueRange, notStartedKind, numbersExpiringOn, OPTIONAL_TOPICS, rejectedRange, TOPIC_OF, tokyoDayStart } from './rules';

/** The daily run (08:00 Asia/Tokyo, app.tsx registerJobs). */
export const REMINDERS_JOB = 'reminders.daily';

/** Members a batch claims, mails and commits at once: at 30,000 targets, 60 short transactions. */
const BATCH = 500;

const TEMPLATES: Record<ReminderKind, MailTemplate> = {
  not_started_month: { subject: 'reminders.mailNotStartedMonthSubject', body: 'reminders.mailNotStartedMonthBody' },
  not_started_week: { subject: 'reminders.mailNotStartedWeekSubject', body: 'reminders.mailNotStartedWeekBody' },
  renewal_fee_due: { subject: 'reminders.mailFeeDueSubject', body: 'reminders.mailFeeDueBody' },
  numbers_expiring: { subject: 'reminders.mailNumbersSubject', body: 'reminders.mailNumbersBody' },
  self_report_rejected: { subject: 'reminders.mailSelfReportSubject', body: 'reminders.mailSelfReportBody' },
};

/** One reminder a rule found due: to whom, for which event (the once-only key), with the mail's values. */
export interface DueReminder {
  memberId: number;
  eventKey: string;
  params: Record<string, string | number>;
}

export type ReminderPreferences = Record<ReminderTopic, boolean>;
export type RunReport = Record<ReminderKind, number>;

/**
 * お知らせメール (decisions/0019): each day, every rule asks the owning module for the members it concerns
 * (set-based reads, never one query per member), and each reminder is sent at most once per member, kind
 * and event: the `reminders_sent` row is claimed in the transaction that queues its mail. Members switch
 * the optional ones off on 会員情報照会; their deadlines are also offered as an iCalendar file.
 */
export class RemindersService {
  private repo = new RemindersRepository();

  constructor(private deps: {
    db: Db; clock: Clock; mailer: Mailer; members: MembersService; cycles: CyclesService; applications: ApplicationsService;
    billing: BillingService; payments: PaymentsService; credits: CreditsService; baseUrl: string;
  }) {}

  private day(date: string, locale: Locale = 'ja'): string {
    return locale === 'en' ? formatDateEn(dateOnly(date)) : formatDateJa(dateOnly(date));
  }

  /** The job's handler. Idempotent: a second run the same day (or a retry) finds every reminder claimed. */
  async runDaily(): Promise<RunReport> {
    const today = tokyoDate(this.deps.clock.now());
    const report: RunReport = { not_started_month: 0, not_started_week: 0, renewal_fee_due: 0, numbers_expiring: 0, self_report_rejected: 0 };
    for (const [kind, due] of await this.notStarted(today)) report[kind] += await this.send(kind, due);
    report.renewal_fee_due = await this.send('renewal_fee_due', await this.feeDue(today));
    report.numbers_expiring = await this.send('numbers_expiring', await this.numbersExpiring(today));
    report.self_report_rejected = await this.send('self_report_rejected', await this.selfReports(today));
    return report;
  }

  /** Renewal targets of a cycle whose window closes within a month, with no record in it yet (no draft, no withdrawal). */
  async notStarted(today: string): Promise<[ReminderKind, DueReminder[]][]> {
    const out: [ReminderKind, DueReminder[]][] = [];
    for (const cycle of await this.deps.cycles.all()) {
      const kind = notStartedKind(cycle, today);
      if (!kind) continue;
      const [targets, started] = await Promise.all([this.deps.members.idsWithPeriodEnd(cycle.period_end), this.deps.applications.startedMemberIds(cycle.id)]);
      const startedSet = new Set(started);
      const params = { cycle: cycle.name_ja, deadline: this.day(cycle.window_closes_on), link: `${this.deps.baseUrl}/profile/detail`, settings: this.settingsLink() };
      out.push([kind, targets.filter((id) => !startedSet.has(id)).map((memberId) => ({ memberId, eventKey: `cycle:${cycle.id}`, params }))]);
    }
    return out;
  }

  /** 未納 専門医更新料 (the fee codes the cycles bill) due within the next week; the due date is the invoice's own. */
  async feeDue(today: string): Promise<DueReminder[]> {
    const { from, to } = feeDueRange(today);
    const codes = [...new Set((await this.deps.cycles.all()).map((c) => c.renewal_fee_code))];
    const [invoices, fees] = await Promise.all([this.deps.billing.unpaidDueBetween(codes, from, to), this.deps.billing.feeTypes()]);
    return invoices.map((invoice) => ({
      memberId: invoice.member_id, eventKey: `invoice:${invoice.control_no}`,
      params: {
        fee: fees.find((f) => f.code === invoice.fee_type)?.name_ja ?? invoice.fee_type, amount: formatYen(invoice.amount), controlNo: invoice.control_no,
        due: this.day(invoice.due_on), link: `${this.deps.baseUrl}/billing/${invoice.control_no}`,
      },
    }));
  }

  /** Konbini / Pay-easy numbers waiting to be paid whose deadline is tomorrow (Tokyo). */
  async numbersExpiring(today: string): Promise<DueReminder[]> {
    const tomorrow = numbersExpiringOn(today);
    const t = translator('ja');
    const found = await this.deps.payments.numbersExpiring(tokyoDayStart(tomorrow), tokyoDayStart(addDays(tomorrow, 1)));
    return found.map(({ attempt, invoice }) => ({
      memberId: invoice.member_id, eventKey: `attempt:${attempt.id}`,
      params: {
        method: t(`billing.method.${attempt.method}`), controlNo: invoice.control_no, amount: formatYen(attempt.amount),
        numbers: attempt.instructions ? instructionLines(t, attempt.instructions) : '', deadline: formatDeadline(attempt.expires_at!, 'ja'),
        link: `${this.deps.baseUrl}/billing/${invoice.control_no}`,
      },
    }));
  }

  /** Self-reports rejected 7 (up to 14) days ago and still 却下: not requested again. */
  async selfReports(today: string): Promise<DueReminder[]> {
    const { from, to } = rejectedRange(today);
    const credits = await this.deps.credits.rejectedBetween(tokyoDayStart(from), tokyoDayStart(addDays(to, 1)));
    return credits.map((credit) => {
      const rejectedOn = tokyoDate(credit.decided_at!);
      return {
        memberId: credit.member_id, eventKey: `credit:${credit.id}:${rejectedOn}`,
        params: { controlNo: credit.control_no, rejectedOn: this.day(rejectedOn), reason: credit.rejection_reason ?? '', link: `${this.deps.baseUrl}/credits/${credit.control_no}`, settings: this.settingsLink() },
      };
    });
  }

  private settingsLink(): string {
    return `${this.deps.baseUrl}/profile/detail#reminders-h`;
  }

  /**
   * Sends the reminders not sent before: per batch, members who switched the topic off are left out, the
   * rest are claimed in `reminders_sent`, and exactly the claimed ones get their mail in the same transaction.
   */
  async send(kind: ReminderKind, due: DueReminder[]): Promise<number> {
    const { db, clock, mailer, members } = this.deps;
    const topic = TOPIC_OF[kind];
    const key = (memberId: number, eventKey: string) => `${memberId}|${eventKey}`;
    const unique = [...new Map(due.map((d) => [key(d.memberId, d.eventKey), d])).values()];
    let sent = 0;
    for (let i = 0; i < unique.length; i += BATCH) {
      let batch = unique.slice(i, i + BATCH);
      if (topic) {
        const off = await this.repo.optedOut(db, topic, batch.map((d) => d.memberId));
        batch = batch.filter((d) => !off.has(d.memberId));
      }
      if (batch.length === 0) continue;
      sent += await db.transaction().execute(async (tx) => {
        const claimed = new Set((await this.repo.claim(tx, kind, batch, clock.now())).map((r) => key(r.member_id, r.event_key)));
        const mine = batch.filter((d) => claimed.has(key(d.memberId, d.eventKey)));
        if (mine.length === 0) return 0;
        const people = await members.byIdsIn(tx, mine.map((d) => d.memberId));
        const mails = mine.map((d): OutgoingMail => {
          const member = people.get(d.memberId)!;
          return { to: member.email, locale: 'ja', memberId: member.id, template: TEMPLATES[kind], params: { name: fullName(member), ...d.params } };
        });
        const ids = await mailer.queueMany(tx, mails);
        await this.repo.setMailIds(tx, kind, mine.map((d, j) => ({ memberId: d.memberId, eventKey: d.eventKey, mailId: ids[j]! })));
        return mine.length;
      });
    }
    return sent;
  }

  // ── お知らせメールの設定 ─────────────────────────────────────────────────────────────────────────

  /** Which optional reminders the member receives (all, unless switched off). */
  async preferences(memberId: number): Promise<ReminderPreferences> {
    const off = new Set(await this.repo.topicsOff(this.deps.db, memberId));
    return Object.fromEntries(OPTIONAL_TOPICS.map((t) => [t, !off.has(t)])) as ReminderPreferences;
  }

  /** The member's choice, audited with before and after. Saving the same choice again changes nothing. */
  async setPreferences(actor: Actor, memberId: number, receive: ReminderPreferences): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      await this.repo.lockMember(tx, memberId);
      const before = await this.repo.topicsOff(tx, memberId);
      const after = OPTIONAL_TOPICS.filter((t) => !receive[t]);
      if (before.join() === after.join()) return;
      await this.repo.setTopicsOff(tx, memberId, after, this.deps.clock.now());
      await audit(tx, actor, { action: 'member.reminders_changed', subjectType: 'member', subjectId: memberId, memberId, before: { off: before }, after: { off: after } });
    });
  }

  // ── 締切の iCalendar ─────────────────────────────────────────────────────────────────────────────

  /**
   * The member's own deadlines as iCalendar: the application deadline (while not applied), the due date of
   * every open invoice (専門医更新料, 年会費 …) and the deadline of konbini / Pay-easy numbers waiting to be paid.
   * UIDs name the event (cycle, 管理No, attempt), so importing again updates instead of duplicating.
   */
  async calendarFor(memberId: number, locale: Locale, societyName: string): Promise<string> {
    const { applications, billing, payments, baseUrl, clock } = this.deps;
    const t = translator(locale);
    const host = new URL(baseUrl).host;
    const [status, invoices, attempts] = await Promise.all([applications.renewalStatus(memberId), billing.listForMember(memberId), payments.attemptsForMember(memberId)]);
    const events: IcsEvent[] = [];
    const applied = status?.withdrawal || (status?.renewal && (status.renewal.status === 'submitted' || status.renewal.status === 'completed'));
    if (status && !applied) {
      events.push({
        uid: `application-deadline-${status.cycle.id}-${memberId}@${host}`, date: status.cycle.window_closes_on, url: `${baseUrl}/profile/detail`,
        summary: t('reminders.icsApplicationDeadline', { cycle: locale === 'en' ? status.cycle.name_en : status.cycle.name_ja }),
      });
    }
    for (const { invoice, feeType } of invoices) {
      if (invoice.status !== 'unpaid' && invoice.status !== 'processing') continue;
      events.push({
        uid: `invoice-${invoice.control_no}@${host}`, date: invoice.due_on, url: `${baseUrl}/billing/${invoice.control_no}`,
        summary: t('reminders.icsFeeDue', { fee: locale === 'en' ? feeType.name_en : feeType.name_ja, controlNo: invoice.control_no }),
        description: t('reminders.icsAmount', { amount: formatYen(invoice.amount) }),
      });
    }
    for (const { attempt, controlNo } of attempts) {
      if (attempt.status !== 'awaiting_payment' || !attempt.expires_at || attempt.method === 'card') continue;
      events.push({
        uid: `payment-${attempt.id}@${host}`, at: attempt.expires_at, url: `${baseUrl}/billing/${controlNo}`,
        summary: t('reminders.icsNumbersDeadline', { method: t(`billing.method.${attempt.method}`), controlNo }),
        description: attempt.instructions ? instructionLines(t, attempt.instructions) : undefined,
      });
    }
    return icsCalendar({ prodId: `-//${host}//Koushin deadlines//${locale.toUpperCase()}`, name: t('reminders.icsName', { society: societyName }), events, now: clock.now() });
  }
}
