import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db, Executor } from '../../platform/db/database';
import type { CatalogueEntry, Credit, CreditCategory, CreditEvent, CreditFile, CreditStatus, Member } from '../../platform/db/schema';
import { notFound, RuleViolation } from '../../platform/errors';
import type { Locale } from '../../platform/i18n';
import { tokyoDate } from '../../platform/japanese';
import { getSetting, putSetting } from '../../platform/settings';
import type { Mailer } from '../../platform/mail/mailer';
import { type FileStore, isDiskFull, MAX_UPLOAD_BYTES, safeOriginalName, sniffType, type UploadType } from '../../platform/uploads';
import type { CyclesService, RenewalCycle } from '../cycles/service';
import { fullName, type MembersService } from '../members/service';
import { type CatalogueFilter, type CreditExportFilter, type CreditExportRow, CreditsRepository, type LedgerRow, type NewCatalogueEntry } from './repository';
export type { CreditExportFilter, CreditExportRow };
import { computeTranscript, type CycleRules, type LedgerLine, type Period, selfReportRoom, type Transcript } from './rules';
import { type ActorKind, type CreditAction, nextStatus } from './transitions';
import { keysetBatches } from '../../platform/db/keyset';

export interface SelfReportInput {
  catalogueId: number;
  activityDate: string;
  detailTitle: string;
  detailSource: string;
}

/** A member's current period and the renewal cycle whose rules count it. */
interface Standing { period: Period | null; cycle: RenewalCycle | undefined }

export interface CreditRecord {
  credit: Credit;
  entry: CatalogueEntry;
  events: CreditEvent[];
  files: CreditFile[];
}

const toLine = (r: LedgerRow): LedgerLine => ({
  id: r.id, controlNo: r.control_no, catalogueId: r.catalogue_id, code: r.code, name: r.name_ja, categoryCode: r.category_code,
  kind: r.kind, source: r.source, status: r.status, credits: r.credits, activityDate: r.activity_date, limitGroup: r.limit_group,
  oncePerFiscalYear: r.once_per_fiscal_year,
});

const rulesOf = (cycle: RenewalCycle | undefined): CycleRules => ({
  requiredCredits: cycle?.required_credits ?? 0,
  selfReportCap: cycle?.self_report_cap ?? 0,
  categoryMinimums: cycle?.category_minimums ?? [],
  groupLimits: cycle?.group_limits ?? [],
});

/** 単位: the catalogue, each member's ledger and transcript, and the self-report workflow with its review. */
const REJECT_TEMPLATES_KEY = 'credit_reject_templates';

/** The reasons clerks use most, until the secretariat edits its own list. */
export const DEFAULT_REJECT_TEMPLATES = [
  '証明書類が確認できませんでした。氏名と参加日が分かるネームカードや参加証の画像をアップロードしてください。',
  '活動日が証明書類の日付と一致しません。活動日を修正してください。',
  '選択された単位コードが活動内容と異なります。正しい単位コードを選び直してください。',
  '論文の掲載誌・発刊号数が確認できませんでした。論文サマリーをアップロードしてください。',
];

/** Categories change with the schedule (年に一度 at most); each process reads them once a minute. */
const CATEGORIES_TTL_MS = 60_000;

export class CreditsService {
  private repo = new CreditsRepository();
  private categoriesCache?: { at: number; rows: Promise<CreditCategory[]> };

  constructor(private deps: { db: Db; clock: Clock; mailer: Mailer; members: MembersService; cycles: CyclesService; files: FileStore; baseUrl: string }) {}

  categories(): Promise<CreditCategory[]> {
    const now = Date.now();
    if (!this.categoriesCache || now - this.categoriesCache.at > CATEGORIES_TTL_MS) {
      const rows = this.repo.categories(this.deps.db);
      rows.catch(() => (this.categoriesCache = undefined));
      this.categoriesCache = { at: now, rows };
    }
    return this.categoriesCache.rows;
  }

  /** 単位コード suggestions and the lookup page: self-reportable, active entries, newest first. */
  searchCatalogue(filter: CatalogueFilter, limit = 10): Promise<CatalogueEntry[]> {
    return this.repo.searchCatalogue(this.deps.db, { ...filter, selfReportableOnly: true }, limit);
  }

  async catalogueEntry(id: number): Promise<CatalogueEntry> {
    const entry = await this.repo.catalogueById(this.deps.db, id);
    if (!entry) throw notFound('catalogue');
    return entry;
  }

  /**
   * The member's period and the cycle that counts it. Read through the pool: inside a transaction, load it
   * before the transaction opens (enforceCap takes it), never while one is held — a transaction that waits for
   * a second pool connection starves the pool under load (every connection held, each waiting for one more).
   */
  private async periodAndCycle(memberId: number, known?: Pick<Member, 'cert_period_start' | 'cert_period_end'>): Promise<Standing> {
    const member = known ?? await this.deps.members.getById(memberId);
    const period = member.cert_period_start && member.cert_period_end ? { start: member.cert_period_start, end: member.cert_period_end } : null;
    return { period, cycle: await this.deps.cycles.forPeriodEnd(member.cert_period_end) };
  }

  /** 単位取得情報: everything counted in the current period, and everything that was not, with why. `member`: when the caller has it already. */
  async transcript(memberId: number, member?: Pick<Member, 'cert_period_start' | 'cert_period_end'>): Promise<{ transcript: Transcript; cycle?: RenewalCycle; categories: CreditCategory[]; rows: LedgerRow[] }> {
    const [{ period, cycle }, rows, categories] = await Promise.all([this.periodAndCycle(memberId, member), this.repo.ledger(this.deps.db, memberId), this.categories()]);
    return { transcript: computeTranscript(rows.map(toLine), rulesOf(cycle), period, categories.map((c) => c.code)), cycle, categories, rows };
  }

  /** 単位取得情報 as a document: the transcript, whose it is (会員番号, 氏名) and when it was issued. */
  async transcriptDocument(memberId: number): Promise<{ transcript: Transcript; categories: CreditCategory[]; member: { number: string; name: string }; issuedAt: Date }> {
    const [{ transcript, categories }, member] = await Promise.all([this.transcript(memberId), this.deps.members.getById(memberId)]);
    return { transcript, categories, member: { number: member.member_number, name: fullName(member) }, issuedAt: this.deps.clock.now() };
  }

  /** The 単位情報 related list of 会員情報照会: the latest records and the self-report room, not the whole transcript. */
  async relatedSummary(memberId: number, limit = 5) {
    const [room, latest] = await Promise.all([this.selfReportRoom(memberId), this.repo.ledger(this.deps.db, memberId, { limit })]);
    return { room, latest: latest.map(toLine) };
  }

  /** How many self-reported credits the member may still add (approved + pending count against the cap). */
  async selfReportRoom(memberId: number) {
    return this.selfReportRoomIn(this.deps.db, memberId, await this.periodAndCycle(memberId));
  }

  /** The same through the executor given, with the member's period and cycle read before (no second connection in a transaction). */
  private async selfReportRoomIn(db: Executor, memberId: number, standing: Standing, exceptId?: number) {
    const { period, cycle } = standing;
    const rows = await this.repo.ledger(db, memberId, { selfReportsOnly: true });
    return { ...selfReportRoom(rows.map(toLine), period, rulesOf(cycle).selfReportCap, exceptId), period };
  }

  async getForMember(memberId: number, controlNo: string): Promise<CreditRecord> {
    const credit = await this.repo.findForMember(this.deps.db, memberId, controlNo);
    if (!credit) throw notFound('credit');
    return this.record(credit);
  }

  async getForStaff(creditId: number): Promise<CreditRecord> {
    const credit = await this.repo.findById(this.deps.db, creditId);
    if (!credit) throw notFound('credit');
    return this.record(credit);
  }

  private async record(credit: Credit): Promise<CreditRecord> {
    const [entry, events, files] = await Promise.all([
      this.repo.catalogueById(this.deps.db, credit.catalogue_id), this.repo.events(this.deps.db, credit.id), this.repo.files(this.deps.db, credit.id),
    ]);
    return { credit, entry: entry!, events, files };
  }

  /** Checks an entry and the details a self-report of it needs; returns the entry. */
  private async checkSelfReport(input: SelfReportInput): Promise<CatalogueEntry> {
    const entry = await this.repo.catalogueById(this.deps.db, input.catalogueId);
    if (!entry || entry.retired_at || !entry.self_reportable) throw new RuleViolation('credits.codeInvalid', {}, 'bad_request');
    if ((entry.activity_from && input.activityDate < entry.activity_from) || (entry.activity_to && input.activityDate > entry.activity_to)) {
      throw new RuleViolation('credits.dateOutsideEntry', { from: entry.activity_from ?? '', to: entry.activity_to ?? '' }, 'bad_request');
    }
    if (input.activityDate > tokyoDate(this.deps.clock.now())) throw new RuleViolation('credits.dateInFuture', {}, 'bad_request');
    if (entry.detail_kind !== 'none' && !input.detailTitle) {
      throw new RuleViolation(entry.detail_kind === 'paper' ? 'credits.paperTitleRequired' : 'credits.meetingNameRequired', {}, 'bad_request');
    }
    if (entry.detail_kind === 'paper' && !input.detailSource) throw new RuleViolation('credits.journalRequired', {}, 'bad_request');
    return entry;
  }

  /** Refuses when approved + pending self-reports in the period plus `adding` would pass the cap. */
  private async enforceCap(tx: Executor, standing: Standing, memberId: number, adding: number, activityDate: string, exceptId?: number): Promise<void> {
    const room = await this.selfReportRoomIn(tx, memberId, standing, exceptId);
    const counts = room.period && activityDate >= room.period.start && activityDate <= room.period.end;
    if (counts && adding > room.remaining) {
      throw new RuleViolation('credits.capExceeded', { cap: room.cap, used: room.used, credits: adding, remaining: room.remaining });
    }
  }

  private move(credit: Credit, action: CreditAction, by: ActorKind): CreditStatus {
    const to = nextStatus(credit.status, action, by);
    if (!to) throw new RuleViolation('credits.wrongState', { status: credit.status }, 'invalid_state');
    return to;
  }

  private async event(tx: Executor, actor: Actor, credit: Credit, action: CreditAction | 'create', to: CreditStatus, comment = ''): Promise<void> {
    await this.repo.insertEvent(tx, {
      credit_id: credit.id, occurred_at: this.deps.clock.now(), actor_type: actor.type, actor_id: actor.id, action,
      from_status: action === 'create' ? null : credit.status, to_status: to, comment,
    });
    await audit(tx, actor, {
      action: `credit.${action}`, subjectType: 'credit', subjectId: credit.control_no, memberId: credit.member_id,
      before: action === 'create' ? undefined : { status: credit.status }, after: { status: to }, detail: comment ? { comment } : undefined,
    });
  }

  /** 「保存」 of the self-report form: a draft (下書き) with its 管理No. Nothing is sent to the secretariat yet. */
  async createSelfReport(actor: Actor, memberId: number, input: SelfReportInput): Promise<Credit> {
    const [entry, standing] = await Promise.all([this.checkSelfReport(input), this.periodAndCycle(memberId)]);
    return this.deps.db.transaction().execute(async (tx) => {
      await this.repo.lockMember(tx, memberId);
      await this.enforceCap(tx, standing, memberId, entry.credits, input.activityDate);
      const credit = await this.repo.insertCredit(tx, {
        member_id: memberId, catalogue_id: entry.id, source: 'self_report', status: 'draft', credits: entry.credits,
        activity_date: input.activityDate, detail_title: input.detailTitle, detail_source: input.detailSource,
      });
      await this.event(tx, actor, credit, 'create', 'draft');
      return credit;
    });
  }

  /** Editing a draft, or a rejected report before asking again. */
  async updateSelfReport(actor: Actor, memberId: number, controlNo: string, input: SelfReportInput): Promise<void> {
    const entry = await this.checkSelfReport(input);
    await this.deps.db.transaction().execute(async (tx) => {
      await this.repo.lockMember(tx, memberId);
      const credit = await this.repo.findForMember(tx, memberId, controlNo, true);
      if (!credit) throw notFound('credit');
      const to = this.move(credit, 'edit', 'member');
      await this.repo.updateCredit(tx, credit.id, {
        catalogue_id: entry.id, credits: entry.credits, activity_date: input.activityDate, detail_title: input.detailTitle,
        detail_source: input.detailSource, updated_at: this.deps.clock.now(),
      });
      await this.event(tx, actor, credit, 'edit', to);
    });
  }

  /** 「ファイルをアップロード」: a proof document, checked by content and size, stored outside the web root. */
  /**
   * A proof's own checks (not empty, not too large, really a PDF, JPEG or PNG), before anything is stored:
   * several files in one upload are all checked first, so a refused upload keeps none of them.
   */
  checkProof(file: { data: Buffer }): UploadType {
    if (file.data.length === 0) throw new RuleViolation('credits.fileEmpty', {}, 'bad_request');
    if (file.data.length > MAX_UPLOAD_BYTES) throw new RuleViolation('credits.fileTooLarge', { mb: MAX_UPLOAD_BYTES / 1024 / 1024 }, 'bad_request');
    const type = sniffType(file.data);
    if (!type) throw new RuleViolation('credits.fileType', {}, 'bad_request');
    return type;
  }

  async attachProof(actor: Actor, memberId: number, controlNo: string, file: { data: Buffer; name: string }): Promise<CreditFile> {
    const type = this.checkProof(file);
    const existing = await this.repo.findForMember(this.deps.db, memberId, controlNo);
    if (!existing) throw notFound('credit');
    this.move(existing, 'attach', 'member');
    // The file goes to disk first; if the record cannot be written it is removed again: never a row without its file.
    const stored = await this.deps.files.save(file.data, type).catch((err: unknown) => {
      throw new RuleViolation(isDiskFull(err) ? 'faults.storageFull' : 'credits.fileStoreFailed', {}, 'unavailable');
    });
    try {
      return await this.deps.db.transaction().execute(async (tx) => {
        const credit = await this.repo.findForMember(tx, memberId, controlNo, true);
        if (!credit) throw notFound('credit');
        this.move(credit, 'attach', 'member');
        const row = await this.repo.insertFile(tx, {
          credit_id: credit.id, stored_name: stored.storedName, original_name: safeOriginalName(file.name), content_type: type,
          size_bytes: file.data.length, sha256: stored.sha256,
        });
        await audit(tx, actor, { action: 'credit.file_attached', subjectType: 'credit', subjectId: credit.control_no, memberId, detail: { file: row.original_name, bytes: row.size_bytes, type } });
        return row;
      });
    } catch (err) {
      await this.deps.files.remove(stored.storedName);
      throw err;
    }
  }

  /** 「承認申請」→「送信」: proof required, cap checked under the member's lock. */
  async submit(actor: Actor, memberId: number, controlNo: string, comment: string): Promise<void> {
    const standing = await this.periodAndCycle(memberId);
    await this.deps.db.transaction().execute(async (tx) => {
      await this.repo.lockMember(tx, memberId);
      const credit = await this.repo.findForMember(tx, memberId, controlNo, true);
      if (!credit) throw notFound('credit');
      const to = this.move(credit, 'submit', 'member');
      if ((await this.repo.countFiles(tx, credit.id)) === 0) throw new RuleViolation('credits.proofRequired');
      await this.enforceCap(tx, standing, memberId, credit.credits, credit.activity_date, credit.id);
      const now = this.deps.clock.now();
      await this.repo.updateCredit(tx, credit.id, { status: to, submitted_at: now, updated_at: now });
      await this.event(tx, actor, credit, 'submit', to, comment);
    });
  }

  /** 「取り消し」 from the approval history while the request is pending: back to 下書き. */
  async recall(actor: Actor, memberId: number, controlNo: string, comment: string): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const credit = await this.repo.findForMember(tx, memberId, controlNo, true);
      if (!credit) throw notFound('credit');
      const to = this.move(credit, 'recall', 'member');
      await this.repo.updateCredit(tx, credit.id, { status: to, submitted_at: null, updated_at: this.deps.clock.now() });
      await this.event(tx, actor, credit, 'recall', to, comment);
    });
  }

  /**
   * A staff decision. The row is locked and its state checked inside the transaction, so when two
   * clerks decide the same report at once exactly one wins; the other gets a 409 with the current state.
   */
  async decide(actor: Actor, creditId: number, decision: { approve: true } | { approve: false; reason: string }, locale: Locale = 'ja'): Promise<void> {
    // The rejection mail's addressee is read before the transaction (see periodAndCycle: one connection per transaction).
    const owner = decision.approve ? undefined : await this.repo.findById(this.deps.db, creditId);
    const addressee = owner ? await this.deps.members.getById(owner.member_id) : undefined;
    await this.deps.db.transaction().execute(async (tx) => {
      const credit = await this.repo.findById(tx, creditId, true);
      if (!credit) throw notFound('credit');
      if (credit.status !== 'pending') throw new RuleViolation('credits.alreadyDecided', { status: credit.status }, 'conflict');
      const to = this.move(credit, decision.approve ? 'approve' : 'reject', 'staff');
      const now = this.deps.clock.now();
      await this.repo.updateCredit(tx, credit.id, {
        status: to, decided_at: now, decided_by: actor.id, updated_at: now, rejection_reason: decision.approve ? null : decision.reason,
      });
      await this.event(tx, actor, credit, decision.approve ? 'approve' : 'reject', to, decision.approve ? '' : decision.reason);
      if (!decision.approve) {
        const member = addressee!;
        await this.deps.mailer.queue(tx, {
          to: member.email, locale, memberId: member.id,
          template: { subject: 'mail.creditRejectedSubject', body: 'mail.creditRejectedBody' },
          params: { name: fullName(member), controlNo: credit.control_no, reason: decision.reason, link: `${this.deps.baseUrl}/credits/${credit.control_no}` },
        });
      }
    });
  }

  /** Self-reports rejected in [from, to) and not requested again since (still 却下), in one query. */
  rejectedBetween(from: Date, to: Date): Promise<Credit[]> {
    return this.repo.rejectedBetween(this.deps.db, from, to);
  }

  /** Approves each selected report that is still pending; the others are counted, not failed. */
  async bulkApprove(actor: Actor, creditIds: number[]): Promise<{ approved: number; skipped: number }> {
    let approved = 0;
    let skipped = 0;
    for (const id of creditIds) {
      try {
        await this.decide(actor, id, { approve: true });
        approved += 1;
      } catch (err) {
        if (err instanceof RuleViolation || (err as { code?: string }).code === 'not_found') skipped += 1;
        else throw err;
      }
    }
    return { approved, skipped };
  }

  async reviewQueue(filter: { kind?: CatalogueEntry['kind']; minAgeDays?: number }, limit = 100, offset = 0) {
    const olderThan = filter.minAgeDays ? new Date(this.deps.clock.now().getTime() - filter.minAgeDays * 86_400_000) : undefined;
    const rows = await this.repo.reviewQueue(this.deps.db, { kind: filter.kind, olderThan }, limit, offset);
    const members = await this.deps.members.byIds(rows.map((r) => r.member_id));
    const now = this.deps.clock.now().getTime();
    return rows.map((r) => ({
      ...r,
      member: members.get(r.member_id)!,
      ageDays: r.submitted_at ? Math.floor((now - r.submitted_at.getTime()) / 86_400_000) : 0,
    }));
  }

  /** The review queue's age against the 14-day target: pending, waiting ≥ 7 days, ≥ 14 days (the queue's own age filters), oldest age in days. */
  async pendingAges(): Promise<{ total: number; over7: number; over14: number; oldestDays: number | null }> {
    const now = this.deps.clock.now().getTime();
    const ago = (days: number) => new Date(now - days * 86_400_000);
    const r = await this.repo.pendingAges(this.deps.db, ago(7), ago(14));
    return { total: r.total, over7: r.over7, over14: r.over14, oldestDays: r.oldest ? Math.floor((now - r.oldest.getTime()) / 86_400_000) : null };
  }

  /** Every matching credit with its catalogue entry, a batch at a time (keyset on the id: constant memory at any size). */
  batches(filter: CreditExportFilter, size = 2000): AsyncGenerator<CreditExportRow[]> {
    return keysetBatches((after: number | undefined, n) => this.repo.page(this.deps.db, filter, n, after ?? 0), (c) => c.id, size);
  }

  pendingCount(): Promise<number> {
    return this.repo.countPending(this.deps.db);
  }

  async fileForMember(memberId: number, controlNo: string, fileId: number): Promise<CreditFile> {
    const credit = await this.repo.findForMember(this.deps.db, memberId, controlNo);
    const file = credit ? await this.repo.fileById(this.deps.db, fileId) : undefined;
    if (!credit || !file || file.credit_id !== credit.id) throw notFound('file');
    return file;
  }

  async fileForStaff(fileId: number): Promise<CreditFile> {
    const file = await this.repo.fileById(this.deps.db, fileId);
    if (!file) throw notFound('file');
    return file;
  }

  /** The member's proof documents (staff member page): name, type, size, date, the self-report they prove. */
  async filesForMember(memberId: number) {
    return (await this.repo.filesOfMember(this.deps.db, memberId)).map((f) => ({
      id: f.id, controlNo: f.control_no, name: f.original_name, contentType: f.content_type, sizeBytes: f.size_bytes, uploadedAt: f.uploaded_at,
    }));
  }

  openFile(file: CreditFile) {
    return this.deps.files.open(file.stored_name);
  }

  // ── Rejection reason templates (editable by staff) ───────────────────────────────────────────────

  async rejectTemplates(): Promise<string[]> {
    return (await getSetting<string[]>(this.deps.db, REJECT_TEMPLATES_KEY)) ?? DEFAULT_REJECT_TEMPLATES;
  }

  async setRejectTemplates(actor: Actor, templates: string[]): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const before = (await getSetting<string[]>(tx, REJECT_TEMPLATES_KEY)) ?? DEFAULT_REJECT_TEMPLATES;
      await putSetting(tx, REJECT_TEMPLATES_KEY, templates);
      await audit(tx, actor, { action: 'credit.reject_templates_changed', subjectType: 'setting', subjectId: REJECT_TEMPLATES_KEY, before, after: templates });
    });
  }

  // ── 単位マスター maintenance (staff) ─────────────────────────────────────────────────────────────

  catalogueForStaff(filter: { q?: string; includeRetired: boolean }) {
    return this.repo.catalogueForStaff(this.deps.db, filter, 500);
  }

  async createCatalogueEntry(actor: Actor, entry: NewCatalogueEntry): Promise<CatalogueEntry> {
    return this.deps.db.transaction().execute(async (tx) => {
      if (await this.repo.catalogueByCode(tx, entry.code)) throw new RuleViolation('catalogue.codeTaken', {}, 'conflict');
      const created = await this.repo.insertCatalogue(tx, entry);
      await audit(tx, actor, { action: 'catalogue.created', subjectType: 'catalogue', subjectId: created.code, after: entry });
      return created;
    });
  }

  /** Editing never rewrites the past: ledger rows keep the credits they were recorded with. */
  async updateCatalogueEntry(actor: Actor, id: number, entry: Omit<NewCatalogueEntry, 'code'>): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const before = await this.repo.catalogueById(tx, id);
      if (!before) throw notFound('catalogue');
      await this.repo.updateCatalogue(tx, id, { ...entry, code: before.code }, this.deps.clock.now());
      await audit(tx, actor, { action: 'catalogue.updated', subjectType: 'catalogue', subjectId: before.code, before, after: entry });
    });
  }

  async setCatalogueRetired(actor: Actor, id: number, retired: boolean): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const entry = await this.repo.catalogueById(tx, id);
      if (!entry) throw notFound('catalogue');
      await this.repo.setRetired(tx, id, retired ? this.deps.clock.now() : null);
      await audit(tx, actor, { action: retired ? 'catalogue.retired' : 'catalogue.restored', subjectType: 'catalogue', subjectId: entry.code });
    });
  }

  /** Only an entry no ledger row uses can go; a used one is retired, never deleted. */
  async deleteCatalogueEntry(actor: Actor, id: number): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const entry = await this.repo.catalogueById(tx, id);
      if (!entry) throw notFound('catalogue');
      if ((await this.repo.catalogueUses(tx, id)) > 0) throw new RuleViolation('catalogue.inUse', {}, 'conflict');
      await this.repo.deleteCatalogue(tx, id);
      await audit(tx, actor, { action: 'catalogue.deleted', subjectType: 'catalogue', subjectId: entry.code, before: entry });
    });
  }

  /** Demo data and tests: catalogue and categories. Not reachable from a route. */
  async seedCatalogue(categories: { code: string; name_ja: string; name_en: string; sort_order: number }[], entries: NewCatalogueEntry[]): Promise<void> {
    for (const c of categories) await this.repo.insertCategory(this.deps.db, c);
    for (const e of entries) if (!(await this.repo.catalogueByCode(this.deps.db, e.code))) await this.repo.insertCatalogue(this.deps.db, e);
  }

  /**
   * 事務局: a credit added by hand (a paper certificate, a correction), approved at once, with the reason on its
   * history and in the audit trail. Any active catalogue entry; the credits may differ from the entry's.
   */
  async addStaffCredit(actor: Actor, memberId: number, input: { code: string; activityDate: string; credits: number; reason: string }): Promise<Credit> {
    const entry = await this.repo.catalogueByCode(this.deps.db, input.code);
    if (!entry || entry.retired_at) throw new RuleViolation('m360.creditCodeUnknown', {}, 'bad_request');
    await this.deps.members.getById(memberId);
    return this.deps.db.transaction().execute(async (tx) => {
      const now = this.deps.clock.now();
      const credit = await this.repo.insertCredit(tx, {
        member_id: memberId, catalogue_id: entry.id, source: 'staff', status: 'approved', credits: input.credits,
        activity_date: input.activityDate, detail_title: input.reason.slice(0, 300), decided_at: now, decided_by: actor.id,
      });
      await this.repo.insertEvent(tx, {
        credit_id: credit.id, occurred_at: now, actor_type: actor.type, actor_id: actor.id, action: 'create', from_status: null, to_status: 'approved', comment: input.reason,
      });
      await audit(tx, actor, {
        action: 'credit.staff_added', subjectType: 'credit', subjectId: credit.control_no, memberId,
        after: { code: entry.code, credits: input.credits, activityDate: input.activityDate, status: 'approved' }, detail: { reason: input.reason },
      });
      return credit;
    });
  }

  /** Credits earned without self-reporting (attendance, e-learning, import, staff): approved at once. */
  async recordEarned(actor: Actor, input: {
    memberId: number; code: string; activityDate: string; source: Exclude<Credit['source'], 'self_report'>; externalId?: string;
    /** The kinds of entry this channel may credit (the e-learning API: e-learning only). */
    kinds?: CatalogueEntry['kind'][];
  }): Promise<Credit | null> {
    const entry = await this.repo.catalogueByCode(this.deps.db, input.code);
    if (!entry) throw notFound('catalogue');
    if (input.kinds && !input.kinds.includes(entry.kind)) throw new RuleViolation('credits.codeInvalid', { kind: entry.kind }, 'bad_request');
    return this.deps.db.transaction().execute(async (tx) => {
      const now = this.deps.clock.now();
      const credit = await this.repo.insertCredit(tx, {
        member_id: input.memberId, catalogue_id: entry.id, source: input.source, status: 'approved', credits: entry.credits,
        activity_date: input.activityDate, external_id: input.externalId ?? null, decided_at: now, decided_by: actor.type === 'staff' ? actor.id : null,
      });
      await this.event(tx, actor, credit, 'create', 'approved');
      return credit;
    });
  }
}
