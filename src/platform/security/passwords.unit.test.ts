import { describe, expect, it } from 'vitest';
import { hashPassword, isBuiltFromPersonalData, passwordProblem, verifyPassword, type PasswordOwner } from './passwords';

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
    expect(passwordProblem('100001000010', { accountName: '100001000010' })).toBe('reset.personal');
    expect(passwordProblem('x'.repeat(129))).toBe('reset.tooLongPw');
    expect(passwordProblem('sakura-no-hana-2026')).toBeNull();
  });
});

describe('passwords built from the owner\'s data (issue 14 B)', () => {
  const member: PasswordOwner = {
    accountName: '100027', email: 'hanako.yamada+portal@example.jp',
    names: ['山田', '花子', 'ヤマダ', 'ハナコ'],
  };

  it.each([
    ['the member number twice', '100027100027'],
    ['the member number three times', '100027100027100027'],
    ['the member number in full-width digits', '１０００２７１０００２７'],
    ['the member number with separators', '100027-100027!'],
    ['the member number around a common word', '100027password'],
    ['the member number nested in itself', '100100027027100027'],
    ['the e-mail local part', 'hanako.yamada+portal'],
    ['e-mail parts in upper case', 'HANAKO-YAMADA-2026'],
    ['the kanji name with the number', '山田花子100027山田花子'],
    ['the kana name in hiragana', 'やまだはなこ100027'],
    ['the kana name in half-width katakana', 'ﾔﾏﾀﾞﾊﾅｺ100027'],
  ])('refuses %s (%s) with the personal-data message', (_what, password) => {
    expect(isBuiltFromPersonalData(password, member)).toBe(true);
    expect(passwordProblem(password, member)).toBe('reset.personal');
  });

  it.each([
    ['no personal data at all', 'sakura-no-hana-2026'],
    ['the member number with six more characters of its own', '100027kqzvtw'],
    ['the name inside a long passphrase', 'やまだ-momiji-no-kisetsu'],
    ['a two-kanji name alone is too short a piece to remove', '山田-sakura-no-1'],
  ])('accepts %s (%s)', (_what, password) => {
    expect(passwordProblem(password, member)).toBeNull();
  });

  it('applies to a staff account: e-mail and display name', () => {
    const staff: PasswordOwner = { accountName: 'admin.sato@example.jp', email: 'admin.sato@example.jp', names: ['佐藤 一郎'] };
    expect(passwordProblem('admin.sato@example.jp', staff)).toBe('reset.personal');
    expect(passwordProblem('satosatosato', staff)).toBe('reset.personal');
    expect(passwordProblem('佐藤一郎佐藤一郎佐藤一郎', staff)).toBe('reset.personal');
    expect(passwordProblem('kaede-to-momiji-2026', staff)).toBeNull();
  });

  it('needs at least six characters left once the data is taken out', () => {
    expect(passwordProblem('100027abcde!', member)).toBe('reset.personal');
    expect(passwordProblem('100027abcdef', member)).toBeNull();
  });
});
