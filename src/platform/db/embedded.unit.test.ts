import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { letPostgresUserReach } from './embedded';

// As root, the embedded PostgreSQL runs as the system user 'postgres' (issue: `DATA_DIR=$(mktemp -d) npm start`
// stopped with "initdb: could not access directory … Permission denied").
describe.runIf(process.getuid?.() === 0)('a DATA_DIR for the embedded server, as root', () => {
  const made: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-datadir-'));
    made.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes a private DATA_DIR (0700, as mktemp -d makes it) searchable, not readable, by others', () => {
    const dir = tempDir();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    letPostgresUserReach(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o701);
  });

  it('creates a DATA_DIR that does not exist yet', () => {
    const dir = path.join(tempDir(), 'data');
    fs.chmodSync(path.dirname(dir), 0o755);
    letPostgresUserReach(dir);
    expect(fs.existsSync(dir)).toBe(true);
  });

  it('says in one line what to change when a directory above DATA_DIR is private', () => {
    const parent = tempDir();
    expect(() => letPostgresUserReach(path.join(parent, 'data'))).toThrow(
      `cannot enter ${parent} (mode 0700): set DATA_DIR to a directory outside it (for example DATA_DIR=/var/lib/koushin) or start as a regular user.`,
    );
  });
});
