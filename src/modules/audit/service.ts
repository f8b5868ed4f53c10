import type { Db } from '../../platform/db/database';
import type { AuditLogTable, StaffUser } from '../../platform/db/schema';
import type { MessageKey } from '../../platform/i18n';
import { normalizeDigits } from '../../platform/japanese';
import type { FormErrors, FormValues } from '../../platform/views/context';
import { fullName, type MembersService } from '../members/service';
import type { StaffService } from '../staff/service';
import { type AuditCursor, type AuditQuery, type AuditRow, AuditTrailRepository } from './repository';
import { keysetBatches } from '../../platform/db/keyset';

export const ACTOR_TYPES: readonly AuditLogTable['actor_type'][] = ['staff', 'member', 'system', 'anonymous'];

/** The filters as typed: member number, actor (a staff email or a type), action prefix, JST days. */
export interface AuditFilter {
  memberNumber?: string;
  actorType?: AuditLogTable['actor_type'];
  actorEmail?: string;
  actionPrefix?: string;
  fromDay?: string;
  toDay?: string;
}

export interface AuditEntryView extends AuditRow {
  actor: { kind: AuditLogTable['actor_type']; label: string; email?: string; memberNumber?: string };
  member?: { number: string; name: string };
}

const str = (raw: unknown, max = 200): string => (typeof raw === 'string' ? raw.slice(0, max) : '');

/** 「２０２６／４／１」「2026年4月1日」「2026-04-01」 → 2026-04-01, or undefined when it is no calendar day. */
function calendarDay(raw: string): string | undefined {
  const s = normalizeDigits(raw).trim().replace(/[/.年月]/g, '-').replace(/日$/, '');
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const day = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day ? day : undefined;
}

/** The start of a day in Tokyo (JST has no daylight saving: always +09:00). */
const tokyoMidnight = (day: string) => new Date(`${day}T00:00:00+09:00`);

/** The query string of 監査ログ → a filter; what cannot be read is an inline error, the rest is kept as typed. */
export function parseAuditFilter(query: Record<string, unknown>): { filter: AuditFilter; values: FormValues; errors?: FormErrors; after?: AuditCursor } {
  const values: FormValues = { member: str(query.member), actor: str(query.actor), action: str(query.action), from: str(query.from), to: str(query.to) };
  const errors: Record<string, MessageKey> = {};
  const filter: AuditFilter = {};
  const member = normalizeDigits(values.member!).trim();
  if (member) {
    if (/^1\d{5}$/.test(member)) filter.memberNumber = member;
    else errors.member = 'audit.memberInvalid';
  }
  const actor = values.actor!.normalize('NFKC').trim().toLowerCase();
  if (actor) {
    if (ACTOR_TYPES.includes(actor as AuditLogTable['actor_type'])) filter.actorType = actor as AuditLogTable['actor_type'];
    else if (actor.includes('@')) filter.actorEmail = actor;
    else errors.actor = 'audit.actorInvalid';
  }
  const action = values.action!.normalize('NFKC').trim();
  if (action) filter.actionPrefix = action;
  for (const key of ['from', 'to'] as const) {
    if (!values[key]!.trim()) continue;
    const day = calendarDay(values[key]!);
    if (day) filter[key === 'from' ? 'fromDay' : 'toDay'] = day;
    else errors[key] = 'audit.dateInvalid';
  }
  if (filter.fromDay && filter.toDay && filter.fromDay > filter.toDay) errors.to = 'audit.rangeInvalid';
  const cursor = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)~(\d{1,19})$/.exec(str(query.after, 60));
  return { filter, values, errors: Object.keys(errors).length > 0 ? errors : undefined, after: cursor ? { at: cursor[1]!, id: cursor[2]! } : undefined };
}

export const cursorOf = (row: AuditRow): string => `${row.at}~${row.id}`;

/**
 * 監査ログ for the secretariat and auditors: every audit row, newest first, filtered, in keyset pages
 * and as CSV batches. Read only: nothing in the application updates or deletes an audit row.
 */
export class AuditTrailService {
  private repo = new AuditTrailRepository();

  constructor(private deps: { db: Db; members: MembersService; staff: StaffService }) {}

  /** The filter as a query of the log; null when it can match nothing (an unknown member or email). */
  private async resolve(filter: AuditFilter, staffUsers: StaffUser[]): Promise<AuditQuery | null> {
    const q: AuditQuery = { actorType: filter.actorType, actionPrefix: filter.actionPrefix };
    if (filter.memberNumber) {
      const member = await this.deps.members.findByNumber(filter.memberNumber);
      if (!member) return null;
      q.memberId = member.id;
    }
    if (filter.actorEmail) {
      const user = staffUsers.find((u) => u.email === filter.actorEmail);
      if (!user) return null;
      q.actorType = 'staff';
      q.actorId = user.id;
    }
    if (filter.fromDay) q.from = tokyoMidnight(filter.fromDay);
    if (filter.toDay) q.until = new Date(tokyoMidnight(filter.toDay).getTime() + 86_400_000);
    return q;
  }

  private async views(rows: AuditRow[], staffUsers: StaffUser[]): Promise<AuditEntryView[]> {
    const memberIds = rows.flatMap((r) => [r.member_id, r.actor_type === 'member' ? r.actor_id : null]).filter((id): id is number => id !== null);
    const members = await this.deps.members.byIds(memberIds);
    const staffById = new Map(staffUsers.map((u) => [u.id, u]));
    return rows.map((r) => {
      const m = r.member_id ? members.get(r.member_id) : undefined;
      const staffUser = r.actor_type === 'staff' && r.actor_id ? staffById.get(r.actor_id) : undefined;
      const actingMember = r.actor_type === 'member' && r.actor_id ? members.get(r.actor_id) : undefined;
      const actor = staffUser
        ? { kind: r.actor_type, label: staffUser.display_name, email: staffUser.email }
        : actingMember ? { kind: r.actor_type, label: fullName(actingMember), memberNumber: actingMember.member_number }
          : { kind: r.actor_type, label: r.actor_id ? `#${r.actor_id}` : '' };
      return { ...r, actor, member: m ? { number: m.member_number, name: fullName(m) } : undefined };
    });
  }

  /** One page, newest first, after the cursor; `next` is the cursor of the page after it (if any). */
  async page(filter: AuditFilter, after: AuditCursor | undefined, pageSize: number): Promise<{ rows: AuditEntryView[]; next?: string }> {
    const staffUsers = await this.deps.staff.list();
    const q = await this.resolve(filter, staffUsers);
    if (!q) return { rows: [] };
    const rows = await this.repo.page(this.deps.db, { ...q, after }, pageSize + 1);
    const shown = rows.slice(0, pageSize);
    return { rows: await this.views(shown, staffUsers), next: rows.length > pageSize ? cursorOf(shown[shown.length - 1]!) : undefined };
  }

  /** Every matching row in the page order, a batch at a time (keyset, so the CSV holds one batch in memory). */
  async *batches(filter: AuditFilter, size = 1000): AsyncGenerator<AuditEntryView[]> {
    const staffUsers = await this.deps.staff.list();
    const q = await this.resolve(filter, staffUsers);
    if (!q) return;
    const pages = keysetBatches((after: AuditCursor | undefined, n) => this.repo.page(this.deps.db, { ...q, after }, n), (last) => ({ at: last.at, id: last.id }), size);
    for await (const rows of pages) yield await this.views(rows, staffUsers);
  }
}
