import { generate } from 'otplib';
import type { Db } from '../platform/db/database';
import type { Member } from '../platform/db/schema';
import type { StaffRole } from '../platform/policy';
import { hashPassword } from '../platform/security/passwords';
import { MembersRepository } from '../modules/members/repository';
import { AuthRepository } from '../modules/auth/repository';
import { StaffRepository } from '../modules/staff/repository';
import { encryptSecret } from '../platform/security/tokens';

let sequence = 0;
const hashes = new Map<string, Promise<string>>();
/** Hashing is slow on purpose; tests reuse one hash per password. */
const cachedHash = (password: string) => {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  return hashes.get(password)!;
};

export const TEST_PASSWORD = 'correct-horse-battery';

export async function createMember(db: Db, overrides: Partial<Omit<Member, 'id' | 'search_text'>> & { password?: string | null } = {}): Promise<Member> {
  sequence += 1;
  const { password = TEST_PASSWORD, ...fields } = overrides;
  const number = fields.member_number ?? String(150000 + ((process.pid * 100 + sequence) % 49999));
  const member = await new MembersRepository().insert(db, {
    member_number: number,
    family_name: '山田',
    given_name: '太郎',
    family_name_kana: 'ヤマダ',
    given_name_kana: 'タロウ',
    birth_date: '1975-06-15',
    email: `m${number}@example.jp`,
    phone: '03-1234-5678',
    postal_code: '100-0001',
    prefecture: '東京都',
    address_line1: '千代田区千代田1-1',
    address_line2: '',
    organisation: '循環器病院',
    specialist_number: '11-12345678',
    cert_period_start: '2022-04-01',
    cert_period_end: '2027-03-31',
    ...fields,
  });
  if (password) await new AuthRepository().setPasswordHash(db, member.id, await cachedHash(password), new Date());
  return member;
}

export const TEST_TOTP_SECRET = 'JBSWY3DPEHPK3PXPTESTSECRET234567';

export async function createStaff(db: Db, secret: string, overrides: { email?: string; role?: StaffRole; enrolled?: boolean; password?: string } = {}) {
  sequence += 1;
  const repo = new StaffRepository();
  const user = await repo.insert(db, {
    email: overrides.email ?? `staff${sequence}@example.jp`,
    display_name: `職員 ${sequence}`,
    role: overrides.role ?? 'staff',
    password_hash: await cachedHash(overrides.password ?? TEST_PASSWORD),
  });
  if (overrides.enrolled !== false) {
    await repo.update(db, user.id, { totp_secret_enc: encryptSecret(secret, TEST_TOTP_SECRET), totp_enrolled_at: new Date() });
  }
  return user;
}

/**
 * The authenticator app's next code, by the app's clock. Each call moves the clock to the next 30-second
 * step first, because the app (rightly) never accepts one code twice.
 */
export async function nextTotp(clock: { advance(ms: number): void; now(): Date }, secret = TEST_TOTP_SECRET): Promise<string> {
  clock.advance(30_000);
  return generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
}
