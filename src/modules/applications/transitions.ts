import type { ApplicationStatus, ApplicationType } from '../../platform/db/schema';

/**
 * The 専門医資格申請情報 workflow, per 申請区分. A draft (下書き) is the member's own until it is applied for:
 * editable and deletable. 更新申請: draft → 更新申請完了 (submitted, the 専門医更新料 is billed) → 更新完了
 * (completed, when that fee is paid). 辞退申請: draft → 辞退申請完了. 新規申請: draft → 審査中 (the secretariat
 * reviews it). A submitted renewal the member then withdraws from is cancelled (its unpaid fee with it).
 * Records of past cycles accept no action at all (the service checks the cycle before this table).
 * 差し戻し (revert): the secretariat sends a submitted renewal back to draft, its unpaid fee cancelled.
 */
export type ApplicationAction = 'edit' | 'delete' | 'submit' | 'complete' | 'withdraw' | 'cancel' | 'revert';

/** `null`: the record is gone (a deleted draft). */
export type ApplicationTarget = ApplicationStatus | null;

export const APPLICATION_TRANSITIONS: readonly { type: ApplicationType; action: ApplicationAction; from: ApplicationStatus; to: ApplicationTarget }[] = [
  { type: 'renewal', action: 'edit', from: 'draft', to: 'draft' },
  { type: 'renewal', action: 'delete', from: 'draft', to: null },
  { type: 'renewal', action: 'submit', from: 'draft', to: 'submitted' },
  { type: 'renewal', action: 'complete', from: 'submitted', to: 'completed' },
  { type: 'renewal', action: 'cancel', from: 'submitted', to: 'cancelled' },
  { type: 'renewal', action: 'revert', from: 'submitted', to: 'draft' },
  { type: 'withdrawal', action: 'edit', from: 'draft', to: 'draft' },
  { type: 'withdrawal', action: 'delete', from: 'draft', to: null },
  { type: 'withdrawal', action: 'withdraw', from: 'draft', to: 'withdrawn' },
  { type: 'initial', action: 'edit', from: 'draft', to: 'draft' },
  { type: 'initial', action: 'delete', from: 'draft', to: null },
  { type: 'initial', action: 'submit', from: 'draft', to: 'submitted_for_review' },
];

/** The status an action leads to, `null` for a deleted record, `undefined` when the action is not allowed. */
export function nextApplicationStatus(type: ApplicationType, from: ApplicationStatus, action: ApplicationAction): ApplicationTarget | undefined {
  const row = APPLICATION_TRANSITIONS.find((t) => t.type === type && t.from === from && t.action === action);
  return row ? row.to : undefined;
}

export function allows(type: ApplicationType, from: ApplicationStatus, action: ApplicationAction): boolean {
  return nextApplicationStatus(type, from, action) !== undefined;
}
