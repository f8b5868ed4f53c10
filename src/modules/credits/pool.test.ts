import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test/app';
import { TestClient, textOf } from '../../test/client';
import { createMember, TEST_PASSWORD } from '../../test/factories';
import { answered, type OneConnectionApp, withOneConnectionApp } from '../../test/pool';
import { seedCreditRules, signInStaff } from '../../test/sign-in';

/** The self-report workflow and its review on an app whose pool holds one connection (see test/pool.ts). */
let t: TestApp;
let one: OneConnectionApp;
let app: FastifyInstance;
const PDF = Buffer.from('%PDF-1.7\n% proof\n1 0 obj<<>>endobj\n%%EOF\n');

withOneConnectionApp('2026-11-23T10:00:00+09:00', (t) => seedCreditRules(t), (...apps) => {
  [t, one] = apps;
  app = one.app;
});

describe('self-reports on a pool of one connection', () => {
  it('saves, uploads, requests approval, is rejected, asks again and is approved without a second connection', async () => {
    const m = await createMember(t.db, { member_number: '170001', cert_period_start: '2022-04-01', cert_period_end: '2027-03-31' });
    const entry = await t.db.selectFrom('credit_catalogue').selectAll().where('code', '=', 'REL-ANNUAL').executeTakeFirstOrThrow();
    const c = new TestClient(app);
    expect((await answered('login', c.submit('/login', '/login', { memberNumber: m.member_number, password: TEST_PASSWORD }))).statusCode).toBe(303);

    await answered('the self-report form', c.get(`/credits/new?catalogue=${entry.id}`));
    const saved = await answered('保存', c.post('/credits/new', { catalogueId: String(entry.id), activityDate: '2025-06-01', detailTitle: '第122回日本内科学会総会・講演会', detailSource: '' }));
    expect(saved.statusCode, textOf(saved.body).slice(0, 300)).toBe(303);
    const no = String(saved.headers.location).replace('/credits/', '');
    await answered('the record page', c.get(`/credits/${no}`));
    expect((await answered('the upload', c.postMultipart(`/credits/${no}/files`, {}, [{ name: 'file', filename: 'badge.pdf', type: 'application/pdf', data: PDF }]))).statusCode).toBe(303);
    await answered('the request page', c.get(`/credits/${no}/request`));
    expect((await answered('承認申請', c.post(`/credits/${no}/request`, { comment: '' }))).statusCode).toBe(303);

    const credit = await t.db.selectFrom('credits').select(['id', 'status']).where('control_no', '=', no).executeTakeFirstOrThrow();
    expect(credit.status).toBe('pending');
    const { c: clerk } = await signInStaff({ ...t, app });
    await answered('the review page', clerk.get(`/staff/credits/${credit.id}`));
    expect((await answered('却下', clerk.post(`/staff/credits/${credit.id}/reject`, { reason: '証明書の日付が読めません。' }))).statusCode).toBe(303);
    await t.mail.waitFor(m.email);

    await answered('the request page again', c.get(`/credits/${no}/request`));
    expect((await answered('承認申請 again', c.post(`/credits/${no}/request`, { comment: '鮮明な画像に差し替えました' }))).statusCode).toBe(303);
    await answered('the review page again', clerk.get(`/staff/credits/${credit.id}`));
    expect((await answered('承認', clerk.post(`/staff/credits/${credit.id}/approve`, {}))).statusCode).toBe(303);
    expect((await t.db.selectFrom('credits').select('status').where('id', '=', credit.id).executeTakeFirstOrThrow()).status).toBe('approved');
  });
});
