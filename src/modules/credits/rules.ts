import type { CategoryMinimum, CreditKind, CreditSource, CreditStatus, GroupLimit } from '../../platform/db/schema';

/**
 * The counting rules, in one place. Pure: the ledger, the catalogue facts on each line, the member's
 * certification period and the cycle's numbers go in; what counts, what a limit trimmed and why comes out.
 * No number here is a constant: required credits, the self-report cap, category minimums and group
 * limits come from the renewal cycle; once-per-fiscal-year and limit groups from the catalogue.
 */

export interface LedgerLine {
  id: number;
  controlNo: string;
  catalogueId: number;
  code: string;
  name: string;
  categoryCode: string;
  kind: CreditKind;
  source: CreditSource;
  status: CreditStatus;
  credits: number;
  activityDate: string;
  limitGroup: string | null;
  oncePerFiscalYear: boolean;
}

export interface CycleRules {
  requiredCredits: number;
  selfReportCap: number;
  categoryMinimums: CategoryMinimum[];
  groupLimits: GroupLimit[];
}

export interface Period {
  start: string;
  end: string;
}

export type TrimReason = 'outside_period' | 'once_per_fiscal_year' | 'group_limit' | 'self_report_cap';

export interface TranscriptLine extends LedgerLine {
  inPeriod: boolean;
  /** Credits that count toward the requirement (approved, in period, after every limit). */
  counted: number;
  /** Approved credits a rule did not count, and the first rule that trimmed them. */
  notCounted: number;
  trimmedBy?: TrimReason;
}

export interface Transcript {
  lines: TranscriptLine[];
  period: Period | null;
  required: number;
  total: number;
  missing: number;
  selfReport: { cap: number; counted: number; approved: number; pending: number; remaining: number };
  pending: { count: number; credits: number };
  byCategory: { code: string; counted: number; min: number; missing: number }[];
  /** Minimum counts of activities of a kind (e.g. at least one annual meeting attended in the period). */
  byKind: { kind: CreditKind; count: number; minCount: number; missing: number }[];
  trims: { reason: TrimReason; credits: number; count: number }[];
}

/** 年度 of a calendar date 'YYYY-MM-DD' (April to March). */
export function fiscalYearOfDate(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 4 ? year : year - 1;
}

export function inPeriod(date: string, period: Period | null): boolean {
  return !!period && date >= period.start && date <= period.end;
}

export function computeTranscript(ledger: LedgerLine[], rules: CycleRules, period: Period | null, categories: string[] = []): Transcript {
  // Earliest first: when a limit bites, the later activity is the one not counted.
  const ordered = [...ledger].sort((a, b) => (a.activityDate === b.activityDate ? a.id - b.id : a.activityDate < b.activityDate ? -1 : 1));
  const groupLimit = new Map(rules.groupLimits.map((g) => [g.group, g.maxPerPeriod]));
  const groupUsed = new Map<string, number>();
  const seenPerYear = new Set<string>();
  const byCategory = new Map<string, number>(categories.map((c) => [c, 0]));
  const kindCount = new Map<CreditKind, number>();
  const trims = new Map<TrimReason, { credits: number; count: number }>();
  let selfCounted = 0;
  let selfApproved = 0;
  let selfPending = 0;
  let pendingCount = 0;
  let pendingCredits = 0;
  let total = 0;

  const trim = (reason: TrimReason, credits: number) => {
    const t = trims.get(reason) ?? { credits: 0, count: 0 };
    t.credits += credits;
    t.count += 1;
    trims.set(reason, t);
  };

  const lines = new Map<number, TranscriptLine>();
  for (const item of ordered) {
    const within = inPeriod(item.activityDate, period);
    const line: TranscriptLine = { ...item, inPeriod: within, counted: 0, notCounted: 0 };
    lines.set(item.id, line);
    if (item.status === 'pending' && within) {
      pendingCount += 1;
      pendingCredits += item.credits;
      if (item.source === 'self_report') selfPending += item.credits;
    }
    if (item.status !== 'approved') continue;
    if (!within) {
      line.notCounted = item.credits;
      line.trimmedBy = 'outside_period';
      trim('outside_period', item.credits);
      continue;
    }
    if (item.source === 'self_report') selfApproved += item.credits;
    let count = item.credits;
    let reason: TrimReason | undefined;
    if (item.oncePerFiscalYear) {
      const key = `${item.catalogueId}:${fiscalYearOfDate(item.activityDate)}`;
      if (seenPerYear.has(key)) {
        count = 0;
        reason = 'once_per_fiscal_year';
      }
      seenPerYear.add(key);
    }
    if (count > 0 && item.limitGroup && groupLimit.has(item.limitGroup)) {
      const left = Math.max(0, groupLimit.get(item.limitGroup)! - (groupUsed.get(item.limitGroup) ?? 0));
      if (count > left) {
        count = left;
        reason = 'group_limit';
      }
      groupUsed.set(item.limitGroup, (groupUsed.get(item.limitGroup) ?? 0) + count);
    }
    if (count > 0 && item.source === 'self_report') {
      const left = Math.max(0, rules.selfReportCap - selfCounted);
      if (count > left) {
        count = left;
        reason = 'self_report_cap';
      }
      selfCounted += count;
    }
    line.counted = count;
    line.notCounted = item.credits - count;
    if (line.notCounted > 0 && reason) {
      line.trimmedBy = reason;
      trim(reason, line.notCounted);
    }
    total += count;
    byCategory.set(item.categoryCode, (byCategory.get(item.categoryCode) ?? 0) + count);
    kindCount.set(item.kind, (kindCount.get(item.kind) ?? 0) + 1);
  }

  const minimums = new Map(rules.categoryMinimums.flatMap((m) => ('category' in m ? [[m.category, m.min] as const] : [])));
  const kindMinimums = rules.categoryMinimums.flatMap((m) => ('kind' in m ? [m] : []));
  for (const code of minimums.keys()) if (!byCategory.has(code)) byCategory.set(code, 0);
  return {
    // Newest first for display; the counting above ran oldest first.
    lines: ledger.map((l) => lines.get(l.id)!).sort((a, b) => (a.activityDate === b.activityDate ? b.id - a.id : a.activityDate < b.activityDate ? 1 : -1)),
    period,
    required: rules.requiredCredits,
    total,
    missing: Math.max(0, rules.requiredCredits - total),
    selfReport: {
      cap: rules.selfReportCap,
      counted: selfCounted,
      approved: selfApproved,
      pending: selfPending,
      remaining: Math.max(0, rules.selfReportCap - selfApproved - selfPending),
    },
    pending: { count: pendingCount, credits: pendingCredits },
    byCategory: [...byCategory].map(([code, counted]) => {
      const min = minimums.get(code) ?? 0;
      return { code, counted, min, missing: Math.max(0, min - counted) };
    }),
    byKind: kindMinimums.map((m) => {
      const count = kindCount.get(m.kind) ?? 0;
      return { kind: m.kind, count, minCount: m.minCount, missing: Math.max(0, m.minCount - count) };
    }),
    trims: [...trims].map(([reason, t]) => ({ reason, ...t })),
  };
}

/**
 * The self-report cap as a gate: may `adding` more self-reported credits join the approved and
 * pending ones of the period? Counts raw credits, before any other limit, as the guide states it.
 */
export function selfReportRoom(ledger: Pick<LedgerLine, 'source' | 'status' | 'credits' | 'activityDate' | 'id'>[], period: Period | null, cap: number, exceptId?: number) {
  let used = 0;
  for (const l of ledger) {
    if (l.id === exceptId || l.source !== 'self_report' || !inPeriod(l.activityDate, period)) continue;
    if (l.status === 'approved' || l.status === 'pending') used += l.credits;
  }
  return { used, cap, remaining: Math.max(0, cap - used) };
}
