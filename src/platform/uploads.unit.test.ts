import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore, safeOriginalName, sniffType } from './uploads';

describe('upload type by content', () => {
  it('recognises PDF, PNG and JPEG by their magic numbers', () => {
    expect(sniffType(Buffer.from('%PDF-1.7\n...'))).toBe('application/pdf');
    expect(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('image/png');
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
  });
  it('refuses anything else, whatever its name', () => {
    expect(sniffType(Buffer.from('MZ\x90\x00 executable'))).toBeNull();
    expect(sniffType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffType(Buffer.from(''))).toBeNull();
  });
  it('refuses a polyglot that is also HTML or script', () => {
    expect(sniffType(Buffer.from('%PDF-1.4\n<html><script>alert(1)</script>'))).toBeNull();
    expect(sniffType(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('<svg onload=alert(1)>')]))).toBeNull();
  });
});

describe('file names', () => {
  it('keeps only a base name for display', () => {
    expect(safeOriginalName('../../x.pdf')).toBe('x.pdf');
    expect(safeOriginalName('C:\\Users\\a\\名札.png')).toBe('名札.png');
    expect(safeOriginalName('a"\u0000b.pdf')).toBe('ab.pdf');
    expect(safeOriginalName('')).toBe('file');
  });
  it('stores under a random name inside its folder only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uploads-'));
    const store = new FileStore(dir);
    const { storedName } = await store.save(Buffer.from('%PDF-1.7'), 'application/pdf');
    expect(storedName).toMatch(/^[a-f0-9]{32}\.pdf$/);
    expect(fs.readdirSync(dir)).toEqual([storedName]);
    expect(() => store.open('../../etc/passwd')).toThrow();
    fs.rmSync(dir, { recursive: true });
  });
});
