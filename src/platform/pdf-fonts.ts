import fs from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * Noto Sans JP (TrueType, from @expo-google-fonts/noto-sans-jp) for the PDFs the portal issues
 * (単位取得情報, 領収書). The files are read once per process; pdfkit embeds a subset per document.
 */
const resolvePackage = createRequire(import.meta.url).resolve;
let fontData: { regular: Buffer; bold: Buffer } | undefined;

export const PDF_REGULAR = 'NotoSansJP';
export const PDF_BOLD = 'NotoSansJP-Bold';

export function pdfFonts(): { regular: Buffer; bold: Buffer } {
  fontData ??= {
    regular: fs.readFileSync(resolvePackage('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf')),
    bold: fs.readFileSync(resolvePackage('@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf')),
  };
  return fontData;
}

/**
 * A pdfkit document with the Japanese fonts registered (as PDF_REGULAR / PDF_BOLD) and its bytes
 * collected: `done` resolves with the whole file once the caller has called `doc.end()`.
 */
export function startPdf(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const doc = new PDFDocument(options);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { regular, bold } = pdfFonts();
  doc.registerFont(PDF_REGULAR, regular);
  doc.registerFont(PDF_BOLD, bold);
  return { doc, done };
}
