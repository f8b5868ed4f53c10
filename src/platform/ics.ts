/**
 * A small iCalendar (RFC 5545) writer: all-day events (VALUE=DATE) and moments in Asia/Tokyo (TZID with
 * its VTIMEZONE), text escaped, lines folded at 75 octets, CRLF line ends. It knows no domain.
 */
export interface IcsEvent {
  /** Stable for the same event, so a calendar that imports the file again updates instead of duplicating. */
  uid: string;
  summary: string;
  description?: string;
  url?: string;
  /** An all-day event on this calendar date (YYYY-MM-DD)… */
  date?: string;
  /** …or a moment (a deadline), written as Tokyo local time. */
  at?: Date;
}

const CRLF = '\r\n';
const TOKYO_OFFSET_MS = 9 * 3_600_000;

/** TEXT value escaping: backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line so no line exceeds 75 octets (UTF-8), never inside a character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    // The first line holds 75 octets; each continuation begins with one space, so it holds 74 more.
    if (octets + size > 75) {
      out.push(current);
      current = ` ${ch}`;
      octets = 1 + size;
    } else {
      current += ch;
      octets += size;
    }
  }
  out.push(current);
  return out.join(CRLF);
}

const compactDate = (date: string) => date.replace(/-/g, '');
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const utcStamp = (d: Date) => `${d.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
const tokyoLocal = (d: Date) => new Date(d.getTime() + TOKYO_OFFSET_MS).toISOString().slice(0, 19).replace(/[-:]/g, '');

const TOKYO_TIMEZONE = [
  'BEGIN:VTIMEZONE', 'TZID:Asia/Tokyo', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0900', 'TZOFFSETTO:+0900', 'TZNAME:JST', 'END:STANDARD', 'END:VTIMEZONE',
];

/** The whole VCALENDAR: one VEVENT per event, DTSTAMP = now. */
export function icsCalendar(opts: { prodId: string; name: string; events: IcsEvent[]; now: Date }): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${opts.prodId}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(opts.name)}`, 'X-WR-TIMEZONE:Asia/Tokyo'];
  if (opts.events.some((e) => e.at)) lines.push(...TOKYO_TIMEZONE);
  for (const e of opts.events) {
    lines.push('BEGIN:VEVENT', `UID:${e.uid}`, `DTSTAMP:${utcStamp(opts.now)}`);
    if (e.at) lines.push(`DTSTART;TZID=Asia/Tokyo:${tokyoLocal(e.at)}`);
    else if (e.date) lines.push(`DTSTART;VALUE=DATE:${compactDate(e.date)}`, `DTEND;VALUE=DATE:${compactDate(nextDay(e.date))}`);
    else throw new Error(`event ${e.uid} has neither a date nor a moment`);
    lines.push(`SUMMARY:${escapeText(e.summary)}`);
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.url) lines.push(`URL:${e.url}`);
    lines.push('TRANSP:TRANSPARENT', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
