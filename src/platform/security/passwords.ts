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

/** Whose password it is: what a new password must not be built from. */
export interface PasswordOwner {
  /** The sign-in name: the member number (a staff account signs in with its e-mail). */
  accountName?: string;
  email?: string;
  /** Name fields as the record holds them (kanji, kana, a staff display name). */
  names?: readonly string[];
}

/** A password built from the owner's data must keep at least this many characters once that data is taken out. */
export const PERSONAL_REMAINDER_MIN = 6;
/** Shorter pieces (a two-kanji given name, a short e-mail local part) are too common in passphrases to remove. */
const PERSONAL_PART_MIN = 3;

/** NFKC (full-width digits and letters to ASCII), lower case, katakana to hiragana, so ヤマダ, やまだ and ﾔﾏﾀﾞ compare equal. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

function personalParts(owner: PasswordOwner): string[] {
  const parts: string[] = [];
  if (owner.accountName) parts.push(owner.accountName);
  if (owner.email) {
    const local = owner.email.split('@')[0] ?? '';
    parts.push(local, ...local.split(/[._+-]+/));
  }
  const names = (owner.names ?? []).flatMap((name) => name.split(/[\s\u3000]+/)).filter(Boolean);
  parts.push(...names, names.join(''));
  // Family + given in both orders, e.g. 山田 + 太郎 and taro + yamada.
  for (const a of names) for (const b of names) if (a !== b) parts.push(a + b);
  const folded = parts.map((part) => fold(part).replace(/\s+/g, '')).filter((part) => [...part].length >= PERSONAL_PART_MIN);
  return [...new Set(folded)].sort((a, b) => b.length - a.length);
}

/**
 * Whether the password is built from the owner's member number, e-mail local part or name: every occurrence of each
 * (after NFKC, lower case, katakana folded) is taken out, repeatedly, and what is left is too short or is a common password.
 */
export function isBuiltFromPersonalData(password: string, owner: PasswordOwner): boolean {
  const parts = personalParts(owner);
  if (parts.length === 0) return false;
  const original = fold(password);
  let rest = original;
  for (let previous = ''; previous !== rest; ) {
    previous = rest;
    for (const part of parts) rest = rest.split(part).join('');
  }
  if (rest === original) return false;
  const remainder = rest.replace(/[\s\p{P}\p{S}]/gu, '');
  return [...remainder].length < PERSONAL_REMAINDER_MIN || common.has(remainder) || common.has(rest);
}

/** The rules for any new password; returns the message for the first rule broken, or null. */
export function passwordProblem(password: string, owner: PasswordOwner = {}): MessageKey | null {
  if ([...password].length < PASSWORD_MIN) return 'reset.tooShort';
  if ([...password].length > PASSWORD_MAX) return 'reset.tooLongPw';
  if (isBuiltFromPersonalData(password, owner)) return 'reset.personal';
  if (common.has(password.toLowerCase())) return 'reset.common';
  return null;
}
