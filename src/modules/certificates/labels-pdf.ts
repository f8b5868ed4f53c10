import { PDF_BOLD as BOLD, PDF_REGULAR as REGULAR, startPdf } from '../../platform/pdf-fonts';

/**
 * 宛名ラベル for the dispatch of 専門医証: A4 sheets of 12 labels (2 × 6, 86.4 × 42.3 mm, the common
 * 12面 sheet with 18.6 mm side and 21.5 mm top margins), 〒, address, organisation and 「氏名 様」.
 */

const MM = 72 / 25.4;

export const LABEL_SHEET = {
  pageWidth: 210 * MM,
  pageHeight: 297 * MM,
  columns: 2,
  rows: 6,
  labelWidth: 86.4 * MM,
  labelHeight: 42.3 * MM,
  left: 18.6 * MM,
  top: 21.5 * MM,
  /** Inside each label, so the text never touches a die-cut edge. */
  padding: 5 * MM,
} as const;

export interface LabelAddress {
  postalCode: string;
  address: string;
  organisation: string;
  name: string;
}

/** Where label `index` (0-based) goes: its sheet and top-left corner in points, filled row by row. */
export function labelPosition(index: number): { page: number; x: number; y: number } {
  const perPage = LABEL_SHEET.columns * LABEL_SHEET.rows;
  const slot = index % perPage;
  const column = slot % LABEL_SHEET.columns;
  const row = Math.floor(slot / LABEL_SHEET.columns);
  return {
    page: Math.floor(index / perPage),
    x: LABEL_SHEET.left + column * LABEL_SHEET.labelWidth,
    y: LABEL_SHEET.top + row * LABEL_SHEET.labelHeight,
  };
}

export function renderLabelsPdf(labels: LabelAddress[], opts: { title: string; compress?: boolean }): Promise<Buffer> {
  const { doc, done } = startPdf({
    size: 'A4', margin: 0, compress: opts.compress ?? true, lang: 'ja-JP', displayTitle: true, autoFirstPage: true,
    info: { Title: opts.title, Subject: opts.title },
  });
  const width = LABEL_SHEET.labelWidth - 2 * LABEL_SHEET.padding;
  labels.forEach((label, i) => {
    const at = labelPosition(i);
    if (i > 0 && at.page > labelPosition(i - 1).page) doc.addPage({ size: 'A4', margin: 0 });
    const x = at.x + LABEL_SHEET.padding;
    let y = at.y + LABEL_SHEET.padding;
    const line = (text: string, size: number, bold = false, maxLines = 1) => {
      if (!text) return;
      doc.font(bold ? BOLD : REGULAR).fontSize(size).fillColor('#000000');
      const height = size * 1.3 * maxLines;
      doc.text(text, x, y, { width, height, ellipsis: true });
      y += Math.min(doc.heightOfString(text, { width }), height) + 1.5;
    };
    line(`〒${label.postalCode}`, 9.5);
    line(label.address, 9.5, false, 2);
    line(label.organisation, 8.5, false, 2);
    y += 3;
    line(`${label.name} 様`, 12, true);
  });
  doc.end();
  return done;
}
