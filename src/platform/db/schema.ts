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
  role: 'staff' | 'admin';
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
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: Timestamp;
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
  audit_log: AuditLogTable;
  notices: NoticesTable;
  mails: MailsTable;
  settings: SettingsTable;
}

export type Member = Selectable<MembersTable>;
export type NewMember = Insertable<MembersTable>;
export type MemberUpdate = Updateable<MembersTable>;
export type StaffUser = Selectable<StaffUsersTable>;
export type Notice = Selectable<NoticesTable>;
export type Mail = Selectable<MailsTable>;
