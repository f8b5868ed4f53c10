import type { ApplicationType, AttemptStatus, CreditStatus, Member, OnlineMethod } from '../../platform/db/schema';
import { normalizeDigits } from '../../platform/japanese';
import type { PageContext } from '../../platform/views/context';
import { LIST_STATUSES, LIST_TYPES, type ListFilter, type ListRow } from '../applications/staff-list';
import type { CreditExportFilter, CreditExportRow } from '../credits/service';
import { fullName } from '../members/service';
import type { AttemptFilter, StaffPaymentRow } from '../payments/service';
import { ATTEMPT_STATUSES, ONLINE_METHODS } from './views';

/** The columns of each export, in Japanese for the office's spreadsheet, and one row of each. */

type Cell = string | number | null;

const tokyoClock = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
/** 「2026-11-23 10:00」 in Tokyo time: sorts as text and Excel reads it as a date and time. */
const at = (d: Date | null) => (d ? tokyoClock.format(d) : '');
const address = (m: Member) => `${m.prefecture}${m.address_line1}${m.address_line2 ? ` ${m.address_line2}` : ''}`;

export const MEMBERS_HEADER = ['会員番号', '氏名', 'フリガナ', 'メールアドレス', '電話番号', '郵便番号', '住所', '勤務先', '認定期間（開始）', '認定期間（終了）'];
export const memberRow = (m: Member): Cell[] => [
  m.member_number, fullName(m), `${m.family_name_kana} ${m.given_name_kana}`, m.email, m.phone, m.postal_code, address(m), m.organisation, m.cert_period_start, m.cert_period_end,
];

export const APPLICATIONS_HEADER = ['会員番号', '氏名', '申請番号', '申請区分', '状態', '作成日時', '申請日時', '更新完了日時', '辞退日時', '新しい認定期間（開始）', '新しい認定期間（終了）'];
export function applicationRows(ctx: PageContext, row: ListRow): Cell[][] {
  const who = [row.member.member_number, fullName(row.member)];
  const records = row.application ? [row.application] : row.records;
  if (records.length === 0) return [[...who, '', '', ctx.t('appList.status.not_started'), '', '', '', '', '', '']];
  return records.map((a) => [
    ...who, a.application_no, ctx.t(`applications.type.${a.type}`), ctx.t(`applications.status.${a.status}`), at(a.created_at), at(a.submitted_at), at(a.completed_at), at(a.withdrawn_at),
    a.granted_period_start, a.granted_period_end,
  ]);
}

export const CREDITS_HEADER = ['管理No', '会員番号', '氏名', '単位コード', '名称', '研修単位区分', '単位数', '活動日', '取得方法', '状態', '内容', '申請日時', '決定日時'];
export const creditRow = (ctx: PageContext, c: CreditExportRow, m: Member | undefined): Cell[] => [
  c.control_no, m?.member_number ?? '', m ? fullName(m) : '', c.code, ctx.locale === 'en' && c.name_en ? c.name_en : c.name_ja, c.category_code, c.credits, c.activity_date,
  ctx.t(`credits.source.${c.source}`), ctx.t(`credits.status.${c.status}`), [c.detail_title, c.detail_source].filter(Boolean).join(' '), at(c.submitted_at), at(c.decided_at),
];

export const PAYMENTS_HEADER = ['決済ID', '管理No', '会員番号', '氏名', '決済方法', '状態', '金額', '決済代行', '参照番号', '開始日時', '確定日時'];
export const paymentRow = (ctx: PageContext, p: StaffPaymentRow, m: Member | undefined): Cell[] => [
  p.attempt.id, p.controlNo, m?.member_number ?? '', m ? fullName(m) : '', ctx.t(`billing.method.${p.attempt.method}`), ctx.t(`staffBilling.attempt.${p.attempt.status}`),
  p.attempt.amount, p.attempt.gateway, p.attempt.gateway_ref ?? '', at(p.attempt.created_at), at(p.attempt.settled_at),
];

// ── Filters: a choice outside its list is no filter; a date that cannot be read is a 400 ─────────────

const pick = <T extends string>(raw: unknown, allowed: readonly T[]): T | undefined => (allowed.includes(raw as T) ? (raw as T) : undefined);
const str = (raw: unknown) => (typeof raw === 'string' ? raw.slice(0, 40) : '');

/** 「２０２６－０４－０１」 or 2026-04-01 → 2026-04-01; '' → undefined; anything else → null (invalid). */
function date(raw: unknown): string | undefined | null {
  const s = normalizeDigits(str(raw).normalize('NFKC')).trim();
  if (!s) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) ? s : null;
}

export function parseApplicationFilter(q: Record<string, unknown>): ListFilter & { fiscalYear?: number } {
  const year = normalizeDigits(str(q.cycle));
  return { status: pick(q.status, LIST_STATUSES) ?? 'targets', type: pick(q.type, LIST_TYPES) as ApplicationType | undefined, fiscalYear: /^\d{4}$/.test(year) ? Number(year) : undefined };
}

export function parseCreditFilter(q: Record<string, unknown>): CreditExportFilter | null {
  const from = date(q.from);
  const to = date(q.to);
  if (from === null || to === null) return null;
  return { status: pick(q.status, ['draft', 'pending', 'approved', 'rejected'] as CreditStatus[]), from, to };
}

export function parsePaymentFilter(q: Record<string, unknown>): AttemptFilter | null {
  const since = date(q.since);
  if (since === null) return null;
  return {
    method: pick(q.method, ONLINE_METHODS) as OnlineMethod | undefined, status: pick(q.status, ATTEMPT_STATUSES) as AttemptStatus | undefined,
    since: since ? new Date(`${since}T00:00:00+09:00`) : undefined,
  };
}
