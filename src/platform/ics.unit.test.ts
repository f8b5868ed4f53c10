import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, icsCalendar } from './ics';

const now = new Date('2026-11-23T01:02:03Z');

describe('iCalendar writer', () => {
  it('escapes backslash, semicolon, comma and line breaks', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });

  it('folds at 75 octets without splitting a multibyte character', () => {
    const line = `SUMMARY:${'専門医更新料の支払期日'.repeat(6)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(75);
    for (const p of parts.slice(1)) expect(p.startsWith(' ')).toBe(true);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
    expect(foldLine('X'.repeat(75))).toBe('X'.repeat(75));
    expect(foldLine('X'.repeat(76))).toBe(`${'X'.repeat(75)}\r\n X`);
  });

  it('writes all-day events as DATE values and moments with TZID Asia/Tokyo, CRLF everywhere', () => {
    const text = icsCalendar({
      prodId: '-//Koushin//JA', name: '締切', now,
      events: [
        { uid: 'a@k', summary: '申請締切', date: '2027-01-31', url: 'http://k.test/profile/detail' },
        { uid: 'b@k', summary: '番号の期限', description: 'ローソン; 受付番号 123456', at: new Date('2026-12-01T14:59:59Z') },
      ],
    });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines).toContain('DTSTART;VALUE=DATE:20270131');
    expect(lines).toContain('DTEND;VALUE=DATE:20270201');
    expect(lines).toContain('DTSTART;TZID=Asia/Tokyo:20261201T235959');
    expect(lines).toContain('TZID:Asia/Tokyo');
    expect(lines).toContain('DTSTAMP:20261123T010203Z');
    expect(lines).toContain('DESCRIPTION:ローソン\\; 受付番号 123456');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
    expect(lines.at(-2)).toBe('END:VCALENDAR');
  });

  it('leaves the time zone out when every event is all-day', () => {
    expect(icsCalendar({ prodId: 'p', name: 'n', now, events: [{ uid: 'u', summary: 's', date: '2027-02-28' }] })).not.toContain('VTIMEZONE');
  });
});
