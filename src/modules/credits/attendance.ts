import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { CatalogueEntry, CheckinScan, CheckinScanResult, Credit } from '../../platform/db/schema';
import { forbidden, notFound, RuleViolation } from '../../platform/errors';
import { normalizeDigits, tokyoDate } from '../../platform/japanese';
import type { CheckinService } from '../checkin/service';
import type { Member, MembersService } from '../members/service';
import { AttendanceRepository } from './attendance-repository';

export interface Meeting extends CatalogueEntry {
  /** Reception is open from the meeting's first day on (late entries by member number included). */
  open: boolean;
}

export interface ScanOutcome {
  result: CheckinScanResult;
  inputKind: 'qr' | 'number';
  /** The member number read (from the QR code or typed), when there was one. */
  memberNumber?: string;
  member?: Member;
  credit?: Credit;
  /** A QR code's end of validity (expired codes). */
  expiredAt?: Date;
}

export type ScanLine = CheckinScan & { member?: Member };

/**
 * 学術集会の受付: the desk reads a member's check-in QR code (or types the member number) and the
 * meeting's credits go to the member's ledger once (source 'attendance'). Every scan is logged.
 */
export class AttendanceService {
  private repo = new AttendanceRepository();

  constructor(private deps: { db: Db; clock: Clock; checkin: CheckinService; members: MembersService }) {}

  private today(): string {
    return tokyoDate(this.deps.clock.now());
  }

  private withOpen(entry: CatalogueEntry): Meeting {
    return { ...entry, open: !entry.activity_from || entry.activity_from <= this.today() };
  }

  /** 学術集会・地方会, newest first. */
  async meetings(): Promise<Meeting[]> {
    return (await this.repo.meetings(this.deps.db)).map((e) => this.withOpen(e));
  }

  async meeting(id: number): Promise<Meeting> {
    const entry = await this.repo.meetingById(this.deps.db, id);
    if (!entry) throw notFound('meeting');
    return this.withOpen(entry);
  }

  /** One scan at the desk: verify, find the member, credit once, log, in one transaction. */
  async scan(actor: Actor, meetingId: number, rawInput: string): Promise<ScanOutcome> {
    if (actor.type !== 'staff' || actor.id === null) throw forbidden('staff only');
    const meeting = await this.meeting(meetingId);
    if (!meeting.open) throw new RuleViolation('attendance.notOpen', { date: meeting.activity_from ?? '' }, 'invalid_state');
    const input = rawInput.trim();
    const typed = normalizeDigits(input.normalize('NFKC'));
    // Digits are a typed member number; anything else is what a scanner read (valid or not).
    const inputKind: 'qr' | 'number' = /^\d{1,10}$/.test(typed) ? 'number' : 'qr';
    let memberNumber: string | undefined = inputKind === 'number' ? typed : undefined;
    let refusal: { result: 'invalid' | 'expired'; expiredAt?: Date } | undefined;
    if (inputKind === 'qr') {
      const verification = await this.deps.checkin.verify(input);
      if (verification.status === 'invalid') refusal = { result: 'invalid' };
      else {
        memberNumber = verification.payload.m;
        if (verification.status === 'expired') refusal = { result: 'expired', expiredAt: new Date(verification.payload.exp * 1000) };
      }
    }
    const member = memberNumber ? await this.deps.members.findByNumber(memberNumber) : undefined;
    const staffId = actor.id;
    const now = this.deps.clock.now();
    const scanRow = (result: CheckinScanResult, creditId: number | null = null) => ({
      catalogue_id: meeting.id, input_kind: inputKind, member_number: memberNumber ?? null, member_id: member?.id ?? null, result, credit_id: creditId,
      staff_id: staffId, scanned_at: now,
    });
    if (refusal || !member) {
      const result = refusal?.result ?? 'unknown_member';
      await this.repo.insertScan(this.deps.db, scanRow(result));
      return { result, inputKind, memberNumber, member, expiredAt: refusal?.expiredAt };
    }
    return this.deps.db.transaction().execute(async (tx) => {
      const other = await this.repo.otherCredit(tx, member.id, meeting.id);
      const credit = other ? undefined : await this.repo.insertAttendance(tx, {
        memberId: member.id, catalogueId: meeting.id, credits: meeting.credits, activityDate: this.activityDate(meeting), now, decidedBy: staffId,
      });
      if (!credit) {
        await this.repo.insertScan(tx, scanRow('duplicate'));
        return { result: 'duplicate' as const, inputKind, memberNumber, member };
      }
      await this.repo.insertEvent(tx, { credit_id: credit.id, occurred_at: now, actor_type: actor.type, actor_id: actor.id, comment: '' });
      await audit(tx, actor, {
        action: 'credit.create', subjectType: 'credit', subjectId: credit.control_no, memberId: member.id, after: { status: 'approved' },
        detail: { via: 'checkin', meeting: meeting.code, input: inputKind },
      });
      await this.repo.insertScan(tx, scanRow('credited', credit.id));
      return { result: 'credited' as const, inputKind, memberNumber, member, credit };
    });
  }

  /** The day the desk credits: today, or the meeting's last day for an entry made after it. */
  private activityDate(meeting: CatalogueEntry): string {
    const today = this.today();
    return meeting.activity_to && today > meeting.activity_to ? meeting.activity_to : today;
  }

  async recentScans(meetingId: number, limit = 20): Promise<ScanLine[]> {
    const scans = await this.repo.recentScans(this.deps.db, meetingId, limit);
    const members = await this.deps.members.byIds(scans.flatMap((s) => (s.member_id ? [s.member_id] : [])));
    return scans.map((s) => ({ ...s, member: s.member_id ? members.get(s.member_id) : undefined }));
  }

  creditedCount(meetingId: number): Promise<number> {
    return this.repo.countAttendance(this.deps.db, meetingId);
  }
}
