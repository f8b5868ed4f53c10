import fs from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Noto Sans JP (TrueType, from @expo-google-fonts/noto-sans-jp) for the PDFs the portal issues
 * (単位取得情報, 領収書). The files are read once per process; pdfkit embeds a subset per document.
 */
const resolvePackage = createRequire(import.meta.url).resolve;
let fontData: { regular: Buffer; bold: Buffer } | undefined;

export function pdfFonts(): { regular: Buffer; bold: Buffer } {
  fontData ??= {
    regular: fs.readFileSync(resolvePackage('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf')),
    bold: fs.readFileSync(resolvePackage('@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf')),
  };
  return fontData;
}
