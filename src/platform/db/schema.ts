import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A date column (no time): read and written as 'YYYY-MM-DD' text (see the pg type parser in database.ts). */
type DateColumn = string;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TimestampNullable = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string | undefined, string>;

export interface MembersTable {
  id: Generated<number>;
  member_number: string;
  family_name: string;
  given_name: string;
  family_name_kana: string;
  given_name_kana: string;
  birth_date: DateColumn;
  email: string;
  phone: string;
  postal_code: string;
  prefecture: string;
  address_line1: string;
  address_line2: Generated<string>;
  organisation: Generated<string>;
  specialist_number: string | null;
  cert_period_start: DateColumn | null;
  cert_period_end: DateColumn | null;
  search_text: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MemberCredentialsTable {
  member_id: number;
  password_hash: string;
  updated_at: Timestamp;
}

export interface PasswordResetTokensTable {
  id: Generated<number>;
  member_id: number;
  token_hash: string;
  expires_at: Timestamp;
  used_at: TimestampNullable;
  created_at: Timestamp;
}

export interface EmailChangeTokensTable {
  id: Generated<number>;
  member_id: number;
  new_email: string;
  token_hash: string;
  expires_at: Timestamp;
  used_at: TimestampNullable;
  created_at: Timestamp;
}

export interface StaffUsersTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  role: 'staff' | 'admin' | 'auditor';
  password_hash: string | null;
  totp_secret_enc: string | null;
  totp_enrolled_at: TimestampNullable;
  /** The last TOTP time step accepted: a code is never accepted twice. */
  totp_last_step: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  disabled_at: TimestampNullable;
  last_login_at: TimestampNullable;
  created_at: Timestamp;
}

export interface StaffRecoveryCodesTable {
  id: Generated<number>;
  staff_id: number;
  code_hash: string;
  used_at: TimestampNullable;
}

export interface StaffTokensTable {
  id: Generated<number>;
  staff_id: number;
  purpose: 'invite';
  token_hash: string;
  expires_at: Timestamp;
  used_at: TimestampNullable;
  created_at: Timestamp;
}

export interface SessionsTable {
  id_hash: string;
  realm: 'member' | 'staff';
  subject_id: number;
  stage: ColumnType<'active' | 'second_factor' | 'enrol', 'active' | 'second_factor' | 'enrol' | undefined>;
  data: Json;
  created_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface LoginAttemptsTable {
  id: Generated<string>;
  realm: string;
  account_key: string;
  ip: string;
  succeeded: boolean;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  occurred_at: Timestamp;
  actor_type: 'member' | 'staff' | 'system' | 'anonymous';
  actor_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  member_id: number | null;
  ip: string | null;
  request_id: string | null;
  before: Json | null;
  after: Json | null;
  detail: Json | null;
}

export interface NoticesTable {
  id: Generated<number>;
  title_ja: string;
  body_ja: string;
  title_en: Generated<string>;
  body_en: Generated<string>;
  publish_from: Timestamp;
  publish_until: TimestampNullable;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MailsTable {
  id: Generated<number>;
  to_address: string;
  template: string;
  locale: string;
  subject: string;
  text_body: string;
  html_body: string;
  member_id: number | null;
  status: ColumnType<'queued' | 'sent' | 'failed', 'queued' | 'sent' | 'failed' | undefined>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: TimestampNullable;
  /** The request (or job) that queued it: its log lines carry the same id (migration 0032). */
  request_id: ColumnType<string | null, string | null | undefined>;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: Timestamp;
}

/** A cycle's minimum: credits from a category (at least 10 from 必修研修), or a count of activities of a kind (an annual meeting). */
export type CategoryMinimum = { category: string; min: number } | { kind: CreditKind; minCount: number };

export interface GroupLimit {
  group: string;
  maxPerPeriod: number;
}

export interface RenewalCyclesTable {
  id: Generated<number>;
  fiscal_year: number;
  name_ja: string;
  name_en: string;
  period_end: DateColumn;
  required_credits: number;
  self_report_cap: number;
  category_minimums: ColumnType<CategoryMinimum[], string | undefined, string>;
  group_limits: ColumnType<GroupLimit[], string | undefined, string>;
  new_period_start: DateColumn;
  new_period_end: DateColumn;
  last_annual_fee_year: number;
  renewal_fee_code: Generated<string>;
  window_opens_on: DateColumn;
  window_closes_on: DateColumn;
  payment_due_on: DateColumn;
  study_abroad: ColumnType<StudyAbroadRule, string | undefined, string>;
  created_at: Timestamp;
}

/** 留学 as data in the cycle: whether a stay across the new period's start waives the credit condition, and the credits a verified stay earns. */
export interface StudyAbroadRule {
  waivesCredits: boolean;
  minConsecutiveMonths: number;
  creditsPerMonth: number;
  category: string;
  /** The catalogue entry a verified stay's credits are recorded under (its credits = creditsPerMonth). */
  catalogueCode: string;
}

export interface CreditCategoriesTable {
  code: string;
  name_ja: string;
  name_en: string;
  sort_order: number;
}

export type CreditKind = 'annual_meeting' | 'regional_meeting' | 'elearning' | 'related_meeting' | 'paper' | 'other';
export type CreditSource = 'attendance' | 'elearning' | 'self_report' | 'import' | 'staff';
export type CreditStatus = 'draft' | 'pending' | 'approved' | 'rejected';

export interface CreditCatalogueTable {
  id: Generated<number>;
  code: string;
  name_ja: string;
  name_en: Generated<string>;
  category_code: string;
  kind: CreditKind;
  credits: number;
  activity_from: DateColumn | null;
  activity_to: DateColumn | null;
  self_reportable: Generated<boolean>;
  detail_kind: ColumnType<'none' | 'meeting_name' | 'paper', 'none' | 'meeting_name' | 'paper' | undefined>;
  limit_group: string | null;
  once_per_fiscal_year: Generated<boolean>;
  retired_at: TimestampNullable;
  search_text: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CreditsTable {
  id: Generated<number>;
  control_no: Generated<string>;
  member_id: number;
  catalogue_id: number;
  source: CreditSource;
  status: CreditStatus;
  credits: number;
  activity_date: DateColumn;
  detail_title: Generated<string>;
  detail_source: Generated<string>;
  external_id: string | null;
  rejection_reason: string | null;
  submitted_at: TimestampNullable;
  decided_at: TimestampNullable;
  decided_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CreditEventsTable {
  id: Generated<number>;
  credit_id: number;
  occurred_at: Timestamp;
  actor_type: string;
  actor_id: number | null;
  action: string;
  from_status: string | null;
  to_status: string;
  comment: Generated<string>;
}

export interface CreditFilesTable {
  id: Generated<number>;
  credit_id: number;
  stored_name: string;
  original_name: string;
  content_type: 'application/pdf' | 'image/jpeg' | 'image/png';
  size_bytes: number;
  sha256: string;
  uploaded_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  /** SHA-256 (hex) of the token; the token itself is shown once and never stored. */
  token_hash: string;
  /** The first 8 characters ('kst_' + 4), for display only. */
  token_prefix: string;
  created_by: number;
  created_at: Timestamp;
  last_used_at: TimestampNullable;
  revoked_at: TimestampNullable;
}

export interface ApiRequestsTable {
  id: Generated<string>;
  token_id: number;
  idempotency_key: string;
  request_hash: string;
  /** null while the request is being processed. */
  response_status: number | null;
  response_body: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Timestamp;
  completed_at: TimestampNullable;
}

export type CheckinScanResult = 'credited' | 'duplicate' | 'invalid' | 'expired' | 'unknown_member';

export interface CheckinScansTable {
  id: Generated<number>;
  catalogue_id: number;
  input_kind: 'qr' | 'number';
  member_number: string | null;
  member_id: number | null;
  result: CheckinScanResult;
  credit_id: number | null;
  staff_id: number;
  scanned_at: Timestamp;
}

/** One row of an import file as parsed (digits and hyphens normalised); `line` is its line in the file. */
export interface CreditImportRow {
  line: number;
  member: string;
  code: string;
  date: string;
  externalId: string;
  /** How many columns the row had (fewer than 4 is an invalid row). */
  columns: number;
}

export interface CreditImportsTable {
  id: Generated<number>;
  staff_id: number;
  file_name: string;
  sha256: string;
  encoding: 'utf-8' | 'shift_jis';
  had_header: boolean;
  row_count: number;
  rows: ColumnType<CreditImportRow[], string, string>;
  created_at: Timestamp;
  committed_at: TimestampNullable;
  imported: number | null;
  statuses: ColumnType<string[] | null, string | null | undefined, string | null>;
}

export type PaymentMethod = 'card' | 'konbini' | 'payeasy' | 'slip';
export type InvoiceStatus = 'unpaid' | 'processing' | 'paid' | 'cancelled';

export interface FeeTypesTable {
  code: string;
  name_ja: string;
  name_en: string;
  amount: number;
  methods: PaymentMethod[];
  tax_category: 'non_taxable' | 'taxable_10';
  due_month_day: string | null;
}

export interface BillingAccountsTable {
  member_id: number;
  annual_fee_method: ColumnType<'invoice' | 'direct_debit' | 'recurring_card', 'invoice' | 'direct_debit' | 'recurring_card' | undefined>;
}

export interface InvoicesTable {
  id: Generated<number>;
  control_no: Generated<string>;
  member_id: number;
  fee_type: string;
  fiscal_year: number | null;
  business_key: string;
  amount: number;
  issued_on: DateColumn;
  due_on: DateColumn;
  status: ColumnType<InvoiceStatus, InvoiceStatus | undefined>;
  auto_debit: Generated<boolean>;
  paid_on: DateColumn | null;
  paid_method: string | null;
  paid_reference: string | null;
  cancel_reason: string | null;
  slip_requested_at: TimestampNullable;
  slip_dispatch_on: DateColumn | null;
  slip_sent_at: TimestampNullable;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InvoiceEventsTable {
  id: Generated<number>;
  invoice_id: number;
  occurred_at: Timestamp;
  actor_type: string;
  actor_id: number | null;
  action: string;
  from_status: string | null;
  to_status: string;
  detail: Generated<string>;
}

export interface ReceiptsTable {
  id: Generated<number>;
  receipt_no: Generated<string>;
  invoice_id: number;
  issued_at: Timestamp;
  download_count: Generated<number>;
  last_downloaded_at: TimestampNullable;
}

export type OnlineMethod = 'card' | 'konbini' | 'payeasy';
export type AttemptStatus = 'created' | 'at_gateway' | 'awaiting_payment' | 'paid_provisional' | 'settled' | 'failed' | 'expired' | 'cancelled';
/** What the payer needs at the store or bank (konbini chain and numbers, Pay-easy numbers). */
export interface PaymentInstructions {
  chain?: KonbiniChainCode;
  receiptNumber?: string;
  phone?: string;
  companyCode?: string;
  orderNumber?: string;
  slipNumber?: string;
  institutionNumber?: string;
  customerNumber?: string;
  confirmationNumber?: string;
  /** Stripe: one payment code (and confirmation number) per chain; the member chooses the store. */
  stores?: { chain: KonbiniChainCode; paymentCode: string; confirmationNumber?: string }[];
  /** The gateway's own page with the voucher / payment instructions. */
  instructionsUrl?: string;
}
export type KonbiniChainCode = 'lawson' | 'ministop' | 'familymart' | 'seven' | 'seicomart';

export interface PaymentAttemptsTable {
  id: Generated<number>;
  invoice_id: number;
  method: OnlineMethod;
  status: ColumnType<AttemptStatus, AttemptStatus | undefined>;
  gateway: string;
  gateway_ref: string | null;
  idempotency_key: string;
  amount: number;
  instructions: ColumnType<PaymentInstructions | null, string | null | undefined, string | null>;
  expires_at: TimestampNullable;
  hold_until: Timestamp;
  overpayment: Generated<boolean>;
  settled_at: TimestampNullable;
  provisional_cancelled_at: TimestampNullable;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PaymentNotificationsTable {
  id: Generated<number>;
  gateway: string;
  event_id: string;
  attempt_id: number | null;
  gateway_ref: string | null;
  payload: ColumnType<unknown, string, string>;
  received_at: Timestamp;
  applied_at: TimestampNullable;
}

export type OverpaymentStatus = 'open' | 'refunded' | 'resolved';

export interface OverpaymentsTable {
  id: Generated<number>;
  invoice_id: number | null;
  member_id: number | null;
  source: 'gateway' | 'import';
  source_ref: string;
  amount: number;
  received_on: DateColumn;
  method: string;
  reference: Generated<string>;
  status: ColumnType<OverpaymentStatus, OverpaymentStatus | undefined>;
  resolved_on: DateColumn | null;
  resolution_reference: Generated<string>;
  resolution_note: Generated<string>;
  resolved_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The built-in sandbox gateway's payments (development and tests only). */
export interface SandboxPaymentsTable {
  ref: string;
  idempotency_key: string;
  method: OnlineMethod;
  amount: number;
  description: string;
  return_url: string;
  expires_at: Timestamp;
  state: ColumnType<SandboxPaymentState, SandboxPaymentState | undefined>;
  instructions: ColumnType<PaymentInstructions | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type SandboxPaymentState = 'open' | 'awaiting_payment' | 'paid_provisional' | 'settled' | 'failed' | 'expired' | 'cancelled';
// ── Payment result files (billing: 入金結果の取込) ──────────────────────────────────────────────────
export type PaymentImportKind = 'postal' | 'bank' | 'debit';

/** One data row of a result file as read (cells width-normalised, not yet interpreted); `line` is its line in the file. */
export interface PaymentImportRow {
  line: number;
  /** 管理No (郵便振替 / 銀行振込) or 会員番号 (口座振替・クレジット継続払い). */
  reference: string;
  /** 年度 (debit files only). */
  year: string;
  amount: string;
  date: string;
  /** 払込人名 / 振込人名 (transfers only). */
  payer: string;
  /** 結果 (debit files only): 振替済, 資金不足 … */
  result: string;
  transactionNo: string;
  columns: number;
}

/** What became of a row (the preview's report, kept as it was at apply time). */
export interface PaymentImportOutcome {
  outcome: string;
  /** invalid_row: which cell; debit_failed: the bank's word. */
  reason?: string;
  invoiceId?: number;
  controlNo?: string;
  invoiceAmount?: number;
}

export interface PaymentImportsTable {
  id: Generated<number>;
  kind: PaymentImportKind;
  staff_id: number;
  file_name: string;
  sha256: string;
  encoding: 'utf-8' | 'shift_jis';
  row_count: number;
  rows: ColumnType<PaymentImportRow[], string, string>;
  created_at: Timestamp;
  applied_at: TimestampNullable;
  applied_by: number | null;
  outcomes: ColumnType<PaymentImportOutcome[] | null, string | null | undefined, string | null>;
}

export interface PaymentImportTransactionsTable {
  kind: PaymentImportKind;
  transaction_no: string;
  import_id: number;
  line: number;
  outcome: string;
  invoice_id: number | null;
  amount: number;
  created_at: Timestamp;
}

// ── applications (専門医資格申請情報) ──────────────────────────────────────────────────────────────
export type ApplicationType = 'initial' | 'renewal' | 'withdrawal';
export type ApplicationStatus = 'draft' | 'submitted' | 'completed' | 'withdrawn' | 'submitted_for_review' | 'cancelled';

export interface ApplicationsTable {
  id: Generated<number>;
  application_no: Generated<string>;
  member_id: number;
  cycle_id: number | null;
  type: ApplicationType;
  status: ColumnType<ApplicationStatus, ApplicationStatus | undefined>;
  base_qualification: string | null;
  base_qualification_number: string | null;
  base_qualification_year: number | null;
  base_period_start: DateColumn | null;
  base_period_end: DateColumn | null;
  abroad: Generated<boolean>;
  abroad_departed_on: DateColumn | null;
  abroad_returned_on: DateColumn | null;
  abroad_ongoing: Generated<boolean>;
  withdrawal_reason: string | null;
  withdrawal_reason_other: Generated<string>;
  licence_date: DateColumn | null;
  acls_valid_until: DateColumn | null;
  invoice_id: number | null;
  abroad_verified_at: TimestampNullable;
  abroad_verified_by: number | null;
  granted_period_start: DateColumn | null;
  granted_period_end: DateColumn | null;
  submitted_at: TimestampNullable;
  completed_at: TimestampNullable;
  withdrawn_at: TimestampNullable;
  /** 'paper': 郵送の認定更新申請書, entered by the secretariat (事務局入力（郵送）) on received_on. */
  channel: Generated<'web' | 'paper'>;
  received_on: DateColumn | null;
  entered_by: number | null;
  /** Bumped by each 差し戻し, so a second submission bills under a new business key. */
  fee_round: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApplicationEventsTable {
  id: Generated<number>;
  application_id: number;
  occurred_at: Timestamp;
  actor_type: string;
  actor_id: number | null;
  action: string;
  from_status: ApplicationStatus | null;
  to_status: ApplicationStatus;
  detail: Generated<string>;
}

export interface ApplicationFilesTable {
  id: Generated<number>;
  application_id: number;
  kind: 'enrollment_certificate' | 'paper_form';
  stored_name: string;
  original_name: string;
  content_type: 'application/pdf' | 'image/jpeg' | 'image/png';
  size_bytes: number;
  sha256: string;
  uploaded_at: Timestamp;
  /** 再提出を依頼: the secretariat asked for a new 在籍証明書; this one no longer counts. */
  rejected_at: TimestampNullable;
  rejected_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

// ── certificates (専門医証, migration 0021) ─────────────────────────────────────────────────────────
export type CertificateStatus = 'active' | 'revoked' | 'superseded' | 'withdrawn';

export interface CertificatesTable {
  id: Generated<number>;
  serial: ColumnType<number, never, never>;
  member_id: number;
  application_id: number;
  cycle_id: number;
  holder_name: string;
  period_start: DateColumn;
  period_end: DateColumn;
  issued_at: Timestamp;
  issued_by: number | null;
  status: ColumnType<CertificateStatus, CertificateStatus | undefined>;
  status_reason: Generated<string>;
  status_changed_at: TimestampNullable;
  replaces_id: number | null;
  code_hash: string;
  code_sealed: string;
  batch_id: number | null;
}

export interface CertificateBatchesTable {
  id: Generated<number>;
  cycle_id: number;
  created_at: Timestamp;
  created_by: number | null;
  mailed_at: TimestampNullable;
  mailed_by: number | null;
}

// ── reminders (お知らせメール) ───────────────────────────────────────────────────────────────────
export type ReminderKind = 'not_started_month' | 'not_started_week' | 'renewal_fee_due' | 'numbers_expiring' | 'self_report_rejected';
export type ReminderTopic = 'renewal' | 'self_report';

export interface RemindersSentTable {
  member_id: number;
  kind: ReminderKind;
  event_key: string;
  mail_id: number | null;
  sent_at: Timestamp;
}

export interface ReminderOptOutsTable {
  member_id: number;
  topic: ReminderTopic;
  created_at: Timestamp;
}

// ── Scale-out (decisions/0024): the rate limiter's counters, shared by every instance ──────────────
export interface RateLimitsTable {
  key: string;
  hits: number;
  resets_at: Timestamp;
}

export interface Database {
  members: MembersTable;
  member_credentials: MemberCredentialsTable;
  password_reset_tokens: PasswordResetTokensTable;
  email_change_tokens: EmailChangeTokensTable;
  staff_users: StaffUsersTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  staff_tokens: StaffTokensTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  rate_limits: RateLimitsTable;
  audit_log: AuditLogTable;
  notices: NoticesTable;
  mails: MailsTable;
  settings: SettingsTable;
  renewal_cycles: RenewalCyclesTable;
  credit_categories: CreditCategoriesTable;
  credit_catalogue: CreditCatalogueTable;
  credits: CreditsTable;
  credit_events: CreditEventsTable;
  credit_files: CreditFilesTable;
  api_tokens: ApiTokensTable;
  api_requests: ApiRequestsTable;
  checkin_scans: CheckinScansTable;
  credit_imports: CreditImportsTable;
  fee_types: FeeTypesTable;
  billing_accounts: BillingAccountsTable;
  invoices: InvoicesTable;
  invoice_events: InvoiceEventsTable;
  receipts: ReceiptsTable;
  payment_attempts: PaymentAttemptsTable;
  payment_notifications: PaymentNotificationsTable;
  overpayments: OverpaymentsTable;
  sandbox_payments: SandboxPaymentsTable;
  payment_imports: PaymentImportsTable;
  payment_import_transactions: PaymentImportTransactionsTable;
  applications: ApplicationsTable;
  application_events: ApplicationEventsTable;
  application_files: ApplicationFilesTable;
  certificates: CertificatesTable;
  certificate_batches: CertificateBatchesTable;
  reminders_sent: RemindersSentTable;
  reminder_opt_outs: ReminderOptOutsTable;
}

export type Member = Selectable<MembersTable>;
export type NewMember = Insertable<MembersTable>;
export type MemberUpdate = Updateable<MembersTable>;
export type StaffUser = Selectable<StaffUsersTable>;
export type Notice = Selectable<NoticesTable>;
export type Mail = Selectable<MailsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type RenewalCycle = Selectable<RenewalCyclesTable>;
export type CreditCategory = Selectable<CreditCategoriesTable>;
export type CatalogueEntry = Selectable<CreditCatalogueTable>;
export type Credit = Selectable<CreditsTable>;
export type CreditEvent = Selectable<CreditEventsTable>;
export type CreditFile = Selectable<CreditFilesTable>;
export type CheckinScan = Selectable<CheckinScansTable>;
export type CreditImport = Selectable<CreditImportsTable>;
export type FeeType = Selectable<FeeTypesTable>;
export type Invoice = Selectable<InvoicesTable>;
export type InvoiceEvent = Selectable<InvoiceEventsTable>;
export type Receipt = Selectable<ReceiptsTable>;
export type PaymentAttempt = Selectable<PaymentAttemptsTable>;
export type Overpayment = Selectable<OverpaymentsTable>;
export type SandboxPaymentRow = Selectable<SandboxPaymentsTable>;
export type PaymentImport = Selectable<PaymentImportsTable>;
export type Application = Selectable<ApplicationsTable>;
export type ApplicationEvent = Selectable<ApplicationEventsTable>;
export type ApplicationFile = Selectable<ApplicationFilesTable>;
export type Certificate = Selectable<CertificatesTable>;
export type CertificateBatch = Selectable<CertificateBatchesTable>;
export type ReminderSent = Selectable<RemindersSentTable>;
