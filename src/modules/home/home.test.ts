import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { TestClient, textOf } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function homeOf(number: string, periodEnd: string | null, now: string) {
  t.clock.set(new Date(now));
  await createMember(t.db, { member_number: number, cert_period_start: periodEnd ? `${Number(periodEnd.slice(0, 4)) - 5}-04-01` : null, cert_period_end: periodEnd });
  const c = new TestClient(t.app);
  await c.submit('/login', '/login', { memberNumber: number, password: TEST_PASSWORD });
  return textOf((await c.get('/')).body);
}

describe('ホーム', () => {
  it('computes the renewal-target banner from the period end and the fiscal year in Tokyo', async () => {
    expect(await homeOf('100401', '2027-03-31', '2026-11-23T10:00:00+09:00')).toContain('<<2026年度認定更新対象専門医各位>>');
    expect(await homeOf('100402', '2028-03-31', '2026-11-23T10:00:00+09:00')).not.toContain('認定更新対象専門医各位');
    // 1 April 00:30 in Tokyo is still 31 March in UTC: the new fiscal year has begun.
    expect(await homeOf('100403', '2028-03-31', '2027-04-01T00:30:00+09:00')).toContain('<<2027年度認定更新対象専門医各位>>');
    expect(await homeOf('100404', null, '2026-11-23T10:00:00+09:00')).not.toContain('認定更新対象専門医各位');
  });

  it('tells a specialist not due this year the current period and the fiscal year of the next renewal', async () => {
    const later = await homeOf('100406', '2029-03-31', '2026-11-23T10:00:00+09:00');
    expect(later).toContain('あなたの認定状況');
    expect(later).toContain('現在の認定期間: 2024年4月1日（令和6年）〜2029年3月31日（令和11年）');
    expect(later).toContain('次回の認定更新は2028年度です。');
    expect(await homeOf('100407', '2026-03-31', '2026-11-23T10:00:00+09:00')).toContain('認定期間は終了しています（2025年度の更新対象でした）。');
    // A renewal target sees the banner and the steps instead; a member without a period sees neither.
    expect(await homeOf('100408', '2027-03-31', '2026-11-23T10:00:00+09:00')).not.toContain('あなたの認定状況');
    expect(await homeOf('100409', null, '2026-11-23T10:00:00+09:00')).not.toContain('あなたの認定状況');
  });

  it('shows the guide, FAQ, external links and the QR button, and the guide is readable without login', async () => {
    const text = await homeOf('100405', '2027-03-31', '2026-11-23T10:00:00+09:00');
    for (const s of ['申請の手引き', 'よくあるご質問（認定更新Q&A）', '外部サイトへのLINK', '学術集会の会員確認で利用するQRコード']) expect(text).toContain(s);
    const guide = await new TestClient(t.app).get('/guide');
    expect(guide.statusCode).toBe(200);
    expect(textOf(guide.body)).toContain('専門医資格申請情報');
    const faq = await new TestClient(t.app).get('/faq');
    expect(textOf(faq.body)).toContain('領収書');
  });
});

describe('学術集会の会員確認で利用するQRコード', () => {
  it('is issued on a click, signed, verifiable with the public key and audited', async () => {
    t.clock.set(new Date());
    const member = await createMember(t.db, { member_number: '100410' });
    const c = new TestClient(t.app);
    await c.submit('/login', '/login', { memberNumber: '100410', password: TEST_PASSWORD });
    await c.get('/');
    const res = await c.post('/checkin-qr', {});
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<img src="data:image\/png;base64,[^"]+"[^>]*alt="会員番号 100410 の会員確認用QRコード"/);
    const code = res.body.match(/data-testid="qr-code-text">([^<]+)</)![1]!;
    expect(await t.services.checkin.verify(code)).toMatchObject({ status: 'valid', payload: { m: '100410' } });

    const pem = await c.get('/checkin/public-key.pem');
    expect(pem.body).toContain('BEGIN PUBLIC KEY');
    const crypto = await import('node:crypto');
    const [prefix, body, sig] = code.split('.');
    expect(crypto.verify(null, Buffer.from(`${prefix}.${body}`), pem.body, Buffer.from(sig!, 'base64url'))).toBe(true);

    const audit = await t.db.selectFrom('audit_log').select('action').where('member_id', '=', member.id).where('action', '=', 'checkin.qr_issued').execute();
    expect(audit).toHaveLength(1);
  });

  it('refuses tampered, foreign and expired codes', async () => {
    const member = await createMember(t.db, { member_number: '100411' });
    const issued = await t.services.checkin.issue({ type: 'system', id: null }, member);
    const [prefix, body, sig] = issued.code.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), m: '100999' })).toString('base64url');
    expect((await t.services.checkin.verify(`${prefix}.${forged}.${sig}`)).status).toBe('invalid');
    expect((await t.services.checkin.verify('KSN1.e30.AAAA')).status).toBe('invalid');
    expect((await t.services.checkin.verify('garbage')).status).toBe('invalid');
    t.clock.advance(73 * 3_600_000);
    expect((await t.services.checkin.verify(issued.code)).status).toBe('expired');
  });
});
