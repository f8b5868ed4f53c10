import type { CertificateStatus } from '../../platform/db/schema';

/**
 * The specialty every 専門医証 of this society certifies. One society, one specialty: a constant here
 * rather than a setting (a second specialty would need its own cycles and rules first).
 */
export const SPECIALTY = { ja: '循環器専門医', en: 'Board Certified Cardiologist' } as const;

const PREFIX = 'SC-';
const NUMBER = /^SC-(\d{6,10})$/;

/** 専門医証番号 as printed: SC-000123 (six digits at least; the serial itself comes from a sequence). */
export function formatCertificateNo(serial: number): string {
  return `${PREFIX}${String(serial).padStart(6, '0')}`;
}

/** The serial of a printed number, or undefined for anything that is not one (a URL is never trusted). */
export function parseCertificateNo(raw: string): number | undefined {
  const match = NUMBER.exec(raw);
  if (!match) return undefined;
  const serial = Number(match[1]);
  return Number.isSafeInteger(serial) && serial > 0 && serial <= 2_147_483_647 ? serial : undefined;
}

/** What a verifier is told: the stored status, or for a valid one whether today lies inside its period. */
export type Validity = 'valid' | 'not_yet' | 'expired' | Exclude<CertificateStatus, 'active'>;

export function validityOf(c: { status: CertificateStatus; period_start: string; period_end: string }, today: string): Validity {
  if (c.status !== 'active') return c.status;
  if (today < c.period_start) return 'not_yet';
  if (today > c.period_end) return 'expired';
  return 'valid';
}

/** A verification code as it appears in /verify/<code>: 128 random bits, base64url (22 characters). */
export const VERIFY_CODE = /^[A-Za-z0-9_-]{22}$/;
