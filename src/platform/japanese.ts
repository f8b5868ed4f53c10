import holidayJp from '@holiday-jp/holiday_jp';

const TOKYO = 'Asia/Tokyo';

// Building an Intl formatter costs far more than using one: each is made once, here.
const PARTS = new Intl.DateTimeFormat('en-CA', { timeZone: TOKYO, year: 'numeric', month: '2-digit', day: '2-digit' });
const WAREKI_JA = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { timeZone: TOKYO, era: 'long', year: 'numeric' });
const WAREKI_EN = new Intl.DateTimeFormat('en-US-u-ca-japanese', { timeZone: TOKYO, era: 'long', year: 'numeric' });
const DATE_EN = new Intl.DateTimeFormat('en-GB', { timeZone: TOKYO, day: 'numeric', month: 'long', year: 'numeric' });
const DATETIME = {
  ja: new Intl.DateTimeFormat('ja-JP', { timeZone: TOKYO, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: TOKYO, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }),
};
const YEN = new Intl.NumberFormat('ja-JP');

/** Year, month (1-12) and day of a moment as seen in Tokyo, whatever the server's zone. */
export function tokyoParts(date: Date): { year: number; month: number; day: number } {
  const parts = PARTS.formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** Japanese fiscal year (年度): April to March, in Tokyo time. */
export function fiscalYearOf(date: Date): number {
  const { year, month } = tokyoParts(date);
  return month >= 4 ? year : year - 1;
}

/** First and last calendar day (YYYY-MM-DD) of a fiscal year. */
export function fiscalYearRange(fiscalYear: number): { start: string; end: string } {
  return { start: `${fiscalYear}-04-01`, end: `${fiscalYear + 1}-03-31` };
}

/** A plain date column (YYYY-MM-DD) as a Date at noon UTC, so no zone moves it to another day. */
export function dateOnly(value: string): Date {
  return new Date(`${value}T12:00:00Z`);
}

/** The Tokyo calendar date of a moment, as YYYY-MM-DD. */
export function tokyoDate(date: Date): string {
  const { year, month, day } = tokyoParts(date);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 和暦 era and year, e.g. 令和8年 for 2026 (and 令和元年 for the first year). */
export function warekiYear(date: Date): string {
  const text = WAREKI_JA.format(date);
  return text.replace(/^(\D+)1年$/, '$1元年');
}

/** 和暦 of a fiscal year: 2026年度 → 令和8年度 (the era of its April). */
export function warekiFiscalYear(fiscalYear: number): string {
  return `${warekiYear(dateOnly(`${fiscalYear}-04-01`))}度`;
}

/** 2026年3月31日（令和8年） */
export function formatDateJa(date: Date, withWareki = true): string {
  const { year, month, day } = tokyoParts(date);
  const base = `${year}年${month}月${day}日`;
  return withWareki ? `${base}（${warekiYear(date)}）` : base;
}

/** 31 March 2026 (Reiwa 8) */
export function formatDateEn(date: Date, withWareki = true): string {
  const base = DATE_EN.format(date);
  if (!withWareki) return base;
  const era = WAREKI_EN.format(date);
  return `${base} (${era.replace(/^(\d+) (.+)$/, '$2 $1')})`;
}

export function formatDateTime(date: Date, locale: 'ja' | 'en'): string {
  return DATETIME[locale].format(date);
}

/** ¥30,000 — integer yen only. */
export function formatYen(amount: number): string {
  return `¥${YEN.format(amount)}`;
}

const HYPHENS = /[\u2010-\u2015\u2212\u30FC\uFF0D\uFF70\u2043\uFE58\uFE63]/g;

/**
 * For numbers typed by people (member number, postal code, phone): full-width digits become
 * half-width, hyphen look-alikes become '-', surrounding spaces (also full-width) go. Never for names.
 */
export function normalizeDigits(input: string): string {
  return input
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(HYPHENS, '-')
    .replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

/**
 * A search key: width-insensitive (NFKC), case-insensitive, katakana folded to hiragana,
 * spaces removed. Applied to both the stored text and the query, never shown to anyone.
 */
export function searchKey(input: string): string {
  return input
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .replace(/[\s\u3000]+/g, '');
}

export function isBusinessDay(date: Date): boolean {
  const d = dateOnly(tokyoDate(date));
  const weekday = d.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidayJp.isHoliday(d);
}

/** The date `count` business days after `date` (Tokyo calendar, Japanese public holidays skipped). */
export function addBusinessDays(date: Date, count: number): Date {
  let d = dateOnly(tokyoDate(date));
  let left = count;
  while (left > 0) {
    d = new Date(d.getTime() + 86_400_000);
    if (isBusinessDay(d)) left -= 1;
  }
  return d;
}
