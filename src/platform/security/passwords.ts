import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { MessageKey } from '../i18n';

// argon2id (the library's default algorithm), OWASP's second recommended parameter set.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password. With no stored hash (unknown account) it still spends the same work on a dummy
 * hash, so the response time does not tell whether the account exists.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('dummy-password-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

const common = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/** Demo credentials: printed at start, documented in README, refused by every login in production. */
export const DEMO_PASSWORDS = { member: 'koushin-demo', staff: 'koushin-staff-demo' } as const;

export function isDemoPassword(password: string): boolean {
  return password === DEMO_PASSWORDS.member || password === DEMO_PASSWORDS.staff;
}

/** ASVS 2.1.1: at least 12 characters (a passphrase is welcome; no composition rules). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/** The rules for any new password; returns the message for the first rule broken, or null. */
export function passwordProblem(password: string, accountName?: string): MessageKey | null {
  if ([...password].length < PASSWORD_MIN) return 'reset.tooShort';
  if ([...password].length > PASSWORD_MAX) return 'reset.tooLongPw';
  if (accountName && password.trim() === accountName) return 'reset.equalsNumber';
  if (common.has(password.toLowerCase())) return 'reset.common';
  return null;
}
