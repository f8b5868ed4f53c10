import { describe, expect, it } from 'vitest';
import { safeLocalPath } from './web';

/** Payloads from issue 14 (item A), each as the handler receives it (query strings already decoded). */
export const OPEN_REDIRECT_PAYLOADS = [
  '/\t/evil.example', // also what `/%09/evil.example` decodes to
  '//evil.example',
  '/\\evil.example',
  '\\/evil.example',
  '/\r\n/evil.example',
  'https://evil.example',
  '/ /evil.example',
  'javascript:alert(1)',
  '/%2F%2Fevil.example',
  '/.//evil.example',
  '/\u3000/evil.example',
  '',
];

describe('safeLocalPath (open redirects, issue 14 A)', () => {
  it.each(OPEN_REDIRECT_PAYLOADS)('refuses %j and falls back to the default page', (payload) => {
    expect(safeLocalPath(payload)).toBe('/');
    expect(safeLocalPath(payload, '/home')).toBe('/home');
  });

  it('keeps a local path with its query and fragment', () => {
    expect(safeLocalPath('/credits?x=1#y')).toBe('/credits?x=1#y');
    expect(safeLocalPath('/login')).toBe('/login');
  });

  it('returns the normalised path, never one a browser reads as another host', () => {
    expect(safeLocalPath('/a/../credits')).toBe('/credits');
    for (const payload of ['/a/..//evil.example', '/./\t/evil.example']) expect(safeLocalPath(payload)).toBe('/');
  });

  it('refuses what is not a string or is too long', () => {
    expect(safeLocalPath(undefined)).toBe('/');
    expect(safeLocalPath(['/credits'])).toBe('/');
    expect(safeLocalPath(`/${'a'.repeat(500)}`)).toBe('/');
  });

  it('whatever it returns resolves to this origin with a single leading slash', () => {
    for (const payload of [...OPEN_REDIRECT_PAYLOADS, '/credits?x=1#y', '/a/..//b']) {
      const out = safeLocalPath(payload);
      expect(new URL(out, 'https://portal.example.jp').origin).toBe('https://portal.example.jp');
      expect(out).toMatch(/^\/(?![/\\])/);
    }
  });
});
