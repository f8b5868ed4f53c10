import { type Actor, audit, systemActor } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db, Executor } from '../../platform/db/database';
import type { Application, ApplicationEvent, ApplicationFile, ApplicationStatus, ApplicationType, Member, RenewalCycle } from '../../platform/db/schema';
import { notFound, RuleViolation } from '../../platform/errors';
import type { Locale } from '../../platform/i18n';
import { formatDateEn, formatDateJa, dateOnly, formatYen, tokyoDate } from '../../platform/japanese';
import type { Mailer } from '../../platform/mail/mailer';
import { type FileStore, isDiskFull, MAX_UPLOAD_BYTES, safeOriginalName, sniffType } from '../../platform/uploads';
import type { BillingService, InvoiceSettled } from '../billing/service';
import type { CreditsService } from '../credits/service';
import type { CyclesService } from '../cycles/service';
import { fullName, type MembersService } from '../members/service';
import { type Eligibility, type EligibilityService, factsOf } from './eligibility';
import { abroadCreditDates } from './eligibility-rules';
import { type ApplicationChanges, ApplicationsRepository } from './repository';
import type { InitialInput, RenewalInput, WithdrawalInput } from './schemas';
import type { RenewalStatus } from './tasks';
import { type ApplicationAction, nextApplicationStatus } from './transitions';

export type { Application };

export interface ApplicationView {
  application: Application;
  cycle?: RenewalCycle;
  /** A record of a cycle whose window has closed: shown, never changed. */
  readOnly: boolean;
}

export type DraftInput =
  | { type: 'renewal'; data: RenewalInput }
  | { type: 'withdrawal'; data: WithdrawalInput }
  | { type: 'initial'; data: InitialInput };

export type SubmitResult =
  | { outcome: 'submitted' | 'already'; application: Application; invoiceNo?: string }
  | { outcome: 'refused'; application: Application; eligibility: Eligibility };

/**
 * The business key of a renewal's 専門医更新料: billing creates it once, the settlement listener reads it back.
 * A renewal reverted to draft (差し戻し) and submitted again is billed under the next round's key.
 */
export const renewalFeeKey = (applicationId: number, round = 0) => `renewal_fee:application:${applicationId}${round > 0 ? `:${round}` : ''}`;
const RENEWAL_FEE_KEY = /^renewal_fee:application:(\d{1,10})(?::\d{1,6})?$/;

/** 事務局入力（郵送）: the day the paper form arrived. */
export interface PaperEntry { receivedOn: string }

/** A file of one of the member's applications, for the staff member page. */
export interface MemberApplicationFile {
  id: number; applicationId: number; applicationNo: string; kind: ApplicationFile['kind']; name: string; contentType: string; sizeBytes: number; uploadedAt: Date; rejected: boolean;
}

const changesOf = (input: DraftInput): ApplicationChanges => {
  if (input.type === 'withdrawal') {
    return { withdrawal_reason: input.data.withdrawalReason, withdrawal_reason_other: input.data.withdrawalReason === 'other' ? input.data.withdrawalReasonOther : '' };
  }
  if (input.type === 'initial') {
    const d = input.data;
    return { base_qualification: d.baseQualification, base_qualification_number: d.baseQualificationNumber, licence_date: d.licenceDate, acls_valid_until: d.aclsValidUntil };
  }
  const d = input.data;
  const abroad = d.abroad === 'yes';
  return {
    base_qualification: d.baseQualification, base_qualification_number: d.baseQualificationNumber, base_qualification_year: d.baseQualificationYear,
    base_period_start: d.basePeriodStart, base_period_end: d.basePeriodEnd,
    abroad, abroad_departed_on: abroad ? d.abroadDepartedOn ?? null : null,
    abroad_ongoing: abroad && d.abroadStatus === 'ongoing', abroad_returned_on: abroad && d.abroadStatus === 'returned' ? d.abroadReturnedOn ?? null : null,
  };
};

/**
 * 専門医資格申請情報: drafts (新規申請 / 更新申請 / 辞退申請), the renewal submission that bills the
 * 専門医更新料 through billing, the completion when that fee is paid, and the withdrawal.
 */
export class ApplicationsService {
  private repo = new ApplicationsRepository();

  constructor(private deps: {
    db: Db; clock: Clock; mailer: Mailer; members: MembersService; cycles: CyclesService; billing: BillingService; eligibility: EligibilityService; credits: CreditsService; files: FileStore; baseUrl: string;
  }) {}

  private today(): string {
    return tokyoDate(this.deps.clock.now());
  }

  /** A cycle takes applications inside its window; before it or after it, nothing changes. */
  private windowOpen(cycle: RenewalCycle): boolean {
    const today = this.today();
    return today >= cycle.window_opens_on && today <= cycle.window_closes_on;
  }

  private async view(application: Application): Promise<ApplicationView> {
    const cycle = application.cycle_id ? await this.deps.cycles.byId(this.deps.db, application.cycle_id) : undefined;
    return { application, cycle, readOnly: !!cycle && this.today() > cycle.window_closes_on };
  }

  async listForMember(memberId: number): Promise<ApplicationView[]> {
    const rows = await this.repo.forMember(this.deps.db, memberId);
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async getForMember(memberId: number, applicationNo: string): Promise<ApplicationView & { events: ApplicationEvent[]; files: ApplicationFile[] }> {
    const application = await this.repo.findForMember(this.deps.db, memberId, applicationNo);
    if (!application) throw notFound('application');
    return this.record(application);
  }

  /** `files`: the 在籍証明書 that count; `scans`: the paper form; `returned`: certificates sent back (再提出を依頼). */
  private async record(application: Application) {
    const [view, events, all] = await Promise.all([this.view(application), this.repo.events(this.deps.db, application.id), this.repo.files(this.deps.db, application.id)]);
    const files = all.filter((f) => f.kind === 'enrollment_certificate' && !f.rejected_at);
    const scans = all.filter((f) => f.kind === 'paper_form');
    const returned = all.filter((f) => f.kind === 'enrollment_certificate' && f.rejected_at);
    return { ...view, events, files, scans, returned };
  }

  /** Every uploaded file of the member's applications (在籍証明書, scans of paper forms), newest first. */
  async filesForMember(memberId: number): Promise<MemberApplicationFile[]> {
    return (await this.repo.filesOfMember(this.deps.db, memberId)).map((f) => ({
      id: f.id, applicationId: f.application_id, applicationNo: f.application_no, kind: f.kind, name: f.original_name, contentType: f.content_type,
      sizeBytes: f.size_bytes, uploadedAt: f.uploaded_at, rejected: !!f.rejected_at,
    }));
  }

  // ── 留学: the 在籍証明書 (copy), uploaded with the credit proofs' rules, verified by the secretariat ─────

  /** Upload the enrollment certificate, possibly after return (even once the cycle has closed), until it is verified. */
  async attachCertificate(actor: Actor, memberId: number, applicationNo: string, file: { data: Buffer; name: string }): Promise<ApplicationFile> {
    const check = (a: Application | undefined): Application => {
      if (!a || a.type !== 'renewal') throw notFound('application');
      if (!a.abroad || a.abroad_verified_at || a.status === 'cancelled') throw new RuleViolation('applications.certificateNotExpected', {}, 'conflict');
      return a;
    };
    return this.storeFile(actor, file, 'enrollment_certificate', 'application.certificate_attached', memberId,
      async (db, lock) => check(await this.repo.findForMember(db, memberId, applicationNo, lock)));
  }

  /** 事務局入力（郵送）: the scan of the paper form, with the credit proofs' upload rules, until the renewal is completed. */
  async attachPaperScan(actor: Actor, applicationId: number, file: { data: Buffer; name: string }): Promise<ApplicationFile> {
    let memberId = 0;
    const check = (a: Application | undefined): Application => {
      if (!a || a.channel !== 'paper') throw notFound('application');
      if (a.status !== 'draft' && a.status !== 'submitted') throw new RuleViolation('applications.wrongState', {}, 'conflict');
      memberId = a.member_id;
      return a;
    };
    check(await this.repo.findById(this.deps.db, applicationId));
    return this.storeFile(actor, file, 'paper_form', 'application.paper_scan_attached', memberId,
      async (db, lock) => check(await this.repo.findById(db, applicationId, lock)));
  }

  /**
   * The upload rules of the credit proofs (size, PDF/JPEG/PNG by content). The file goes to disk first; if the
   * record cannot be written it is removed again: never a row without its file.
   */
  private async storeFile(actor: Actor, file: { data: Buffer; name: string }, kind: ApplicationFile['kind'], action: string, memberId: number,
    load: (db: Executor, lock: boolean) => Promise<Application>): Promise<ApplicationFile> {
    if (file.data.length === 0) throw new RuleViolation('credits.fileEmpty', {}, 'bad_request');
    if (file.data.length > MAX_UPLOAD_BYTES) throw new RuleViolation('credits.fileTooLarge', { mb: MAX_UPLOAD_BYTES / 1024 / 1024 }, 'bad_request');
    const type = sniffType(file.data);
    if (!type) throw new RuleViolation('credits.fileType', {}, 'bad_request');
    await load(this.deps.db, false);
    const stored = await this.deps.files.save(file.data, type).catch((err: unknown) => {
      throw new RuleViolation(isDiskFull(err) ? 'faults.storageFull' : 'credits.fileStoreFailed', {}, 'unavailable');
    });
    try {
      return await this.deps.db.transaction().execute(async (tx) => {
        const application = await load(tx, true);
        const row = await this.repo.insertFile(tx, {
          application_id: application.id, kind, stored_name: stored.storedName, original_name: safeOriginalName(file.name),
          content_type: type, size_bytes: file.data.length, sha256: stored.sha256,
        });
        await this.repo.update(tx, application.id, { updated_at: this.deps.clock.now() });
        await audit(tx, actor, { action, subjectType: 'application', subjectId: application.application_no, memberId: memberId || application.member_id, detail: { file: row.original_name, bytes: row.size_bytes, type } });
        return row;
      });
    } catch (err) {
      await this.deps.files.remove(stored.storedName);
      throw err;
    }
  }

  async fileForMember(memberId: number, applicationNo: string, fileId: number): Promise<ApplicationFile> {
    const application = await this.repo.findForMember(this.deps.db, memberId, applicationNo);
    const file = application ? await this.repo.file(this.deps.db, application.id, fileId) : undefined;
    if (!file) throw notFound('file');
    return file;
  }

  async fileForStaff(applicationId: number, fileId: number): Promise<ApplicationFile> {
    const file = await this.repo.file(this.deps.db, applicationId, fileId);
    if (!file) throw notFound('file');
    return file;
  }

  openFile(file: ApplicationFile) {
    return this.deps.files.open(file.stored_name);
  }

  async getForStaff(id: number) {
    const application = await this.repo.findById(this.deps.db, id);
    if (!application) throw notFound('application');
    return this.record(application);
  }

  /** The renewals of a cycle that reached 更新完了 (with their granted period): what 専門医証 are issued for, in the issuer's transaction. */
  completedRenewals(tx: Executor, cycleId: number): Promise<Application[]> {
    return this.repo.completedRenewals(tx, cycleId);
  }

  /** The secretariat's queue: uploaded certificates not yet verified. */
  async certificatesToVerify(): Promise<ApplicationView[]> {
    return Promise.all((await this.repo.certificatesToVerify(this.deps.db)).map((a) => this.view(a)));
  }

  /**
   * 事務局: the certificate was checked; the record stops showing 確認待ち. A stay that ended inside the period
   * earns the cycle's study-abroad credits first (one line per whole month, each keyed to this application,
   * so a retry after a failure records none twice). Audited.
   */
  async verifyCertificate(actor: Actor, id: number): Promise<void> {
    const found = await this.repo.findById(this.deps.db, id);
    if (!found) throw notFound('application');
    const cycle = found.cycle_id ? await this.deps.cycles.byId(this.deps.db, found.cycle_id) : undefined;
    const member = await this.deps.members.getById(found.member_id);
    const period = member.cert_period_start && member.cert_period_end ? { start: member.cert_period_start, end: member.cert_period_end } : null;
    const dates = cycle && !found.abroad_verified_at ? abroadCreditDates(factsOf(found), period, cycle.new_period_start, cycle.study_abroad) : [];
    for (const [i, activityDate] of dates.entries()) {
      await this.deps.credits.recordEarned(actor, { memberId: found.member_id, code: cycle!.study_abroad.catalogueCode, activityDate, source: 'staff', externalId: `abroad:${id}:${i}` })
        .catch((err: { code?: string }) => { if (err.code !== '23505') throw err; });
    }
    await this.deps.db.transaction().execute(async (tx) => {
      const application = await this.repo.findById(tx, id, true);
      if (!application) throw notFound('application');
      const files = (await this.repo.files(tx, id)).filter((f) => f.kind === 'enrollment_certificate' && !f.rejected_at);
      if (!application.abroad || application.abroad_verified_at || files.length === 0) throw new RuleViolation('applications.certificateNotVerifiable', {}, 'conflict');
      const now = this.deps.clock.now();
      await this.repo.update(tx, id, { abroad_verified_at: now, abroad_verified_by: actor.id, updated_at: now });
      await this.event(tx, actor, application, 'verify_certificate', application.status, application.status);
      await audit(tx, actor, { action: 'application.certificate_verified', subjectType: 'application', subjectId: application.application_no, memberId: application.member_id, detail: { abroadCredits: dates.length } });
    });
  }

  /**
   * How many renewals of a cycle are 更新申請完了 or 更新完了: their outcome was decided under the cycle's rules,
   * so the cycle admin locks those rules once this is above zero. Through the executor given (the admin's
   * transaction when it edits; the pool when it lists).
   */
  submittedInCycle(db: Executor, cycleId: number): Promise<number> {
    return this.repo.countInCycle(db, cycleId, ['submitted', 'completed']);
  }

  /**
   * 事務局: 「再提出を依頼」. The uploaded 在籍証明書 stops counting (kept, marked with the reason), the record shows
   * 証明書類未提出 again, and the member is mailed the reason with a link to upload a new one. Audited.
   */
  async requestNewCertificate(actor: Actor, id: number, reason: string): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const application = await this.repo.findById(tx, id, true);
      if (!application) throw notFound('application');
      if (!application.abroad || application.abroad_verified_at) throw new RuleViolation('applications.certificateNotVerifiable', {}, 'conflict');
      const returned = await this.repo.rejectCertificates(tx, id, reason, this.deps.clock.now());
      if (returned === 0) throw new RuleViolation('applications.certificateNotVerifiable', {}, 'conflict');
      await this.repo.update(tx, id, { updated_at: this.deps.clock.now() });
      await this.event(tx, actor, application, 'request_certificate', application.status, application.status, reason);
      await audit(tx, actor, { action: 'application.certificate_requested', subjectType: 'application', subjectId: application.application_no, memberId: application.member_id,
        before: { certificate: 'uploaded' }, after: { certificate: 'missing' }, detail: { reason, files: returned } });
      const member = await this.deps.members.getByIdIn(tx, application.member_id);
      await this.deps.mailer.queue(tx, {
        to: member.email, locale: 'ja', memberId: member.id,
        template: { subject: 'm360.mailCertificateSubject', body: 'm360.mailCertificateBody' },
        params: { name: fullName(member), no: application.application_no, reason, link: `${this.deps.baseUrl}/applications/${application.application_no}` },
      });
    });
  }

  /** The renewal cycle a member is due for (and may apply in), or undefined. */
  cycleFor(memberId: number, member?: Member): Promise<RenewalCycle | undefined> {
    return this.deps.eligibility.cycleFor(memberId, member);
  }

  /** Where the member stands in the cycle they are due for (the task list), or undefined when not a renewal target. */
  async renewalStatus(memberId: number): Promise<RenewalStatus | undefined> {
    // Every home page of a renewal target asks this: the member once, then the application rows, the unpaid fees,
    // the transcript and the invoices in parallel (not one after another, not the member three times).
    const member = await this.deps.members.getById(memberId);
    const cycle = await this.cycleFor(memberId, member);
    if (!cycle) return undefined;
    const [all, inputs, invoices] = await Promise.all([
      this.repo.forMember(this.deps.db, memberId), this.deps.eligibility.gather(memberId, cycle, member), this.deps.billing.listForMember(memberId),
    ]);
    const rows = all.filter((a) => a.cycle_id === cycle.id);
    const withdrawal = rows.find((a) => a.type === 'withdrawal' && a.status === 'withdrawn');
    const renewals = rows.filter((a) => a.type === 'renewal' && a.status !== 'cancelled');
    const renewal = renewals.find((a) => a.status === 'submitted' || a.status === 'completed') ?? renewals[0];
    const eligibility = this.deps.eligibility.assess(inputs, renewal);
    const found = renewal?.invoice_id ? invoices.find((v) => v.invoice.id === renewal.invoice_id) : undefined;
    const invoice = found ? { controlNo: found.invoice.control_no, status: found.invoice.status, amount: found.invoice.amount, dueOn: found.invoice.due_on } : undefined;
    return { cycle, renewal, withdrawal, eligibility, invoice };
  }

  /**
   * Members who have started in a cycle: any draft, submission or withdrawal (one query; the reminders
   * tell the cycle's other renewal targets that the deadline is near).
   */
  startedMemberIds(cycleId: number): Promise<number[]> {
    return this.repo.memberIdsInCycle(this.deps.db, cycleId);
  }

  /**
   * 「保存」 of a new record: a draft (下書き). Saving is not applying. `paper`: the secretariat enters a 郵送の
   * 認定更新申請書 for the member (事務局入力（郵送）): the same form, rules and window, plus its 受付日.
   */
  async createDraft(actor: Actor, memberId: number, input: DraftInput, paper?: PaperEntry): Promise<Application> {
    const cycle = input.type === 'initial' ? undefined : await this.cycleFor(memberId);
    if (paper && paper.receivedOn > this.today()) throw new RuleViolation('m360.receivedInFuture', {}, 'bad_request');
    if (input.type !== 'initial') {
      if (!cycle) throw new RuleViolation('applications.notTarget', {}, 'invalid_state');
      if (!this.windowOpen(cycle)) throw new RuleViolation('applications.windowClosed', { from: cycle.window_opens_on, to: cycle.window_closes_on }, 'invalid_state');
    }
    return this.deps.db.transaction().execute(async (tx) => {
      await this.repo.lockMember(tx, memberId);
      if (cycle) await this.refuseIfDecided(tx, memberId, cycle, input.type);
      const entry = paper ? { channel: 'paper' as const, received_on: paper.receivedOn, entered_by: actor.id } : {};
      const application = await this.repo.insert(tx, { member_id: memberId, cycle_id: cycle?.id ?? null, type: input.type, ...changesOf(input), ...entry } as Parameters<ApplicationsRepository['insert']>[1]);
      await this.event(tx, actor, application, 'create', null, 'draft', paper ? `事務局入力（郵送） 受付日 ${paper.receivedOn}` : '');
      await audit(tx, actor, { action: 'application.created', subjectType: 'application', subjectId: application.application_no, memberId,
        after: { type: input.type, cycle: cycle?.fiscal_year ?? null, ...(paper ? { channel: 'paper', receivedOn: paper.receivedOn } : {}) } });
      return application;
    });
  }

  /** A member who withdrew cannot renew in the same cycle, and one who applied for renewal is told so before another draft. */
  private async refuseIfDecided(tx: Executor, memberId: number, cycle: RenewalCycle, type: ApplicationType): Promise<void> {
    const decided = await this.repo.forCycle(tx, memberId, cycle.id, ['submitted', 'completed', 'withdrawn']);
    if (decided.some((a) => a.status === 'withdrawn')) throw new RuleViolation('applications.alreadyWithdrawn', { no: decided.find((a) => a.status === 'withdrawn')!.application_no }, 'conflict');
    if (type === 'renewal' && decided.length > 0) throw new RuleViolation('applications.alreadyApplied', { no: decided[0]!.application_no }, 'conflict');
    if (type === 'withdrawal' && decided.some((a) => a.status === 'completed')) throw new RuleViolation('applications.withdrawAfterCompleted', {}, 'conflict');
  }

  /** Loads the member's own record locked, refuses records of a closed cycle and actions the workflow does not allow. */
  private async lockForAction(tx: Executor, memberId: number, applicationNo: string, action: ApplicationAction, type?: ApplicationType) {
    const application = await this.repo.findForMember(tx, memberId, applicationNo, true);
    if (!application || (type && application.type !== type)) throw notFound('application');
    const cycle = application.cycle_id ? await this.deps.cycles.byId(tx, application.cycle_id) : undefined;
    const to = nextApplicationStatus(application.type, application.status, action);
    return { application, cycle, to };
  }

  private assertChangeable(cycle: RenewalCycle | undefined, to: ApplicationStatus | null | undefined): asserts to is ApplicationStatus | null {
    if (cycle && !this.windowOpen(cycle)) throw new RuleViolation('applications.readOnly', {}, 'invalid_state');
    if (to === undefined) throw new RuleViolation('applications.wrongState', {}, 'conflict');
  }

  async update(actor: Actor, memberId: number, applicationNo: string, input: DraftInput): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const { application, cycle, to } = await this.lockForAction(tx, memberId, applicationNo, 'edit', input.type);
      this.assertChangeable(cycle, to);
      const changes = changesOf(input);
      await this.repo.update(tx, application.id, { ...changes, updated_at: this.deps.clock.now() });
      await this.event(tx, actor, application, 'edit', application.status, 'draft');
      await audit(tx, actor, { action: 'application.updated', subjectType: 'application', subjectId: application.application_no, memberId, after: changes });
    });
  }

  async delete(actor: Actor, memberId: number, applicationNo: string): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const { application, cycle, to } = await this.lockForAction(tx, memberId, applicationNo, 'delete');
      this.assertChangeable(cycle, to);
      await this.repo.delete(tx, application.id);
      await audit(tx, actor, { action: 'application.deleted', subjectType: 'application', subjectId: application.application_no, memberId, before: { type: application.type, status: application.status } });
    });
  }

  /**
   * 「専門医資格更新申請」 (STEP④) or, for a 新規申請, sending it for the secretariat's review. The row is locked
   * first, so a double click or a second tab waits and then finds it applied: one invoice, ever. A refusal
   * returns every unmet condition with its shortfall and changes nothing.
   */
  async submit(actor: Actor, memberId: number, applicationNo: string, locale: Locale): Promise<SubmitResult> {
    // What other modules say (member, fees, transcript) is read before the transaction: inside it, only the connection it holds.
    const [member, seen] = await Promise.all([this.deps.members.getById(memberId), this.repo.findForMember(this.deps.db, memberId, applicationNo)]);
    const seenCycle = seen?.type === 'renewal' && seen.cycle_id ? await this.deps.cycles.byId(this.deps.db, seen.cycle_id) : undefined;
    const inputs = seenCycle ? await this.deps.eligibility.gather(memberId, seenCycle, member) : undefined;
    return this.deps.db.transaction().execute(async (tx): Promise<SubmitResult> => {
      await this.repo.lockMember(tx, memberId);
      const { application, cycle, to } = await this.lockForAction(tx, memberId, applicationNo, 'submit');
      if (application.type === 'withdrawal') throw notFound('application');
      if (application.status === 'submitted' || application.status === 'completed' || application.status === 'submitted_for_review') {
        return { outcome: 'already', application };
      }
      this.assertChangeable(cycle, to);
      if (application.channel === 'paper' && (await this.repo.files(tx, application.id)).every((f) => f.kind !== 'paper_form')) {
        throw new RuleViolation('m360.scanRequired', {}, 'conflict');
      }
      const now = this.deps.clock.now();
      if (application.type === 'initial') {
        await this.repo.update(tx, application.id, { status: to!, submitted_at: now, updated_at: now });
        await this.event(tx, actor, application, 'submit', application.status, to!);
        await audit(tx, actor, { action: 'application.submitted', subjectType: 'application', subjectId: application.application_no, memberId, after: { status: to } });
        return { outcome: 'submitted', application: { ...application, status: to!, submitted_at: now } };
      }
      await this.refuseIfDecided(tx, memberId, cycle!, 'renewal');
      // Gathered before the transaction for this record's cycle (a record never changes its cycle); a record the
      // read before did not find yet is a race: the member tries again.
      if (inputs?.cycle.id !== cycle!.id) throw new RuleViolation('applications.wrongState', {}, 'conflict');
      const eligibility = this.deps.eligibility.assess(inputs, application);
      if (!eligibility.ok) return { outcome: 'refused', application, eligibility };

      const invoice = await this.deps.billing.createInvoiceIn(tx, actor, {
        memberId, feeType: cycle!.renewal_fee_code, businessKey: renewalFeeKey(application.id, application.fee_round), dueOn: cycle!.payment_due_on, fiscalYear: cycle!.fiscal_year,
      });
      await this.repo.update(tx, application.id, { status: 'submitted', submitted_at: now, invoice_id: invoice.id, updated_at: now });
      await this.event(tx, actor, application, 'submit', application.status, 'submitted', invoice.control_no);
      await audit(tx, actor, { action: 'application.submitted', subjectType: 'application', subjectId: application.application_no, memberId,
        after: { status: 'submitted', invoice: invoice.control_no, creditsWaived: eligibility.credits.waived } });
      await this.deps.mailer.queue(tx, {
        to: member.email, locale, memberId,
        template: { subject: 'applications.mailSubmittedSubject', body: 'applications.mailSubmittedBody' },
        params: {
          name: fullName(member), no: application.application_no, controlNo: invoice.control_no, amount: formatYen(invoice.amount),
          due: this.day(locale, invoice.due_on), link: `${this.deps.baseUrl}/billing/${invoice.control_no}`,
        },
      });
      return { outcome: 'submitted', application: { ...application, status: 'submitted', submitted_at: now, invoice_id: invoice.id }, invoiceNo: invoice.control_no };
    });
  }

  /**
   * 事務局入力（郵送）: 「専門医資格更新申請」 by the secretariat for a paper record. The very same submission as the
   * member's (eligibility, refusals, the 専門医更新料 invoice, the mail), with the staff user as the actor.
   */
  async submitForStaff(actor: Actor, id: number): Promise<SubmitResult> {
    const application = await this.repo.findById(this.deps.db, id);
    if (!application || application.channel !== 'paper') throw notFound('application');
    return this.submit(actor, application.member_id, application.application_no, 'ja');
  }

  /**
   * 差し戻し: the secretariat sends a submitted renewal back to draft with a reason. Its unpaid 専門医更新料 is
   * cancelled through billing (a fee being paid or paid refuses); the next submission bills anew. The member
   * is mailed the reason. One transaction, audited with before/after.
   */
  async revert(actor: Actor, id: number, reason: string): Promise<Application> {
    return this.deps.db.transaction().execute(async (tx) => {
      const found = await this.repo.findById(tx, id);
      if (!found) throw notFound('application');
      await this.repo.lockMember(tx, found.member_id);
      const application = (await this.repo.findById(tx, id, true))!;
      const cycle = application.cycle_id ? await this.deps.cycles.byId(tx, application.cycle_id) : undefined;
      const to = nextApplicationStatus(application.type, application.status, 'revert');
      this.assertChangeable(cycle, to);
      const fee = await this.deps.billing.cancelUnpaidByBusinessKey(tx, actor, renewalFeeKey(application.id, application.fee_round), `差し戻し ${application.application_no}: ${reason}`);
      if (fee !== 'cancelled' && fee !== 'none') throw new RuleViolation('m360.revertFeePaid', {}, 'conflict');
      const now = this.deps.clock.now();
      await this.repo.update(tx, id, { status: 'draft', submitted_at: null, invoice_id: null, fee_round: application.fee_round + 1, updated_at: now });
      await this.event(tx, actor, application, 'revert', application.status, 'draft', reason);
      await audit(tx, actor, { action: 'application.reverted', subjectType: 'application', subjectId: application.application_no, memberId: application.member_id,
        before: { status: application.status, invoiceId: application.invoice_id }, after: { status: 'draft', invoiceCancelled: fee === 'cancelled' }, detail: { reason } });
      const member = await this.deps.members.getByIdIn(tx, application.member_id);
      await this.deps.mailer.queue(tx, {
        to: member.email, locale: 'ja', memberId: member.id,
        template: { subject: 'm360.mailRevertedSubject', body: 'm360.mailRevertedBody' },
        params: { name: fullName(member), no: application.application_no, reason, link: `${this.deps.baseUrl}/applications/${application.application_no}` },
      });
      return { ...application, status: 'draft' as const, submitted_at: null, invoice_id: null, fee_round: application.fee_round + 1 };
    });
  }

  /**
   * 「専門医認定辞退申請」 → OK: the withdrawal is accepted; a renewal already submitted for the cycle is
   * cancelled with its unpaid 専門医更新料 (a fee being paid or paid refuses: the secretariat settles that).
   */
  async withdraw(actor: Actor, memberId: number, applicationNo: string, locale: Locale): Promise<Application> {
    return this.deps.db.transaction().execute(async (tx) => {
      await this.repo.lockMember(tx, memberId);
      const { application, cycle, to } = await this.lockForAction(tx, memberId, applicationNo, 'withdraw', 'withdrawal');
      if (application.status === 'withdrawn') return application;
      this.assertChangeable(cycle, to);
      await this.refuseIfDecided(tx, memberId, cycle!, 'withdrawal');
      const now = this.deps.clock.now();
      for (const renewal of await this.repo.forCycle(tx, memberId, cycle!.id, ['submitted'], true)) {
        const fee = await this.deps.billing.cancelUnpaidByBusinessKey(tx, actor, renewalFeeKey(renewal.id, renewal.fee_round), `辞退申請 ${application.application_no}`);
        if (fee !== 'cancelled' && fee !== 'none') throw new RuleViolation('applications.withdrawFeeInProgress', {}, 'conflict');
        await this.repo.update(tx, renewal.id, { status: 'cancelled', updated_at: now });
        await this.event(tx, actor, renewal, 'cancel', 'submitted', 'cancelled', application.application_no);
        await audit(tx, actor, { action: 'application.cancelled', subjectType: 'application', subjectId: renewal.application_no, memberId, after: { status: 'cancelled', by: application.application_no } });
      }
      await this.repo.update(tx, application.id, { status: 'withdrawn', withdrawn_at: now, updated_at: now });
      await this.event(tx, actor, application, 'withdraw', application.status, 'withdrawn');
      await audit(tx, actor, { action: 'application.withdrawn', subjectType: 'application', subjectId: application.application_no, memberId, after: { status: 'withdrawn', reason: application.withdrawal_reason } });
      const member = await this.deps.members.getByIdIn(tx, memberId);
      await this.deps.mailer.queue(tx, {
        to: member.email, locale, memberId,
        template: { subject: 'applications.mailWithdrawnSubject', body: 'applications.mailWithdrawnBody' },
        params: { name: fullName(member), no: application.application_no, cycle: locale === 'en' ? cycle!.name_en : cycle!.name_ja, link: `${this.deps.baseUrl}/profile/detail` },
      });
      return { ...application, status: 'withdrawn' as const, withdrawn_at: now };
    });
  }

  /**
   * Billing's InvoiceSettled listener: a paid 専門医更新料 whose business key is an application completes
   * that renewal (更新完了) and records the new certification period. Idempotent: a second delivery finds
   * the record completed and does nothing.
   */
  async onInvoiceSettled(event: InvoiceSettled): Promise<void> {
    const match = RENEWAL_FEE_KEY.exec(event.businessKey);
    if (!match) return;
    await this.deps.db.transaction().execute(async (tx) => {
      const application = await this.repo.findById(tx, Number(match[1]), true);
      if (!application || application.member_id !== event.memberId) return;
      const to = nextApplicationStatus(application.type, application.status, 'complete');
      if (!to) return;
      const cycle = (await this.deps.cycles.byId(tx, application.cycle_id!))!;
      const now = this.deps.clock.now();
      await this.repo.update(tx, application.id, { status: to, completed_at: now, granted_period_start: cycle.new_period_start, granted_period_end: cycle.new_period_end, updated_at: now });
      await this.event(tx, systemActor, application, 'complete', application.status, to, event.controlNo);
      await audit(tx, systemActor, { action: 'application.completed', subjectType: 'application', subjectId: application.application_no, memberId: application.member_id,
        after: { status: to, invoice: event.controlNo, period: { start: cycle.new_period_start, end: cycle.new_period_end } } });
      const member: Member = await this.deps.members.getByIdIn(tx, application.member_id);
      await this.deps.mailer.queue(tx, {
        to: member.email, locale: 'ja', memberId: member.id,
        template: { subject: 'applications.mailCompletedSubject', body: 'applications.mailCompletedBody' },
        params: { name: fullName(member), no: application.application_no, start: this.day('ja', cycle.new_period_start), end: this.day('ja', cycle.new_period_end) },
      });
    });
  }

  /**
   * The daily job (and 1 April's run): every renewed member whose new period has begun now holds it, so
   * credits count in the new period and the next renewal is five years on. Idempotent; batches of 500.
   */
  async startNewPeriods(): Promise<number> {
    const today = tokyoDate(this.deps.clock.now());
    let started = 0;
    for (;;) {
      const due = await this.repo.periodsToStart(this.deps.db, today, 500);
      if (due.length === 0) return started;
      await this.deps.db.transaction().execute(async (tx) => {
        for (const d of due) if (await this.deps.members.startCertificationPeriod(tx, systemActor, d.member_id, { start: d.start, end: d.end })) started++;
      });
      if (due.length < 500) return started;
    }
  }

  private day(locale: Locale, date: string): string {
    return locale === 'en' ? formatDateEn(dateOnly(date)) : formatDateJa(dateOnly(date));
  }

  private async event(tx: Executor, actor: Actor, application: Application, action: string, from: ApplicationStatus | null, to: ApplicationStatus, detail = ''): Promise<void> {
    await this.repo.insertEvent(tx, { application_id: application.id, occurred_at: this.deps.clock.now(), actor_type: actor.type, actor_id: actor.id, action, from_status: from, to_status: to, detail });
  }
}
