import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app';
import { type TestClient, textOf } from '../test/client';
import { createMember } from '../test/factories';
import { seedCreditRules, signInMember, signInStaff } from '../test/sign-in';
import { FEE_TYPES } from '../seed/billing';
import type { Member } from './db/schema';

/*
 * A real full disk under the uploads (DATA_DIR/uploads is a 64 KiB tmpfs), not a mock of FileStore: the
 * member is told clearly, and nothing is recorded — no file row, no audit row, no file left on the disk.
 * Needs root (we run as root here and in CI); without mount the file says why it skips.
 */

const SIZE = 64 * 1024;
const FILLER = '.filler';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'koushin-disk-full-'));
const uploads = path.join(dataDir, 'uploads');
fs.mkdirSync(uploads);
let cannotMount = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', uploads], { stdio: 'pipe' });
} catch (err) {
  cannotMount = `cannot mount a tmpfs (${String((err as Error).message).split('\n')[0]}): run as root to test a full disk`;
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const NOW = new Date('2026-11-23T10:00:00+09:00');
// Larger than what is left once the filler holds half the disk: the write starts, then fails half-way.
const BIG_PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(48 * 1024, 0x20), Buffer.from('\n%%EOF\n')]);
const PDF = Buffer.from('%PDF-1.7\n% proof\n1 0 obj<<>>endobj\n%%EOF\n');
const STORAGE_FULL_JA = 'ただいまファイルを保存できません（保存領域が不足しています）。ファイルは受け付けていません。';
let t: TestApp;
let seq = 186000;

/** The disk full to the last byte, or with `leave` bytes left (the filler takes the rest). */
function fill(leave = 0) {
  fs.rmSync(path.join(uploads, FILLER), { force: true });
  try {
    fs.writeFileSync(path.join(uploads, FILLER), Buffer.alloc(SIZE - leave));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
}
const free = () => fs.rmSync(path.join(uploads, FILLER), { force: true });
/** What is on the disk besides the filler. */
const storedFiles = () => fs.readdirSync(uploads).filter((f) => f !== FILLER).sort();
const auditCount = async (memberId: number, action: string) =>
  Number((await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('member_id', '=', memberId).where('action', '=', action).executeTakeFirstOrThrow()).n);

describe.skipIf(cannotMount !== '')(`uploads on a full disk${cannotMount ? ` — skipped: ${cannotMount}` : ''}`, () => {
  beforeAll(async () => {
    t = await createTestApp({ DATA_DIR: dataDir });
    t.clock.set(NOW);
    await seedCreditRules(t, 2026);
    await t.services.billing.seedFeeTypes(FEE_TYPES);
  });
  afterAll(async () => {
    execFileSync('umount', [uploads]);
    await t?.close();
  });

  async function member(): Promise<{ m: Member; c: TestClient }> {
    const m = await createMember(t.db, { member_number: String(++seq) });
    return { m, c: await signInMember(t, m.member_number) };
  }

  /** The 503 the member reads: the page they were on, with its upload form and the message; no stack trace. */
  function expectStorageFull(res: { statusCode: number; body: string }, formAction: string) {
    expect(res.statusCode).toBe(503);
    expect(textOf(res.body)).toContain(STORAGE_FULL_JA);
    expect(res.body).toContain(`action="${formAction}"`);
    expect(res.body).not.toMatch(/ENOSPC|\bat \S+ \(|node_modules/);
  }

  it('a self-report proof: the record page says so, nothing is recorded, no partial file stays; it goes through once there is room', async () => {
    const { m, c } = await member();
    const entry = await t.db.selectFrom('credit_catalogue').select('id').where('code', '=', 'REL-ANNUAL').executeTakeFirstOrThrow();
    await c.get(`/credits/new?catalogue=${entry.id}`);
    const saved = await c.post('/credits/new', { catalogueId: String(entry.id), activityDate: '2025-06-01', detailTitle: '第122回日本内科学会総会・講演会', detailSource: '' });
    const no = String(saved.headers.location).replace('/credits/', '');
    const creditId = (await t.db.selectFrom('credits').select('id').where('control_no', '=', no).executeTakeFirstOrThrow()).id;
    const upload = async (data: Buffer) => {
      await c.get(`/credits/${no}`);
      return c.postMultipart(`/credits/${no}/files`, {}, [{ name: 'file', filename: 'badge.pdf', type: 'application/pdf', data }]);
    };
    const rows = () => t.db.selectFrom('credit_files').select('stored_name').where('credit_id', '=', creditId).execute();

    for (const [leave, data] of [[0, PDF], [SIZE / 2, BIG_PDF]] as const) {
      fill(leave);
      expectStorageFull(await upload(data), `/credits/${no}/files`);
      expect(await rows()).toEqual([]);
      expect(await auditCount(m.id, 'credit.file_attached')).toBe(0);
      expect(storedFiles()).toEqual([]);
    }
    // Still a draft: 承認申請 wants its proof, so nothing went further without the file.
    expect((await t.db.selectFrom('credits').select('status').where('id', '=', creditId).executeTakeFirstOrThrow()).status).toBe('draft');

    free();
    expect((await upload(PDF)).headers.location).toBe(`/credits/${no}`);
    expect((await rows()).map((r) => r.stored_name)).toEqual(storedFiles());
    expect(await auditCount(m.id, 'credit.file_attached')).toBe(1);
    fs.rmSync(path.join(uploads, storedFiles()[0]!));
  });

  it('the 在籍証明書 of a renewal application: the application page says so, nothing is recorded', async () => {
    const { m, c } = await member();
    await c.get('/applications/new/renewal');
    await c.post('/applications/new/renewal', {
      baseQualification: 'sogo_naika', baseQualificationNumber: '12345678', baseQualificationYear: '2019', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31',
      abroad: 'yes', abroadDepartedOn: '2025-09-01', abroadStatus: 'ongoing',
    });
    const application = await t.db.selectFrom('applications').select(['id', 'application_no']).where('member_id', '=', m.id).executeTakeFirstOrThrow();
    const no = application.application_no;
    fill(SIZE / 2);
    await c.get(`/applications/${no}`);
    const res = await c.postMultipart(`/applications/${no}/files`, {}, [{ name: 'file', filename: '在籍証明書.pdf', type: 'application/pdf', data: BIG_PDF }]);
    expectStorageFull(res, `/applications/${no}/files`);
    expect(await t.db.selectFrom('application_files').select('id').where('application_id', '=', application.id).execute()).toEqual([]);
    expect(await auditCount(m.id, 'application.certificate_attached')).toBe(0);
    expect(storedFiles()).toEqual([]);
    free();
  });

  it('the scan of a paper application (事務局入力): the staff page says so, nothing is recorded', async () => {
    const m = await createMember(t.db, { member_number: String(++seq) });
    const { c: staff } = await signInStaff(t);
    await staff.get(`/staff/members/${m.member_number}/applications/new`);
    const saved = await staff.post(`/staff/members/${m.member_number}/applications/new`, {
      baseQualification: 'sogo_naika', baseQualificationNumber: '12345678', baseQualificationYear: '2019', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31', abroad: 'no', receivedOn: '2026-11-20',
    });
    const id = Number(/\/staff\/applications\/(\d+)$/.exec(String(saved.headers.location))![1]);
    fill();
    await staff.get(`/staff/applications/${id}`);
    const res = await staff.postMultipart(`/staff/applications/${id}/files`, {}, [{ name: 'file', filename: '申請書.pdf', type: 'application/pdf', data: PDF }]);
    expectStorageFull(res, `/staff/applications/${id}/files`);
    expect(await t.db.selectFrom('application_files').select('id').where('application_id', '=', id).execute()).toEqual([]);
    expect(await auditCount(m.id, 'application.paper_scan_attached')).toBe(0);
    expect(storedFiles()).toEqual([]);
    free();
  });
});
