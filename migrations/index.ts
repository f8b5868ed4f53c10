import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_foundation';
import * as m0002 from './0002_credits';
import * as m0003 from './0003_api_tokens';
import * as m0004 from './0004_checkin_scans';
import * as m0005 from './0005_credit_imports';
import * as m0006 from './0006_billing';
import * as m0007 from './0007_receipts';
import * as m0008 from './0008_payment_slips';
import * as m0009 from './0009_payment_attempts';
import * as m0010 from './0010_overpayments';
import * as m0011 from './0011_payment_imports';
import * as m0012 from './0012_sandbox_payments';
import * as m0013 from './0013_renewal_applications';
import * as m0016 from './0016_staff_billing_indexes';
import * as m0020 from './0020_roles_and_audit';
import * as m0021 from './0021_certificates';
import * as m0022 from './0022_report_indexes';
import * as m0023 from './0023_reminders';
import * as m0025 from './0025_member_360';
import * as m0029 from './0029_rate_limits';
import * as m0032 from './0032_operations';

/** Every migration, in order. A new file is added here; none is ever edited or removed. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_credits': m0002,
  '0003_api_tokens': m0003,
  '0004_checkin_scans': m0004,
  '0005_credit_imports': m0005,
  '0006_billing': m0006,
  '0007_receipts': m0007,
  '0008_payment_slips': m0008,
  '0009_payment_attempts': m0009,
  '0010_overpayments': m0010,
  '0011_payment_imports': m0011,
  '0012_sandbox_payments': m0012,
  '0013_renewal_applications': m0013,
  '0016_staff_billing_indexes': m0016,
  '0020_roles_and_audit': m0020,
  '0021_certificates': m0021,
  '0022_report_indexes': m0022,
  '0023_reminders': m0023,
  '0025_member_360': m0025,
  '0029_rate_limits': m0029,
  '0032_operations': m0032,
};
