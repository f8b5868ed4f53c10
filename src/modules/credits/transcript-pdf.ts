import type { CreditCategory } from '../../platform/db/schema';
import type { Locale, Translate } from '../../platform/i18n';
import { dateOnly, formatDateEn, formatDateJa, formatDateTime } from '../../platform/japanese';
import { PDF_BOLD as BOLD, PDF_REGULAR as REGULAR, startPdf } from '../../platform/pdf-fonts';
import type { Transcript, TranscriptLine } from './rules';

/**
 * 単位取得情報 as an A4 PDF: the same figures as the /credits page (rules.ts computes them; nothing is
 * counted here), then every credit line in a table that runs over as many pages as it needs, its header
 * repeated on each. Noto Sans JP (TrueType, from @expo-google-fonts/noto-sans-jp) is embedded as a
 * subset of the glyphs used, so Japanese renders in any viewer and the file stays small.
 */

export interface TranscriptPdfInput {
  transcript: Transcript;
  categories: CreditCategory[];
  member: { number: string; name: string };
  locale: Locale;
  t: Translate;
  /** The moment the document is issued (the app's clock), printed on every page. */
  issuedAt: Date;
  societyName?: string;
}

// The font files are read once per process (platform/pdf-fonts.ts); pdfkit subsets them per document.

const INK = '#1a1a1a';
const MUTED = '#595959';
const RULE = '#bfbfbf';
const TRACK = '#e6e6e6';
const FILL = '#2f5fb3';
const DONE = '#2e7d32';

// A compact English date for the table ("8 Nov 2026"); the summary above uses the full formatDateEn.
const DATE_EN_SHORT = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', day: 'numeric', month: 'short', year: 'numeric' });

const MARGIN = { top: 48, bottom: 54, left: 42, right: 42 };
const TABLE_FONT = 7.5;
const CELL_PAD = 3;

type ColumnKey = 'controlNo' | 'date' | 'code' | 'name' | 'category' | 'source' | 'credits' | 'counted' | 'status';

interface Column {
  key: ColumnKey;
  /** Narrowest and widest in points. The name column takes what the others leave; its min is what it should get. */
  min: number;
  max: number;
  align?: 'left' | 'right' | 'center';
  /** Keeps its natural width when the name column needs room (a date reads badly over three lines). */
  keep?: boolean;
}

const COLUMNS: Column[] = [
  { key: 'controlNo', min: 40, max: 70 },
  { key: 'date', min: 50, max: 72, keep: true },
  { key: 'code', min: 40, max: 70 },
  { key: 'name', min: 150, max: Infinity },
  { key: 'category', min: 20, max: 44, align: 'center' },
  { key: 'source', min: 40, max: 66 },
  { key: 'credits', min: 22, max: 40, align: 'right' },
  { key: 'counted', min: 22, max: 40, align: 'right' },
  { key: 'status', min: 34, max: 62 },
];

type Cell = { value: string; sub?: string };

export function renderTranscriptPdf(input: TranscriptPdfInput): Promise<Buffer> {
  const { transcript, categories, member, locale, t, issuedAt, societyName } = input;
  const title = t('credits.title');
  const { doc, done } = startPdf({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    lang: locale === 'ja' ? 'ja-JP' : 'en-GB',
    displayTitle: true,
    info: { Title: `${title} ${member.number}`, Author: societyName ?? '', Subject: title, CreationDate: issuedAt, ModDate: issuedAt },
  });


  const left = MARGIN.left;
  const width = doc.page.width - MARGIN.left - MARGIN.right;
  const bottom = () => doc.page.height - MARGIN.bottom;
  const longDate = (d: string) => (locale === 'ja' ? formatDateJa(dateOnly(d)) : formatDateEn(dateOnly(d)));
  const shortDate = (d: string) => (locale === 'ja' ? formatDateJa(dateOnly(d), false) : DATE_EN_SHORT.format(dateOnly(d)));
  const issued = t('credits.pdf.issuedAt', { at: formatDateTime(issuedAt, locale) });
  const creditsText = (n: number) => t('credits.pdf.creditsValue', { credits: n });

  const text = (value: string, opts: { size?: number; bold?: boolean; color?: string; gap?: number } = {}) => {
    ensureRoom((opts.size ?? 10) * 1.6);
    doc.font(opts.bold ? BOLD : REGULAR).fontSize(opts.size ?? 10).fillColor(opts.color ?? INK);
    doc.text(value, left, doc.y, { width });
    if (opts.gap) doc.y += opts.gap;
  };
  const heading = (value: string) => {
    ensureRoom(60);
    doc.y += 8;
    text(value, { size: 11.5, bold: true, gap: 2 });
    doc.moveTo(left, doc.y).lineTo(left + width, doc.y).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.y += 4;
  };
  const bar = (value: number, max: number, barWidth = width * 0.6) => {
    const ratio = max > 0 ? Math.min(1, value / max) : 1;
    const y = doc.y + 2;
    doc.roundedRect(left, y, barWidth, 9, 2).fill(TRACK);
    if (ratio > 0) doc.roundedRect(left, y, Math.max(4, barWidth * ratio), 9, 2).fill(ratio >= 1 ? DONE : FILL);
    doc.y = y + 9 + 5;
  };
  function ensureRoom(height: number) {
    if (doc.y + height > bottom()) doc.addPage();
  }
  // Every page after the first (however it was added) says whose transcript it is.
  doc.on('pageAdded', () => {
    doc.font(REGULAR).fontSize(8).fillColor(MUTED);
    doc.text(`${title} — ${t('profile.memberNumber')} ${member.number}  ${member.name}`, left, MARGIN.top - 20, { width, lineBreak: false });
    doc.x = left;
    doc.y = MARGIN.top;
  });

  // ── Title block ────────────────────────────────────────────────────────────────────────────────
  if (societyName) text(societyName, { size: 9, color: MUTED });
  const titleY = doc.y;
  text(title, { size: 18, bold: true });
  doc.font(REGULAR).fontSize(8.5).fillColor(MUTED).text(issued, left, titleY + 8, { width, align: 'right' });
  doc.y = Math.max(doc.y, titleY + 30);
  text(`${t('profile.memberNumber')}: ${member.number}　　${t('profile.name')}: ${member.name}`, { size: 11, gap: 2 });
  text(transcript.period ? t('credits.periodLine', { start: longDate(transcript.period.start), end: longDate(transcript.period.end) }) : t('credits.noPeriod'), { size: 10 });

  // ── Totals ─────────────────────────────────────────────────────────────────────────────────────
  heading(t('credits.total'));
  text(t('credits.totalValue', { total: transcript.total, required: transcript.required }), { size: 15, bold: true });
  bar(transcript.total, transcript.required);
  text(transcript.missing > 0 ? t('credits.missing', { missing: transcript.missing }) : t('credits.enough'));
  text(t('credits.pendingLine', { count: transcript.pending.count, credits: transcript.pending.credits }), { color: MUTED });

  heading(t('credits.byCategory'));
  const categoryName = (code: string) => {
    const c = categories.find((x) => x.code === code);
    return c ? `${code}  ${locale === 'en' ? c.name_en : c.name_ja}` : code;
  };
  for (const c of transcript.byCategory) {
    const min = c.min > 0 ? ` — ${t(c.missing > 0 ? 'credits.categoryMin' : 'credits.categoryMinMet', { min: c.min, missing: c.missing })}` : '';
    text(`${categoryName(c.code)}: ${creditsText(c.counted)}${min}`);
  }

  heading(t('credits.selfReport'));
  const s = transcript.selfReport;
  text(t('credits.selfReportValue', { counted: s.counted, cap: s.cap, approved: s.approved, pending: s.pending }));
  bar(s.approved + s.pending, s.cap, width * 0.4);

  heading(t('credits.trimsTitle'));
  if (transcript.trims.length === 0) text(t('credits.pdf.noTrims'), { color: MUTED });
  for (const x of transcript.trims) text(`・${t(`credits.trim.${x.reason}`)}: ${t('credits.trimValue', { credits: x.credits, count: x.count })}`);

  // ── Every credit line ─────────────────────────────────────────────────────────────────────────
  heading(t('credits.listTitle'));
  if (transcript.lines.length === 0) {
    text(t('credits.none'), { color: MUTED });
  } else {
    text(t('credits.pdf.note'), { size: 8, color: MUTED, gap: 4 });
    table(transcript.lines);
  }

  function cells(l: TranscriptLine): Record<ColumnKey, Cell> {
    return {
      controlNo: { value: l.controlNo },
      date: { value: shortDate(l.activityDate), sub: l.inPeriod ? undefined : t('credits.outsidePeriod') },
      code: { value: l.code },
      name: { value: l.name, sub: l.trimmedBy && l.notCounted > 0 ? t('credits.pdf.notCounted', { credits: l.notCounted, reason: t(`credits.trim.${l.trimmedBy}`) }) : undefined },
      category: { value: l.categoryCode },
      source: { value: t(`credits.source.${l.source}`) },
      credits: { value: String(l.credits) },
      counted: { value: l.status === 'approved' ? String(l.counted) : '—' },
      status: { value: t(`credits.status.${l.status}`) },
    };
  }

  /**
   * Each column as wide as its widest header or value (within its bounds), the name column the rest.
   * When that leaves the name too narrow, the others give way, down to two lines of text and never
   * below their longest word (so a header like "Category" is not broken inside the word).
   */
  function fitColumns(labels: string[], rows: Record<ColumnKey, Cell>[]): number[] {
    const words = (value: string) => value.split(/\s+|(?<=[\u3000-\u9fff\uff00-\uffef])/u);
    const pad = 2 * CELL_PAD + 1;
    const natural: number[] = [];
    const floor: number[] = [];
    COLUMNS.forEach((c, i) => {
      doc.font(BOLD).fontSize(TABLE_FONT);
      let whole = doc.widthOfString(labels[i]!);
      let word = Math.max(...words(labels[i]!).map((w) => doc.widthOfString(w)));
      doc.font(REGULAR);
      if (c.key !== 'name') {
        for (const row of rows) {
          const value = row[c.key].value;
          whole = Math.max(whole, doc.widthOfString(value));
          word = Math.max(word, ...words(value).map((w) => doc.widthOfString(w)));
        }
      }
      floor.push(Math.min(c.max, Math.max(c.min, Math.ceil(c.keep ? whole : Math.max(word, whole * 0.6)) + pad)));
      natural.push(Math.min(c.max, Math.max(c.min, Math.ceil(whole) + pad)));
    });
    const nameAt = COLUMNS.findIndex((c) => c.key === 'name');
    const widths = natural.map((w, i) => (i === nameAt ? 0 : w));
    const nameWanted = COLUMNS[nameAt]!.min;
    const shortfall = nameWanted - (width - widths.reduce((a, b) => a + b, 0));
    if (shortfall > 0) {
      const slack = widths.map((w, i) => (i === nameAt ? 0 : Math.max(0, w - floor[i]!)));
      const total = slack.reduce((a, b) => a + b, 0);
      const take = Math.min(total, shortfall);
      if (total > 0) widths.forEach((w, i) => { widths[i] = w - (slack[i]! / total) * take; });
    }
    widths[nameAt] = width - widths.reduce((a, b) => a + b, 0);
    return widths;
  }

  function table(lines: TranscriptLine[]) {
    const labels = COLUMNS.map((c) => t(`credits.col.${c.key}`));
    const rows = lines.map(cells);
    const widths = fitColumns(labels, rows);
    const inner = (i: number) => widths[i]! - 2 * CELL_PAD;

    const header = () => {
      doc.font(BOLD).fontSize(TABLE_FONT);
      const h = Math.max(...labels.map((label, i) => doc.heightOfString(label, { width: inner(i) }))) + 2 * CELL_PAD;
      const y = doc.y;
      doc.rect(left, y, width, h).fill('#eeeeee');
      doc.fillColor(INK);
      let x = left;
      COLUMNS.forEach((c, i) => {
        doc.text(labels[i]!, x + CELL_PAD, y + CELL_PAD, { width: inner(i), align: c.align ?? 'left' });
        x += widths[i]!;
      });
      doc.moveTo(left, y + h).lineTo(left + width, y + h).lineWidth(0.75).strokeColor(MUTED).stroke();
      doc.y = y + h;
    };

    ensureRoom(40);
    header();
    rows.forEach((row, r) => {
      const line = lines[r]!;
      // The row is as tall as its tallest cell, a cell's note (smaller) under its value.
      const h = Math.max(...COLUMNS.map((c, i) => {
        const cell = row[c.key];
        let ch = doc.font(REGULAR).fontSize(TABLE_FONT).heightOfString(cell.value, { width: inner(i) });
        if (cell.sub) ch += doc.fontSize(TABLE_FONT - 1).heightOfString(cell.sub, { width: inner(i) });
        return ch;
      })) + 2 * CELL_PAD;
      if (doc.y + h > bottom()) {
        doc.addPage();
        header();
      }
      const y = doc.y;
      let x = left;
      COLUMNS.forEach((c, i) => {
        const cell = row[c.key];
        const opts = { width: inner(i), align: c.align ?? 'left' } as const;
        doc.font(REGULAR).fontSize(TABLE_FONT).fillColor(line.inPeriod ? INK : MUTED).text(cell.value, x + CELL_PAD, y + CELL_PAD, opts);
        if (cell.sub) doc.fontSize(TABLE_FONT - 1).fillColor(MUTED).text(cell.sub, x + CELL_PAD, doc.y, opts);
        x += widths[i]!;
      });
      doc.moveTo(left, y + h).lineTo(left + width, y + h).lineWidth(0.25).strokeColor(RULE).stroke();
      doc.y = y + h;
    });
  }

  // ── Footer on every page: issue date/time, member number, "1 / 3" ───────────────────────────────
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // Writing below the bottom margin would start a new page: lift the margin while the footer is drawn.
    const savedBottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN.bottom + 22;
    doc.font(REGULAR).fontSize(8).fillColor(MUTED);
    doc.text(issued, left, y, { width: width / 3, lineBreak: false });
    doc.text(`${i - range.start + 1} / ${range.count}`, left + width / 3, y, { width: width / 3, align: 'center', lineBreak: false });
    doc.text(`${t('profile.memberNumber')} ${member.number}`, left + (2 * width) / 3, y, { width: width / 3, align: 'right', lineBreak: false });
    doc.page.margins.bottom = savedBottom;
  }

  doc.end();
  return done;
}
