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
    expect(passwordProblem('1234567890')).toBe('reset.common');
    expect(passwordProblem('qwertyuiop')).toBe('reset.common');
    expect(passwordProblem('1000010000', '1000010000')).toBe('reset.equalsNumber');
    expect(passwordProblem('x'.repeat(129))).toBe('reset.tooLongPw');
    expect(passwordProblem('sakura-no-hana-2026')).toBeNull();
  });
});
