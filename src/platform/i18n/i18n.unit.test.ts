import { describe, expect, it } from 'vitest';
import { catalogueKeys, catalogueText, translator } from './index';
import type { MessageKey } from './ja';

describe('message catalogue', () => {
  it('gives every Japanese key in English, with no empty text', () => {
    const jaKeys = catalogueKeys('ja').sort();
    expect(catalogueKeys('en').sort()).toEqual(jaKeys);
    for (const key of jaKeys as MessageKey[]) {
      expect(catalogueText('ja', key).trim(), key).not.toBe('');
      expect(catalogueText('en', key).trim(), key).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of catalogueKeys('ja') as MessageKey[]) {
      expect(names(catalogueText('en', key)), key).toEqual(names(catalogueText('ja', key)));
    }
  });

  it('fills placeholders', () => {
    expect(translator('ja')('home.renewalBanner', { year: 2026 })).toBe('<<2026年度認定更新対象専門医各位>>');
    expect(translator('en')('staff.searchCount', { count: 3 })).toBe('3 found');
  });
});
