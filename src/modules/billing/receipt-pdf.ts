import { dateOnly, formatDateJa, formatYen } from '../../platform/japanese';
import { PDF_BOLD as BOLD, PDF_REGULAR as REGULAR, startPdf } from '../../platform/pdf-fonts';

/**
 * 領収書 as an A4 PDF, in Japanese (a receipt is a Japanese business document whatever the reader's
 * language). Everything printed is decided by the caller (receipts.ts): this file only lays it out.
 */

export interface ReceiptTaxLine {
  label: string;
  amount: number;
  category: 'non_taxable' | 'taxable_10';
}

export interface ReceiptPdfInput {
  receiptNo: string;
  /** The first issue of this receipt (its number was given then). */
  issuedAt: Date;
  /** Set from the second download on: printed 「再発行」 with this date. */
  reissuedAt?: Date;
  payerName: string;
  amount: number;
  /** 但し書き, e.g. 「専門医更新料として」. */
  purpose: string;
  controlNo: string;
  paidOn: string;
  paidMethod: string;
  lines: ReceiptTaxLine[];
  issuer: { name: string; address?: string; registrationNumber?: string };
  /** Uncompressed content streams (tests read the text). */
  compress?: boolean;
}

/** 消費税 contained in a tax-included amount at 10%: floor(amount × 10 / 110), integer yen. */
export function includedTax10(amount: number): number {
  return Math.floor((amount * 10) / 110);
}

const INK = '#1a1a1a';
const MUTED = '#595959';
const RULE = '#bfbfbf';
const MARK = '#b3261e';
const MARGIN = 56;

export function renderReceiptPdf(input: ReceiptPdfInput): Promise<Buffer> {
  const title = '領収書';
  const { doc, done } = startPdf({
    size: 'A4',
    margin: MARGIN,
    compress: input.compress ?? true,
    lang: 'ja-JP',
    displayTitle: true,
    info: { Title: `${title} ${input.receiptNo}`, Author: input.issuer.name, Subject: title, CreationDate: input.reissuedAt ?? input.issuedAt, ModDate: input.reissuedAt ?? input.issuedAt },
  });

  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const right = left + width;
  const date = (d: Date) => formatDateJa(d);
  const rule = (y: number, w = 0.5, color = RULE) => doc.moveTo(left, y).lineTo(right, y).lineWidth(w).strokeColor(color).stroke();

  // ── Title, 再発行 mark, number and dates ─────────────────────────────────────────────────────────
  doc.font(BOLD).fontSize(26).fillColor(INK).text(title, left, MARGIN, { width, align: 'center', characterSpacing: 12 });
  if (input.reissuedAt) {
    const markW = 64;
    const markY = MARGIN + 4;
    doc.rect(right - markW, markY, markW, 26).lineWidth(1.5).strokeColor(MARK).stroke();
    doc.font(BOLD).fontSize(13).fillColor(MARK).text('再発行', right - markW, markY + 5, { width: markW, align: 'center' });
  }
  let y = MARGIN + 50;
  doc.font(REGULAR).fontSize(9.5).fillColor(INK);
  const meta = [`領収書番号: ${input.receiptNo}`, `発行日: ${date(input.issuedAt)}`];
  if (input.reissuedAt) meta.push(`再発行日: ${date(input.reissuedAt)}`);
  for (const line of meta) {
    doc.text(line, left, y, { width, align: 'right' });
    y = doc.y + 1;
  }

  // ── Payer ─────────────────────────────────────────────────────────────────────────────────────
  y += 14;
  doc.font(BOLD).fontSize(16).fillColor(INK).text(`${input.payerName} 様`, left, y, { width: width * 0.6 });
  y = doc.y + 2;
  doc.moveTo(left, y).lineTo(left + width * 0.6, y).lineWidth(1).strokeColor(INK).stroke();

  // ── Amount ────────────────────────────────────────────────────────────────────────────────────
  y += 24;
  const boxH = 58;
  doc.rect(left, y, width, boxH).fill('#f2f2f2');
  doc.font(REGULAR).fontSize(12).fillColor(INK).text('金額', left + 16, y + 21, { width: 60 });
  doc.font(BOLD).fontSize(30).fillColor(INK).text(`${formatYen(input.amount)} -`, left + 70, y + 8, { width: width - 150, align: 'center' });
  if (input.lines.some((l) => l.category === 'taxable_10')) doc.font(REGULAR).fontSize(10).fillColor(MUTED).text('（税込）', right - 80, y + 23, { width: 64, align: 'right' });
  y += boxH + 12;
  doc.font(REGULAR).fontSize(11).fillColor(INK).text(`但し　${input.purpose}`, left, y, { width });
  y = doc.y + 4;
  doc.text('上記正に領収いたしました。', left, y, { width });
  y = doc.y + 18;

  // ── Payment ───────────────────────────────────────────────────────────────────────────────────
  const row = (label: string, value: string, opts: { bold?: boolean; indent?: number } = {}) => {
    const indent = opts.indent ?? 0;
    doc.font(REGULAR).fontSize(10).fillColor(MUTED).text(label, left + indent, y, { width: 170 - indent });
    const labelBottom = doc.y;
    doc.font(opts.bold ? BOLD : REGULAR).fontSize(10).fillColor(INK).text(value, left + 170, y, { width: width - 170 });
    y = Math.max(doc.y, labelBottom) + 4;
  };
  const heading = (value: string) => {
    doc.font(BOLD).fontSize(11).fillColor(INK).text(value, left, y, { width });
    y = doc.y + 2;
    rule(y);
    y += 6;
  };
  heading('お支払いの内容');
  row('請求の管理No', input.controlNo);
  row('入金日', formatDateJa(dateOnly(input.paidOn)));
  row('入金方法', input.paidMethod);
  y += 10;

  // ── Tax, per line: 10%対象 with 税抜金額 and 消費税額, or 不課税 ───────────────────────────────────
  heading('内訳（税率区分ごと）');
  for (const line of input.lines) {
    if (line.category === 'taxable_10') {
      const tax = includedTax10(line.amount);
      row(line.label, `${formatYen(line.amount)}（10%対象・税込）`, { bold: true });
      row('税抜金額', formatYen(line.amount - tax), { indent: 12 });
      row('消費税額(10%)', formatYen(tax), { indent: 12 });
    } else {
      row(line.label, `${formatYen(line.amount)}（不課税）`, { bold: true });
    }
  }
  y += 2;
  rule(y);
  y += 6;
  const taxed = input.lines.filter((l) => l.category === 'taxable_10').reduce((s, l) => s + l.amount, 0);
  const untaxed = input.lines.filter((l) => l.category === 'non_taxable').reduce((s, l) => s + l.amount, 0);
  if (taxed > 0) row('10%対象 合計', `${formatYen(taxed)}（うち消費税額 ${formatYen(includedTax10(taxed))}）`, { bold: true });
  if (untaxed > 0) row('不課税 合計', formatYen(untaxed), { bold: true });
  if (taxed > 0) {
    doc.font(REGULAR).fontSize(8.5).fillColor(MUTED).text('消費税額は税込金額 × 10/110 の1円未満を切り捨てて計算しています。', left, y, { width });
    y = doc.y + 4;
  }
  if (untaxed > 0) {
    doc.font(REGULAR).fontSize(8.5).fillColor(MUTED).text('会費は対価性のない収入のため、消費税の課税対象外（不課税）です。', left, y, { width });
    y = doc.y + 4;
  }

  // ── Issuer ────────────────────────────────────────────────────────────────────────────────────
  y += 20;
  const issuerLeft = left + width * 0.45;
  const issuerWidth = width * 0.55;
  doc.font(REGULAR).fontSize(9).fillColor(MUTED).text('発行者', issuerLeft, y, { width: issuerWidth });
  doc.font(BOLD).fontSize(12).fillColor(INK).text(input.issuer.name, issuerLeft, doc.y + 1, { width: issuerWidth });
  doc.font(REGULAR).fontSize(9.5).fillColor(INK);
  if (input.issuer.address) doc.text(input.issuer.address, issuerLeft, doc.y + 2, { width: issuerWidth });
  if (input.issuer.registrationNumber) doc.text(`適格請求書発行事業者登録番号: ${input.issuer.registrationNumber}`, issuerLeft, doc.y + 2, { width: issuerWidth });
  y = doc.y + 28;

  // ── Notes ─────────────────────────────────────────────────────────────────────────────────────
  doc.font(REGULAR).fontSize(8.5).fillColor(MUTED);
  const notes = ['電子交付のため収入印紙は不要です。'];
  if (input.reissuedAt) notes.push(`この領収書は ${date(input.issuedAt)} に発行した領収書（${input.receiptNo}）の再発行です。`);
  for (const note of notes) {
    doc.text(`※ ${note}`, left, y, { width });
    y = doc.y + 2;
  }

  doc.end();
  return done;
}
