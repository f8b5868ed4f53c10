import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';

/** A cell that a spreadsheet would run as a formula is written as text (CSV injection). */
function excelSafe(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** CSV that Excel opens correctly in Japan: UTF-8 with BOM, CRLF, every cell quoted when needed. */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  return `\uFEFF${stringify([header.map(excelSafe), ...rows.map((r) => r.map(excelSafe))], { record_delimiter: '\r\n' })}`;
}

/** A Content-Disposition value for a download name with Japanese characters (RFC 6266 / 5987). */
export function attachmentHeader(filename: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The same CSV, streamed: the BOM and header first, then each batch of rows as it arrives (a list of
 * 60,000 invoices is never held in memory at once).
 */
export function csvStream(header: string[], batches: AsyncIterable<(string | number | null | undefined)[][]>): Readable {
  async function* chunks() {
    yield `\uFEFF${stringify([header.map(excelSafe)], { record_delimiter: '\r\n' })}`;
    for await (const rows of batches) {
      if (rows.length > 0) yield stringify(rows.map((r) => r.map(excelSafe)), { record_delimiter: '\r\n' });
    }
  }
  return Readable.from(chunks());
}

/** The bytes of an uploaded CSV: UTF-8 (with or without BOM) when they are valid UTF-8, else Shift_JIS as Excel writes it. */
export function decodeCsv(data: Buffer): { text: string; encoding: 'utf-8' | 'shift_jis' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(data), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('shift_jis').decode(data), encoding: 'shift_jis' };
  }
}
