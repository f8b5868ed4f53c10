import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { readPdf } from '../../test/pdf';
import { seedCreditRules, signInMember, signInStaff } from '../../test/sign-in';
import type { Certificate, Member } from '../../platform/db/schema';
import { formatCertificateNo } from './format';

let t: TestApp;
let seq = 180000;
let staff: TestClient;
let cycleId: number;

beforeAll(async () => {
  t = await createTestApp();
  // Mid-March of 2026年度: the renewals of the 2026 cycle are complete, their new period starts on 1 April.
  t.clock.set(new Date('2027-03-10T10:00:00+09:00'));
  await seedCreditRules(t, 2026);
  cycleId = (await t.db.selectFrom('renewal_cycles').select('id').where('fiscal_year', '=', 2026).executeTakeFirstOrThrow()).id;
  ({ c: staff } = await signInStaff(t));
});
afterAll(() => t.close());

/** A member whose 2026 renewal is 更新完了 (granted 2027-04-01 – 2032-03-31), written as the applications module leaves it. */
async function completedRenewal(over: Partial<Member> = {}): Promise<{ m: Member; applicationId: number }> {
  const m = await createMember(t.db, { member_number: String(++seq), ...over });
  const a = await t.db.insertInto('applications').values({
    member_id: m.id, cycle_id: cycleId, type: 'renewal', status: 'completed', completed_at: new Date('2027-02-01T10:00:00+09:00'),
    granted_period_start: '2027-04-01', granted_period_end: '2032-03-31',
  }).returning('id').executeTakeFirstOrThrow();
  return { m, applicationId: a.id };
}

const certificatesOf = (applicationId: number) =>
  t.db.selectFrom('certificates').selectAll().where('application_id', '=', applicationId).orderBy('serial').execute();

async function issue(c = staff) {
  await c.get('/staff/certificates');
  return c.post('/staff/certificates/issue', {});
}

const codeOf = (c: Certificate) => t.services.certificates.codeOf(c);

describe('「専門医証を発行」', () => {
  it('lists completed renewals without a certificate, issues them in one go (audited) and then lists the numbers', async () => {
    const { m, applicationId } = await completedRenewal();
    const page = textOf((await staff.get('/staff/certificates')).body);
    expect(page).toContain('2026年度更新');
    expect(page).toContain(m.member_number);
    expect(page).toContain('専門医証を発行');

    const res = await issue();
    expect(res.statusCode).toBe(303);
    const [cert] = await certificatesOf(applicationId);
    expect(cert).toMatchObject({ status: 'active', holder_name: '山田 太郎', period_start: '2027-04-01', period_end: '2032-03-31', member_id: m.id });
    const after = textOf((await staff.get('/staff/certificates')).body);
    expect(after).toContain('専門医証を発行しました。');
    expect(after).toContain(formatCertificateNo(cert!.serial));
    const audits = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'certificate.issued').where('member_id', '=', m.id).execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.subject_id).toBe(formatCertificateNo(cert!.serial));
    // The code is stored only hashed (and sealed): never in the clear.
    expect(cert!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cert!.code_sealed).not.toContain(codeOf(cert!));

    // Nothing is left: a second click issues nothing more.
    expect((await issue()).statusCode).toBe(303);
    expect(await certificatesOf(applicationId)).toHaveLength(1);
  });

  it('issues once when two clerks click at the same moment: one certificate per renewal, no serial twice', async () => {
    const renewals = await Promise.all(Array.from({ length: 6 }, () => completedRenewal()));
    const other = (await signInStaff(t)).c;
    await staff.get('/staff/certificates');
    await other.get('/staff/certificates');
    const [a, b] = await Promise.all([staff.post('/staff/certificates/issue', {}), other.post('/staff/certificates/issue', {})]);
    expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
    for (const r of renewals) expect(await certificatesOf(r.applicationId)).toHaveLength(1);
    const all = await t.db.selectFrom('certificates').select('serial').execute();
    expect(new Set(all.map((r) => r.serial)).size).toBe(all.length);
    // Even without the lock, the database holds one valid certificate per renewal.
    const [first] = await certificatesOf(renewals[0]!.applicationId);
    await expect(t.db.insertInto('certificates').values({
      member_id: first!.member_id, application_id: first!.application_id, cycle_id: cycleId, holder_name: 'x', period_start: '2027-04-01', period_end: '2032-03-31',
      issued_at: new Date(), code_hash: 'f'.repeat(64), code_sealed: 'x',
    }).execute()).rejects.toMatchObject({ code: '23505' });
  });
});

describe('/verify/<code>', () => {
  it('shows only name, specialty, number, period and status; no-store, noindex; unknown codes are 404', async () => {
    const { m, applicationId } = await completedRenewal({ family_name: '佐藤', given_name: '花子', email: 'hanako.sato@example.jp', phone: '090-8765-4321', birth_date: '1979-11-23', organisation: '北病院' });
    await issue();
    const [cert] = await certificatesOf(applicationId);
    const anon = new TestClient(t.app);
    const res = await anon.get(`/verify/${codeOf(cert!)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-robots-tag']).toContain('noindex');
    expect(res.body).toContain('<meta name="robots" content="noindex, nofollow"/>');
    const text = textOf(res.body);
    for (const shown of ['専門医証の照会', '佐藤 花子', '循環器専門医', formatCertificateNo(cert!.serial), '2027年4月1日', '2032年3月31日', 'この専門医証は有効です（認定期間の開始前です）。']) {
      expect(text).toContain(shown);
    }
    for (const hidden of [m.email, m.phone, '09087654321', m.birth_date, '1979年11月23日', m.member_number, m.postal_code, m.address_line1, m.organisation, m.specialist_number!]) {
      expect(res.body).not.toContain(hidden);
    }

    t.clock.set(new Date('2027-04-02T10:00:00+09:00'));
    expect(textOf((await anon.get(`/verify/${codeOf(cert!)}`)).body)).toContain('この専門医証は有効です。');
    t.clock.set(new Date('2027-03-10T10:00:00+09:00'));

    expect((await anon.get(`/verify/${'A'.repeat(22)}`)).statusCode).toBe(404);
    expect((await anon.get('/verify/not-a-code')).statusCode).toBe(404);
  });
});

describe('再発行 and 失効', () => {
  it('reissues with a new number; the old one is superseded and says so when verified; a reason is required', async () => {
    const { applicationId } = await completedRenewal();
    await issue();
    const [old] = await certificatesOf(applicationId);
    await staff.get(`/staff/certificates/${old!.id}`);
    const blank = await staff.post(`/staff/certificates/${old!.id}/reissue`, { reissueReason: '' });
    expect(blank.statusCode).toBe(400);
    expect(textOf(blank.body)).toContain('理由を入力してください。');

    const res = await staff.post(`/staff/certificates/${old!.id}/reissue`, { reissueReason: '氏名の変更' });
    expect(res.statusCode).toBe(303);
    const [before, fresh] = await certificatesOf(applicationId);
    expect(before).toMatchObject({ id: old!.id, status: 'superseded', status_reason: '氏名の変更' });
    expect(fresh).toMatchObject({ status: 'active', replaces_id: old!.id });
    expect(fresh!.serial).toBeGreaterThan(old!.serial);
    expect(res.headers.location).toBe(`/staff/certificates/${fresh!.id}`);

    const anon = new TestClient(t.app);
    expect(textOf((await anon.get(`/verify/${codeOf(before!)}`)).body)).toContain('この専門医証は再発行されたため無効です。');
    expect(textOf((await anon.get(`/verify/${codeOf(fresh!)}`)).body)).toContain('この専門医証は有効です');
    expect(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'certificate.reissued').where('subject_id', '=', formatCertificateNo(fresh!.serial)).execute()).toHaveLength(1);

    // The void certificate cannot be reissued again: 409 with the reason shown.
    await staff.get(`/staff/certificates/${old!.id}`);
    const again = await staff.post(`/staff/certificates/${old!.id}/reissue`, { reissueReason: 'もう一度' });
    expect(again.statusCode).toBe(409);
    expect(textOf(again.body)).toContain('この専門医証はすでに無効です');
  });

  it('revokes as 辞退 with a reason: verifying says it is void because the holder withdrew', async () => {
    const { applicationId } = await completedRenewal();
    await issue();
    const [cert] = await certificatesOf(applicationId);
    await staff.get(`/staff/certificates/${cert!.id}`);
    expect((await staff.post(`/staff/certificates/${cert!.id}/revoke`, { revokeReason: '辞退届' })).statusCode).toBe(400);
    expect((await staff.post(`/staff/certificates/${cert!.id}/revoke`, { kind: 'withdrawn', revokeReason: '辞退届の受理' })).statusCode).toBe(303);
    expect((await certificatesOf(applicationId))[0]).toMatchObject({ status: 'withdrawn', status_reason: '辞退届の受理' });
    expect(textOf((await new TestClient(t.app).get(`/verify/${codeOf(cert!)}`)).body)).toContain('この専門医証は辞退により無効です。');
  });
});

describe('members', () => {
  it('cannot reach the staff pages, and issuing as a member changes nothing', async () => {
    const { m, applicationId } = await completedRenewal();
    const c = await signInMember(t, m.member_number);
    const page = await c.get('/staff/certificates');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toMatch(/^\/staff\/login/);
    await c.get('/');
    const post = await c.post('/staff/certificates/issue', {});
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toMatch(/^\/staff\/login/);
    expect(await certificatesOf(applicationId)).toHaveLength(0);
  });

  it('download their own certificate from home (a PDF with the printed data and the QR code); another\'s or a void one is 404', async () => {
    const mine = await completedRenewal({ family_name: '鈴木', given_name: '一郎' });
    const theirs = await completedRenewal();
    await issue();
    const [cert] = await certificatesOf(mine.applicationId);
    const [other] = await certificatesOf(theirs.applicationId);
    const no = formatCertificateNo(cert!.serial);
    const c = await signInMember(t, mine.m.member_number);
    const home = await c.get('/');
    expect(textOf(home.body)).toContain(`専門医証番号 ${no}`);
    expect(home.body).toContain(`href="/certificates/${no}/pdf"`);

    const res = await c.get(`/certificates/${no}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = readPdf(res.rawPayload);
    expect(pdf.pageCount).toBe(1);
    const text = pdf.pages[0]!;
    for (const printed of ['専門医証', '鈴木 一郎', '循環器専門医', no, '2027年4月1日（令和9年）', '2032年3月31日（令和14年）', '発行日', '2027年3月10日（令和9年）', t.config.societyName.ja]) {
      expect(text).toContain(printed);
    }
    expect(res.rawPayload.toString('latin1')).toContain('/Subtype /Image');

    expect((await c.get(`/certificates/${formatCertificateNo(other!.serial)}/pdf`)).statusCode).toBe(404);
    expect((await c.get('/certificates/SC-999999/pdf')).statusCode).toBe(404);
    expect((await c.get('/certificates/garbage/pdf')).statusCode).toBe(404);
    await t.services.certificates.revoke({ type: 'system', id: null }, cert!.id, 'revoked', 'test');
    expect((await c.get(`/certificates/${no}/pdf`)).statusCode).toBe(404);
  });
});

describe('発送 (mailing)', () => {
  it('puts the valid unmailed certificates in a mailing: Excel-safe CSV, address labels, 発送済み once', async () => {
    const { m, applicationId } = await completedRenewal({ organisation: '=HYPERLINK("http://x")', postal_code: '530-0001', prefecture: '大阪府', address_line1: '大阪市北区梅田1-1', address_line2: '梅田ビル3F' });
    await issue();
    const [cert] = await certificatesOf(applicationId);
    await staff.get('/staff/certificates');
    expect((await staff.post('/staff/certificates/batches', {})).statusCode).toBe(303);
    const batch = await t.db.selectFrom('certificate_batches').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect((await certificatesOf(applicationId))[0]!.batch_id).toBe(batch.id);
    const page = textOf((await staff.get('/staff/certificates')).body);
    expect(page).toContain(`第${batch.id}回発送`);
    // Nothing left to put in another mailing.
    expect((await staff.post('/staff/certificates/batches', {})).statusCode).toBe(409);

    const csv = await staff.get(`/staff/certificates/batches/${batch.id}/mailing.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.startsWith('\uFEFF氏名,郵便番号,住所,勤務先,専門医証番号\r\n')).toBe(true);
    expect(csv.body).toContain(`山田 太郎,530-0001,大阪府大阪市北区梅田1-1 梅田ビル3F,"'=HYPERLINK(""http://x"")",${formatCertificateNo(cert!.serial)}\r\n`);
    expect(csv.body).not.toContain(m.email);

    const labels = await staff.get(`/staff/certificates/batches/${batch.id}/labels.pdf`);
    expect(labels.statusCode).toBe(200);
    const text = readPdf(labels.rawPayload).pages.join('\n');
    expect(text).toContain('〒530-0001');
    expect(text).toContain('山田 太郎 様');

    await staff.get('/staff/certificates');
    expect((await staff.post(`/staff/certificates/batches/${batch.id}/mailed`, {})).statusCode).toBe(303);
    expect((await t.db.selectFrom('certificate_batches').select('mailed_at').where('id', '=', batch.id).executeTakeFirstOrThrow()).mailed_at).not.toBeNull();
    expect(textOf((await staff.get('/staff/certificates')).body)).toContain('発送済み（');
    expect(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'certificate.batch_mailed').where('subject_id', '=', String(batch.id)).execute()).toHaveLength(1);
    expect((await staff.post(`/staff/certificates/batches/${batch.id}/mailed`, {})).statusCode).toBe(409);
  });

  it('fills the label sheets twelve to a page', async () => {
    for (let i = 0; i < 13; i += 1) await completedRenewal();
    await issue();
    await staff.get('/staff/certificates');
    await staff.post('/staff/certificates/batches', {});
    const batch = await t.db.selectFrom('certificate_batches').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const pdf = readPdf((await staff.get(`/staff/certificates/batches/${batch.id}/labels.pdf`)).rawPayload);
    expect(pdf.pageCount).toBe(2);
    expect(pdf.pages[0]!.match(/様/g)).toHaveLength(12);
    expect(pdf.pages[1]!.match(/様/g)).toHaveLength(1);
  });
});

describe('/verify rate limit', () => {
  it('answers 429 after 30 look-ups a minute from one address', async () => {
    const anon = new TestClient(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i += 1) statuses.push((await anon.get(`/verify/${'B'.repeat(22)}`)).statusCode);
    expect(statuses).toContain(429);
    expect(statuses.slice(-1)[0]).toBe(429);
  });
});
