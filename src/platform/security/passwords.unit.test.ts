import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(h, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(h, 'wrong')).toBe(false);
    expect(await verifyPassword(null, 'anything')).toBe(false);
  });

  it('refuses short, common and member-number passwords', () => {
    expect(passwordProblem('short')).toBe('reset.tooShort');
    // ASVS 2.1.1: 11 characters are too few, 12 are enough.
    expect(passwordProblem('sakura-no-1')).toBe('reset.tooShort');
    expect(passwordProblem('sakura-no-12')).toBeNull();
    expect(passwordProblem('123456789012')).toBe('reset.common');
    expect(passwordProblem('password1234')).toBe('reset.common');
    expect(passwordProblem('100001000010', '100001000010')).toBe('reset.equalsNumber');
    expect(passwordProblem('x'.repeat(129))).toBe('reset.tooLongPw');
    expect(passwordProblem('sakura-no-hana-2026')).toBeNull();
  });
});
