import { type Actor, audit, auditMany } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Application, Certificate, CertificateBatch, CertificateStatus, Member, RenewalCycle } from '../../platform/db/schema';
import { notFound, RuleViolation } from '../../platform/errors';
import { toCsv } from '../../platform/csv';
import { tokyoDate } from '../../platform/japanese';
import { decryptSecret, encryptSecret, hashToken, randomToken } from '../../platform/security/tokens';
import type { ApplicationsService } from '../applications/service';
import type { CyclesService } from '../cycles/service';
import { fullName, type MembersService } from '../members/service';
import { renderCertificatePdf } from './certificate-pdf';
import { formatCertificateNo, parseCertificateNo, SPECIALTY, type Validity, validityOf, VERIFY_CODE } from './format';
import { renderLabelsPdf } from './labels-pdf';
import { type BatchSummary, CertificatesRepository, type NewCertificate } from './repository';

export type { BatchSummary, Certificate };

export interface CertificatesOverview {
  cycle?: RenewalCycle;
  /** Completed renewals (更新完了) of the cycle that have no certificate yet. */
  pending: { application: Application; member: Member }[];
  certificates: { certificate: Certificate; member: Member }[];
  batches: BatchSummary[];
  /** Valid certificates that are in no mailing yet. */
  unbatched: number;
}

/** The only things the public verification page may show: never an address, email, birth date or member number. */
export interface VerificationView {
  certificateNo: string;
  holderName: string;
  specialty: { ja: string; en: string };
  periodStart: string;
  periodEnd: string;
  validity: Validity;
}

export type RevokeKind = 'revoked' | 'withdrawn';

const VOID_MARK: Record<Exclude<CertificateStatus, 'active'>, string> = { revoked: '無効（取消）', superseded: '無効（再発行済）', withdrawn: '無効（辞退）' };

/** The verification code is 128 random bits (decisions/0017): looked up by its hash, sealed for printing again. */
const CODE_BYTES = 16;

/**
 * 専門医証: numbered certificates for the renewals completed in the current cycle, their PDFs with a QR
 * code to /verify/<code>, reissue and revocation, and the mailings (CSV and address labels, 発送済み).
 */
export class CertificatesService {
  private repo = new CertificatesRepository();

  constructor(private deps: {
    db: Db; clock: Clock; members: MembersService; cycles: CyclesService; applications: ApplicationsService;
    secret: string; baseUrl: string; societyName: string; compressPdf?: boolean;
  }) {}

  /** The cycle whose certificates the secretariat works on: the newest one up to this fiscal year. */
  currentCycle(): Promise<RenewalCycle | undefined> {
    return this.deps.cycles.forPeriodEnd(null);
  }

  async overview(): Promise<CertificatesOverview> {
    const cycle = await this.currentCycle();
    if (!cycle) return { pending: [], certificates: [], batches: [], unbatched: 0 };
    const { db } = this.deps;
    const [completed, certificates, batches, unbatched, issued] = await Promise.all([
      this.deps.applications.completedRenewals(db, cycle.id), this.repo.forCycle(db, cycle.id), this.repo.batches(db, cycle.id),
      this.repo.unbatched(db, cycle.id), this.repo.applicationIdsWithCertificate(db, cycle.id)]);
    const pendingApps = completed.filter((a) => !issued.has(a.id));
    const members = await this.deps.members.byIds([...pendingApps.map((a) => a.member_id), ...certificates.map((c) => c.member_id)]);
    return {
      cycle,
      pending: pendingApps.map((application) => ({ application, member: members.get(application.member_id)! })),
      certificates: certificates.map((certificate) => ({ certificate, member: members.get(certificate.member_id)! })),
      batches,
      unbatched: unbatched.length,
    };
  }

  private newRow(actor: Actor, a: { member_id: number; application_id: number; cycle_id: number; period_start: string; period_end: string }, member: Member, now: Date): NewCertificate {
    const code = randomToken(CODE_BYTES);
    return {
      ...a, holder_name: fullName(member), issued_at: now, issued_by: actor.type === 'staff' ? actor.id : null,
      code_hash: hashToken(code), code_sealed: encryptSecret(this.deps.secret, code),
    };
  }

  /**
   * 「専門医証を発行」: one certificate for every completed renewal of the cycle that has none, in one
   * transaction. Two clicks at once queue on a lock, and the second finds nothing left to issue; the
   * partial unique index (one valid certificate per renewal) holds even without it.
   */
  async issueAll(actor: Actor): Promise<{ issued: Certificate[] }> {
    const cycle = await this.currentCycle();
    if (!cycle) throw new RuleViolation('certificates.noCycle', {}, 'invalid_state');
    return this.deps.db.transaction().execute(async (tx) => {
      await this.repo.lock(tx, 'issue');
      const done = await this.repo.applicationIdsWithCertificate(tx, cycle.id);
      const todo = (await this.deps.applications.completedRenewals(tx, cycle.id))
        .filter((a) => !done.has(a.id) && a.granted_period_start && a.granted_period_end);
      const members = await this.deps.members.byIdsIn(tx, todo.map((a) => a.member_id));
      const now = this.deps.clock.now();
      const issued: Certificate[] = [];
      for (const a of todo) {
        const row = await this.repo.insert(tx, this.newRow(actor, {
          member_id: a.member_id, application_id: a.id, cycle_id: cycle.id, period_start: a.granted_period_start!, period_end: a.granted_period_end!,
        }, members.get(a.member_id)!, now));
        if (row) issued.push(row);
      }
      await auditMany(tx, actor, issued.map((c) => ({
        action: 'certificate.issued', subjectType: 'certificate', subjectId: formatCertificateNo(c.serial), memberId: c.member_id,
        after: { application: c.application_id, period: { start: c.period_start, end: c.period_end } },
      })));
      return { issued };
    });
  }

  /** One certificate for the secretariat, with the path of its verification page (what the QR code opens). */
  async getForStaff(id: number): Promise<{ certificate: Certificate; member: Member; replaces?: Certificate; verifyPath: string }> {
    const certificate = await this.repo.findById(this.deps.db, id);
    if (!certificate) throw notFound('certificate');
    const replaces = certificate.replaces_id ? await this.repo.findById(this.deps.db, certificate.replaces_id) : undefined;
    return { certificate, member: await this.deps.members.getById(certificate.member_id), replaces, verifyPath: `/verify/${this.codeOf(certificate)}` };
  }

  /** 再発行: a new number (and code) for the same renewal; the old certificate is superseded and says so when verified. */
  async reissue(actor: Actor, id: number, reason: string): Promise<Certificate> {
    return this.deps.db.transaction().execute(async (tx) => {
      const old = await this.repo.findById(tx, id, true);
      if (!old) throw notFound('certificate');
      if (old.status !== 'active') throw new RuleViolation('certificates.notActive', {}, 'conflict');
      const now = this.deps.clock.now();
      await this.repo.setStatus(tx, old.id, 'superseded', reason, now);
      const member = await this.deps.members.getByIdIn(tx, old.member_id);
      const fresh = await this.repo.insert(tx, {
        ...this.newRow(actor, { member_id: old.member_id, application_id: old.application_id, cycle_id: old.cycle_id, period_start: old.period_start, period_end: old.period_end }, member, now),
        replaces_id: old.id,
      });
      if (!fresh) throw new RuleViolation('certificates.notActive', {}, 'conflict');
      await audit(tx, actor, {
        action: 'certificate.reissued', subjectType: 'certificate', subjectId: formatCertificateNo(fresh.serial), memberId: old.member_id,
        before: { certificate: formatCertificateNo(old.serial), status: 'active' }, after: { certificate: formatCertificateNo(fresh.serial), replaced: 'superseded' }, detail: { reason },
      });
      return fresh;
    });
  }

  /** 取消 or 辞退: the certificate stops being valid; the verification page says which. */
  async revoke(actor: Actor, id: number, kind: RevokeKind, reason: string): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const c = await this.repo.findById(tx, id, true);
      if (!c) throw notFound('certificate');
      if (c.status !== 'active') throw new RuleViolation('certificates.notActive', {}, 'conflict');
      await this.repo.setStatus(tx, c.id, kind, reason, this.deps.clock.now());
      await audit(tx, actor, {
        action: 'certificate.revoked', subjectType: 'certificate', subjectId: formatCertificateNo(c.serial), memberId: c.member_id,
        before: { status: 'active' }, after: { status: kind }, detail: { reason },
      });
    });
  }

  // ── PDFs ─────────────────────────────────────────────────────────────────────────────────────

  private async pdf(c: Certificate): Promise<{ pdf: Buffer; certificateNo: string }> {
    const certificateNo = formatCertificateNo(c.serial);
    const code = decryptSecret(this.deps.secret, c.code_sealed);
    const pdf = await renderCertificatePdf({
      certificateNo, holderName: c.holder_name, specialty: SPECIALTY.ja, periodStart: c.period_start, periodEnd: c.period_end,
      issuedAt: c.issued_at, societyName: this.deps.societyName, verifyUrl: this.verifyUrl(code),
      voidMark: c.status === 'active' ? undefined : VOID_MARK[c.status], compress: this.deps.compressPdf,
    });
    return { pdf, certificateNo };
  }

  verifyUrl(code: string): string {
    return `${this.deps.baseUrl}/verify/${code}`;
  }

  async pdfForStaff(id: number) {
    const c = await this.repo.findById(this.deps.db, id);
    if (!c) throw notFound('certificate');
    return this.pdf(c);
  }

  /** The member's own valid certificate by its number; anyone else's, or a void one, is not found. */
  async pdfForMember(memberId: number, certificateNo: string) {
    const serial = parseCertificateNo(certificateNo);
    const c = serial ? await this.repo.findBySerial(this.deps.db, serial) : undefined;
    if (!c || c.member_id !== memberId || c.status !== 'active') throw notFound('certificate');
    return this.pdf(c);
  }

  /** The member's valid certificates (home shows their download). */
  forMember(memberId: number): Promise<Certificate[]> {
    return this.repo.forMember(this.deps.db, memberId, ['active']);
  }

  /** The code printed in the QR (tests and the e2e open the page with it; staff never see it on a page). */
  codeOf(c: Certificate): string {
    return decryptSecret(this.deps.secret, c.code_sealed);
  }

  // ── The public verification page ───────────────────────────────────────────────────────────

  async verify(code: string): Promise<VerificationView | undefined> {
    if (!VERIFY_CODE.test(code)) return undefined;
    const c = await this.repo.findByCodeHash(this.deps.db, hashToken(code));
    if (!c) return undefined;
    return {
      certificateNo: formatCertificateNo(c.serial), holderName: c.holder_name, specialty: SPECIALTY,
      periodStart: c.period_start, periodEnd: c.period_end, validity: validityOf(c, tokyoDate(this.deps.clock.now())),
    };
  }

  // ── Mailings (発送) ──────────────────────────────────────────────────────────────────────────

  /** 「発送リストを作成」: every valid certificate of the cycle not yet in a mailing goes into a new one. */
  async createBatch(actor: Actor): Promise<CertificateBatch> {
    const cycle = await this.currentCycle();
    if (!cycle) throw new RuleViolation('certificates.noCycle', {}, 'invalid_state');
    return this.deps.db.transaction().execute(async (tx) => {
      await this.repo.lock(tx, 'batch');
      const rows = await this.repo.unbatched(tx, cycle.id);
      if (rows.length === 0) throw new RuleViolation('certificates.nothingToBatch', {}, 'conflict');
      const batch = await this.repo.insertBatch(tx, { cycle_id: cycle.id, created_at: this.deps.clock.now(), created_by: actor.type === 'staff' ? actor.id : null });
      await this.repo.assignBatch(tx, rows.map((r) => r.id), batch.id);
      await audit(tx, actor, { action: 'certificate.batch_created', subjectType: 'certificate_batch', subjectId: batch.id, after: { count: rows.length, certificates: rows.map((r) => formatCertificateNo(r.serial)) } });
      return batch;
    });
  }

  /** 「発送済みにする」: once per mailing. */
  async markMailed(actor: Actor, batchId: number): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const batch = await this.repo.findBatch(tx, batchId, true);
      if (!batch) throw notFound('batch');
      if (batch.mailed_at) throw new RuleViolation('certificates.alreadyMailed', {}, 'conflict');
      const count = (await this.repo.inBatch(tx, batchId)).length;
      await this.repo.markMailed(tx, batchId, this.deps.clock.now(), actor.type === 'staff' ? actor.id : null);
      await audit(tx, actor, { action: 'certificate.batch_mailed', subjectType: 'certificate_batch', subjectId: batchId, after: { count } });
    });
  }

  /** The envelopes of a mailing: valid certificates only, with the member's current 送付先. */
  private async mailing(batchId: number) {
    const batch = await this.repo.findBatch(this.deps.db, batchId);
    if (!batch) throw notFound('batch');
    const rows = await this.repo.inBatch(this.deps.db, batchId);
    const members = await this.deps.members.byIds(rows.map((r) => r.member_id));
    return rows.map((c) => {
      const m = members.get(c.member_id)!;
      const address = [`${m.prefecture}${m.address_line1}`, m.address_line2].filter(Boolean).join(' ');
      return { certificateNo: formatCertificateNo(c.serial), name: c.holder_name, postalCode: m.postal_code, address, organisation: m.organisation };
    });
  }

  /** The mailing list as CSV for Excel (UTF-8 with BOM, CRLF, formulas neutralised), Japanese headers. */
  async mailingCsv(batchId: number): Promise<string> {
    const rows = await this.mailing(batchId);
    return toCsv(['氏名', '郵便番号', '住所', '勤務先', '専門医証番号'], rows.map((r) => [r.name, r.postalCode, r.address, r.organisation, r.certificateNo]));
  }

  async mailingLabels(batchId: number): Promise<Buffer> {
    const rows = await this.mailing(batchId);
    return renderLabelsPdf(rows, { title: `専門医証 宛名ラベル 第${batchId}回`, compress: this.deps.compressPdf });
  }
}
