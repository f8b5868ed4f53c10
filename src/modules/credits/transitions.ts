import type { CreditStatus } from '../../platform/db/schema';

/**
 * The self-report workflow, the only place its moves are written down. The service refuses any move
 * not listed (409), and the tests walk every row and every missing one.
 *
 *   下書き ──承認申請(送信)──▶ 申請中 ──承認──▶ 承認
 *     ▲  ◀────取り消し─────   │
 *     │                      └──却下──▶ 却下 ──承認申請(送信)──▶ 申請中
 */
export type CreditAction = 'submit' | 'recall' | 'approve' | 'reject' | 'edit' | 'attach';
export type ActorKind = 'member' | 'staff';

export const TRANSITIONS: readonly { action: CreditAction; from: CreditStatus; to: CreditStatus; by: ActorKind }[] = [
  { action: 'edit', from: 'draft', to: 'draft', by: 'member' },
  { action: 'edit', from: 'rejected', to: 'rejected', by: 'member' },
  { action: 'attach', from: 'draft', to: 'draft', by: 'member' },
  { action: 'attach', from: 'rejected', to: 'rejected', by: 'member' },
  { action: 'submit', from: 'draft', to: 'pending', by: 'member' },
  { action: 'submit', from: 'rejected', to: 'pending', by: 'member' },
  { action: 'recall', from: 'pending', to: 'draft', by: 'member' },
  { action: 'approve', from: 'pending', to: 'approved', by: 'staff' },
  { action: 'reject', from: 'pending', to: 'rejected', by: 'staff' },
];

/** The status after `action`, or null when the workflow does not allow it from `from` for `by`. */
export function nextStatus(from: CreditStatus, action: CreditAction, by: ActorKind): CreditStatus | null {
  return TRANSITIONS.find((t) => t.from === from && t.action === action && t.by === by)?.to ?? null;
}

export function allowed(from: CreditStatus, action: CreditAction, by: ActorKind): boolean {
  return nextStatus(from, action, by) !== null;
}
