import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { signInStaff } from '../../test/sign-in';
import { TestClient, textOf } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { CATEGORIES, demoCatalogue, demoCycles } from '../../seed/credits';

let t: TestApp;
let meetingId: number;
const system = { type: 'system' as const, id: null };

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-11-23T10:00:00+09:00'));
  for (const c of demoCycles(2026)) await t.services.cycles.seed(c);
  await t.services.credits.seedCatalogue(CATEGORIES, [
    ...demoCatalogue(2026),
    { code: 'JCS-AUT', name_ja: '日本循環器学会 秋季学術集会', name_en: 'JCS Autumn Meeting', category_code: 'I', kind: 'annual_meeting', credits: 10, activity_from: '2026-11-22', activity_to: '2026-11-24' },
  ]);
  meetingId = (await t.db.selectFrom('credit_catalogue').select('id').where('code', '=', 'JCS-AUT').executeTakeFirstOrThrow()).id;
});
afterAll(() => t.close());

async function staffClient() {
  return signInStaff(t);
}

async function scan(c: TestClient, code: string, id = meetingId) {
  await c.get(`/staff/credits/checkin/${id}`);
  return c.post(`/staff/credits/checkin/${id}`, { code });
}

const attendance = (memberId: number) =>
  t.db.selectFrom('credits').selectAll().where('member_id', '=', memberId).where('catalogue_id', '=', meetingId).execute();
const scans = () => t.db.selectFrom('checkin_scans').selectAll().where('catalogue_id', '=', meetingId).orderBy('id').execute();

/** A code in the society's format signed with someone else's key. */
function foreignCode(memberNumber: string): string {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const now = Math.floor(t.clock.now().getTime() / 1000);
  const body = `KSN1.${Buffer.from(JSON.stringify({ m: memberNumber, iat: now, exp: now + 3600 })).toString('base64url')}`;
  return `${body}.${crypto.sign(null, Buffer.from(body), privateKey).toString('base64url')}`;
}

describe('学術集会の受付 (check-in)', () => {
  it('lists meetings newest first and opens only those that have started', async () => {
    const { c } = await staffClient();
    const page = await c.get('/staff/credits/checkin');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    const order = ['JCS91', 'JCS-AUT', 'RM2026-013', 'JCS90'].map((code) => text.indexOf(`${code} `));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).not.toContain('PAPER-CO');
    expect(page.body).toContain(`href="/staff/credits/checkin/${meetingId}"`);
    const future = (await t.db.selectFrom('credit_catalogue').select('id').where('code', '=', 'JCS91').executeTakeFirstOrThrow()).id;
    expect(page.body).not.toContain(`href="/staff/credits/checkin/${future}"`);
    expect((await c.get(`/staff/credits/checkin/${future}`)).headers.location).toBe('/staff/credits/checkin');
    await c.get('/staff/credits/checkin');
    expect((await c.post(`/staff/credits/checkin/${future}`, { code: '170001' })).statusCode).toBe(409);
    const paper = (await t.db.selectFrom('credit_catalogue').select('id').where('code', '=', 'PAPER-CO').executeTakeFirstOrThrow()).id;
    expect((await c.get(`/staff/credits/checkin/${paper}`)).statusCode).toBe(404);
  });

  it('credits once by QR code, refuses tampered, foreign and expired codes, accepts typed numbers, and logs every scan', async () => {
    const { c, staff } = await staffClient();
    const m1 = await createMember(t.db, { member_number: '171001', password: null });
    const m2 = await createMember(t.db, { member_number: '171002', password: null });
    const m3 = await createMember(t.db, { member_number: '171003', password: null });
    const { code } = await t.services.checkin.issue(system, m1);

    const page = await c.get(`/staff/credits/checkin/${meetingId}`);
    expect(textOf(page.body)).toContain('QRコードまたは会員番号');
    expect(page.body).toContain('src="/assets/checkin-scan.js"');
    expect(page.body).toMatch(/<input[^>]*name="code"[^>]*autofocus/);

    const first = await scan(c, code);
    expect(first.statusCode).toBe(200);
    expect(textOf(first.body)).toContain('受付しました: 171001 山田 太郎（10単位を登録しました）');
    expect(textOf(first.body)).toContain('受付済み 1 名');
    const credited = await attendance(m1.id);
    expect(credited).toHaveLength(1);
    expect(credited[0]).toMatchObject({ source: 'attendance', status: 'approved', credits: 10, activity_date: '2026-11-23', decided_by: staff.id });
    const events = await t.db.selectFrom('credit_events').selectAll().where('credit_id', '=', credited[0]!.id).execute();
    expect(events.map((e) => [e.action, e.to_status, e.actor_type])).toEqual([['create', 'approved', 'staff']]);
    const audits = await t.db.selectFrom('audit_log').select(['action', 'subject_id', 'actor_id']).where('member_id', '=', m1.id).where('action', '=', 'credit.create').execute();
    expect(audits).toEqual([{ action: 'credit.create', subject_id: credited[0]!.control_no, actor_id: staff.id }]);

    const second = await scan(c, code);
    expect(second.statusCode).toBe(409);
    expect(textOf(second.body)).toContain('すでに受付済みです');
    const typedAgain = await scan(c, '171001');
    expect(textOf(typedAgain.body)).toContain('すでに受付済みです');
    expect(await attendance(m1.id)).toHaveLength(1);

    // The payload changed to another member, the signature kept: refused.
    const [prefix, , signature] = code.split('.');
    const swapped = JSON.parse(Buffer.from(code.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${prefix}.${Buffer.from(JSON.stringify({ ...swapped, m: '171002' })).toString('base64url')}.${signature}`;
    const bad = await scan(c, tampered);
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('無効なQRコードです');
    const foreign = await scan(c, foreignCode('171002'));
    expect(foreign.statusCode).toBe(400);
    expect(textOf(foreign.body)).toContain('無効なQRコードです');
    expect(await attendance(m2.id)).toHaveLength(0);

    // A typed member number, full width, credits too.
    const typed = await scan(c, '１７１００３');
    expect(typed.statusCode).toBe(200);
    expect(textOf(typed.body)).toContain('受付しました: 171003');
    expect(await attendance(m3.id)).toHaveLength(1);

    const unknown = await scan(c, '199999');
    expect(unknown.statusCode).toBe(400);
    expect(textOf(unknown.body)).toContain('会員番号 199999 の会員は見つかりません');
    const garbage = await scan(c, 'https://example.com/not-ours');
    expect(garbage.statusCode).toBe(400);

    // Nothing typed: the form says so; it is not a scan.
    const blank = await scan(c, '   ');
    expect(blank.statusCode).toBe(400);
    expect(textOf(blank.body)).toContain('QRコードを読み取るか、会員番号を入力してください');

    expect((await scans()).map((s) => [s.input_kind, s.result, s.member_id, s.staff_id])).toEqual([
      ['qr', 'credited', m1.id, staff.id],
      ['qr', 'duplicate', m1.id, staff.id],
      ['number', 'duplicate', m1.id, staff.id],
      ['qr', 'invalid', null, staff.id],
      ['qr', 'invalid', null, staff.id],
      ['number', 'credited', m3.id, staff.id],
      ['number', 'unknown_member', null, staff.id],
      ['qr', 'invalid', null, staff.id],
    ]);
    const list = await c.get(`/staff/credits/checkin/${meetingId}`);
    expect([...list.body.matchAll(/<tr data-result="(\w+)">/g)].map((x) => x[1])).toEqual(
      ['invalid', 'unknown_member', 'credited', 'invalid', 'invalid', 'duplicate', 'duplicate', 'credited']);
    expect(textOf(list.body)).toContain('受付済み 2 名');

    // 73 hours later the code has expired (the staff session too: log in again).
    const { code: later } = await t.services.checkin.issue(system, m2);
    t.clock.advance(73 * 3_600_000);
    const fresh = await staffClient();
    const expired = await scan(fresh.c, later);
    expect(expired.statusCode).toBe(400);
    expect(textOf(expired.body)).toContain('有効期限が切れたQRコードです（会員番号 171002');
    expect(await attendance(m2.id)).toHaveLength(0);
    expect((await scans()).at(-1)).toMatchObject({ input_kind: 'qr', result: 'expired', member_id: m2.id, member_number: '171002' });
    // After the meeting, a late entry by number is dated the meeting's last day.
    expect((await scan(fresh.c, '171002')).statusCode).toBe(200);
    expect((await attendance(m2.id))[0]!.activity_date).toBe('2026-11-24');
  });

  it('credits exactly once when two desks scan the same member at once, and counts other sources', async () => {
    const { staff } = await staffClient();
    const m = await createMember(t.db, { member_number: '171010', password: null });
    const actor = { type: 'staff' as const, id: staff.id };
    const results = await Promise.all([1, 2, 3].map(() => t.services.attendance.scan(actor, meetingId, '171010')));
    expect(results.map((r) => r.result).sort()).toEqual(['credited', 'duplicate', 'duplicate']);
    expect(await attendance(m.id)).toHaveLength(1);

    const imported = await createMember(t.db, { member_number: '171011', password: null });
    await t.services.credits.recordEarned(system, { memberId: imported.id, code: 'JCS-AUT', activityDate: '2026-11-22', source: 'import', externalId: 'AUT-1' });
    expect((await t.services.attendance.scan(actor, meetingId, '171011')).result).toBe('duplicate');
    expect(await attendance(imported.id)).toHaveLength(1);
  });

  it('keeps members out', async () => {
    const m = await createMember(t.db, { member_number: '171020' });
    const member = new TestClient(t.app);
    await member.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD });
    for (const path of ['/staff/credits/checkin', `/staff/credits/checkin/${meetingId}`]) {
      const r = await member.get(path);
      expect(r.statusCode, path).toBe(303);
      expect(r.headers.location).toMatch(/^\/staff\/login/);
    }
    const before = (await scans()).length;
    const post = await member.post(`/staff/credits/checkin/${meetingId}`, { code: '171020' }, { csrf: false });
    expect([303, 403]).toContain(post.statusCode);
    expect(await scans()).toHaveLength(before);
  });
});
