import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type UploadType = 'application/pdf' | 'image/jpeg' | 'image/png';

const EXT: Record<UploadType, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * The policy an uploaded file is served under: nothing it contains may run or load (sandbox), and
 * frame-ancestors and base-uri, which default-src does not cover, are closed too.
 */
export const UPLOADED_FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The type of an upload from its first bytes, never from its name or the browser's word. A file that
 * also reads as HTML or script in its head (a polyglot) is refused whatever its magic number.
 */
export function sniffType(head: Buffer): UploadType | null {
  const start = head.subarray(0, 1024).toString('latin1').toLowerCase();
  if (/<(html|script|svg|body|iframe)\b|javascript:/.test(start)) return null;
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  return null;
}

/** The upload area is full (or over its quota): nothing the member can fix, a message they can understand. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

const STORED_NAME = /^[a-f0-9]{32}\.(pdf|jpg|png)$/;

/** A display name for a download: the base name only, no control characters, bounded. */
export function safeOriginalName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return cleaned || 'file';
}

/**
 * Uploaded files on disk, outside the web root (DATA_DIR/uploads), under random names. The name the
 * user gave is kept only in the database, for display.
 */
export class FileStore {
  constructor(private dir: string) {
    // Private like the files: DATA_DIR may be searchable by PostgreSQL's system user (db/embedded.ts).
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /**
   * Writes the file whole or not at all: a write that fails half-way (the disk filled up) leaves a partial file
   * behind, which is removed before the error goes on. The error keeps its code (ENOSPC: see `isDiskFull`).
   */
  async save(data: Buffer, type: UploadType): Promise<{ storedName: string; sha256: string }> {
    const storedName = `${crypto.randomBytes(16).toString('hex')}.${EXT[type]}`;
    const target = path.join(this.dir, storedName);
    try {
      await fs.promises.writeFile(target, data, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      // EEXIST: the name was another file's (wx refused it), which must stay.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await fs.promises.rm(target, { force: true }).catch(() => {});
      throw err;
    }
    return { storedName, sha256: crypto.createHash('sha256').update(data).digest('hex') };
  }

  async remove(storedName: string): Promise<void> {
    if (STORED_NAME.test(storedName)) await fs.promises.rm(path.join(this.dir, storedName), { force: true });
  }

  open(storedName: string): fs.ReadStream {
    if (!STORED_NAME.test(storedName)) throw new Error('bad stored name');
    return fs.createReadStream(path.join(this.dir, storedName));
  }
}
