import http from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { type TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { makeRenewalReady, seedCreditRules, signInMember, signInStaff } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { Member } from '../../platform/db/schema';

let t: TestApp;
let staff: TestClient;
let seq = 180000;
const system = { type: 'system' as const, id: null };
const NOW = new Date('2026-11-23T10:00:00+09:00');
const DAY = 86_400_000;
const renewalForm = { baseQualification: 'sogo_naika' as const, baseQualificationNumber: '12345678', baseQualificationYear: 2019, basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31', abroad: 'no' as const };

/** Members in each state of the 2026 cycle (period ending 2027-03-31), and one who is not due. */
const who: Record<'notStarted' | 'draft' | 'submitted' | 'completed' | 'withdrawn' | 'notDue', Member> = {} as never;
const numbers: Record<string, string> = {};

async function target(fields: Partial<Member> = {}, ready = false): Promise<Member> {
  const m = await createMember(t.db, { member_number: String(++seq), ...fields });
  if (ready) {
    await makeRenewalReady(t, m.id);
  }
  return m;
}

const actorOf = (m: Member) => ({ type: 'member' as const, id: m.id });

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  await seedCreditRules(t, 2026);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
  staff = (await signInStaff(t)).c;

  who.notStarted = await target({ family_name: '=SUM(A1)', organisation: '+81病院', address_line2: '-1号', phone: '@03' });
  who.draft = await target();
  numbers.draft = (await t.services.applications.createDraft(actorOf(who.draft), who.draft.id, { type: 'renewal', data: renewalForm })).application_no;
  who.submitted = await target({}, true);
  const s = await t.services.applications.createDraft(actorOf(who.submitted), who.submitted.id, { type: 'renewal', data: renewalForm });
  expect((await t.services.applications.submit(actorOf(who.submitted), who.submitted.id, s.application_no, 'ja')).outcome).toBe('submitted');
  numbers.submitted = s.application_no;
  who.completed = await target({}, true);
  const c = await t.services.applications.createDraft(actorOf(who.completed), who.completed.id, { type: 'renewal', data: renewalForm });
  expect((await t.services.applications.submit(actorOf(who.completed), who.completed.id, c.application_no, 'ja')).outcome).toBe('submitted');
  numbers.completed = c.application_no;
  const fee = (await t.services.billing.listForMember(who.completed.id)).find((v) => v.invoice.fee_type === 'renewal_fee')!;
  await t.services.billing.markPaid(system, fee.invoice.id, { method: 'card', paidOn: '2026-11-20', reference: 'R', reason: 'test' }, 'ja', { notify: false });
  // The paid fee completes the application in the invoice-settled job.
  // (vi.waitFor, not expect.poll, which works only inside a test: it retries the assertion and fails with its last answer.)
  await vi.waitFor(async () => expect((await t.db.selectFrom('applications').select('status').where('application_no', '=', c.application_no).executeTakeFirstOrThrow()).status).toBe('completed'), { timeout: 15_000 });
  who.withdrawn = await target();
  const w = await t.services.applications.createDraft(actorOf(who.withdrawn), who.withdrawn.id, { type: 'withdrawal', data: { withdrawalReason: 'retirement', withdrawalReasonOther: '' } as never });
  await t.services.applications.withdraw(actorOf(who.withdrawn), who.withdrawn.id, w.application_no, 'ja');
  numbers.withdrawn = w.application_no;
  who.notDue = await createMember(t.db, { member_number: String(++seq), cert_period_start: '2025-04-01', cert_period_end: '2030-03-31' });

  // Self-reports waiting 2, 9 and 20 days; an online payment; an overpayment.
  const entry = await t.db.selectFrom('credit_catalogue').select('id').where('self_reportable', '=', true).executeTakeFirstOrThrow();
  for (const days of [2, 9, 20]) {
    await t.db.insertInto('credits').values({
      member_id: who.draft.id, catalogue_id: entry.id, source: 'self_report', status: 'pending', credits: 1, activity_date: '2026-06-01', submitted_at: new Date(NOW.getTime() - days * DAY),
      created_at: NOW, updated_at: NOW,
    }).execute();
  }
  const unpaid = (await t.services.billing.listForMember(who.submitted.id)).find((v) => v.invoice.fee_type === 'renewal_fee')!;
  await t.db.insertInto('payment_attempts').values({
    invoice_id: unpaid.invoice.id, method: 'konbini', status: 'expired', gateway: 'sandbox', idempotency_key: 'k1', amount: 30_000, hold_until: NOW, created_at: new Date(NOW.getTime() - DAY), updated_at: NOW,
  }).execute();
  await t.services.overpayments.record(t.db, system, { invoiceId: fee.invoice.id, memberId: who.completed.id, source: 'import', sourceRef: 'X1', amount: 30_000, receivedOn: '2026-11-21', method: 'transfer', reference: 'REF' });
}, 60_000);
afterAll(() => t.close());

const decode = (s: string) => s.replace(/&amp;/g, '&');
/** The dashboard's figures: label (from the link's name) → { href, text }. */
function figures(html: string): Map<string, { href: string; text: string }> {
  const found = new Map<string, { href: string; text: string }>();
  for (const m of html.matchAll(/<a class="big-number" href="([^"]+)"(?: aria-label="([^":]+):[^"]*")?>([^<]+)<\/a>/g)) found.set(m[2] ?? decode(m[1]!), { href: decode(m[1]!), text: m[3]! });
  return found;
}
const csvLines = (body: string) => body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);

describe('ダッシュボード', () => {
  it('counts the cycle’s members in each state, and each number links to the list it totals', async () => {
    const res = await staff.get('/staff/dashboard');
    expect(res.statusCode).toBe(200);
    const f = figures(res.body);
    expect(f.get('更新対象者')).toEqual({ href: '/staff/applications/list?cycle=2026&status=targets', text: '5人' });
    expect(f.get('未着手')).toEqual({ href: '/staff/applications/list?cycle=2026&status=not_started', text: '1人' });
    expect(f.get('下書き')).toEqual({ href: '/staff/applications/list?cycle=2026&status=draft&type=renewal', text: '1件' });
    expect(f.get('更新申請完了（入金待ち）')).toEqual({ href: '/staff/applications/list?cycle=2026&status=submitted&type=renewal', text: '1件' });
    expect(f.get('更新料 入金済')).toEqual({ href: '/staff/billing?fee=renewal_fee&year=2026&status=paid', text: '1件' });
    expect(f.get('更新料 未納')).toEqual({ href: '/staff/billing?fee=renewal_fee&year=2026&status=unpaid', text: '1件' });
    expect(f.get('更新完了')).toEqual({ href: '/staff/applications/list?cycle=2026&status=completed&type=renewal', text: '1件' });
    expect(f.get('辞退')).toEqual({ href: '/staff/applications/list?cycle=2026&status=withdrawn&type=withdrawal', text: '1件' });
    expect(f.get('審査待ち')).toEqual({ href: '/staff/credits', text: '3件' });
    expect(f.get('7日以上待っている')).toEqual({ href: '/staff/credits?age=7', text: '2件' });
    expect(f.get('14日以上（目標超過）')).toEqual({ href: '/staff/credits?age=14', text: '1件' });
    expect(f.get('/staff/billing/overpayments')?.text).toBe('1件、計¥30,000');
    const text = textOf(res.body);
    expect(text).toContain('最も古い申請は20日前です。');
    // The funnel's table (its text alternative): targets 5 → started 3 → submitted 2 → paid 1 → completed 1.
    expect(text).toMatch(/更新対象者 5 100\.0% 申請開始 3 60\.0% 申請完了 2 40\.0% 更新料入金済 1 20\.0% 更新完了 1 20\.0%/);
    expect(text).toContain('このほか辞退 1件');
    expect(res.body).toContain('role="img" aria-label="更新対象者から更新完了までの人数');
    expect(text).toContain('過去30日の合計: 申請完了 2件、更新完了 1件。');
    expect(res.body).toContain(`href="/staff/payments?method=konbini&amp;status=expired&amp;since=2026-04-01">1</a>`);
  });

  it('the lists behind the numbers show exactly those members', async () => {
    const list = async (q: string) => textOf((await staff.get(`/staff/applications/list?${q}`)).body);
    const notStarted = await list('cycle=2026&status=not_started');
    expect(notStarted).toContain(who.notStarted.member_number);
    for (const k of ['draft', 'submitted', 'completed', 'withdrawn', 'notDue'] as const) expect(notStarted).not.toContain(who[k].member_number);
    const targets = await list('cycle=2026&status=targets');
    for (const k of ['notStarted', 'draft', 'submitted', 'completed', 'withdrawn'] as const) expect(targets).toContain(who[k].member_number);
    expect(targets).not.toContain(who.notDue.member_number);
    for (const k of ['draft', 'submitted', 'completed'] as const) {
      const page = await list(`cycle=2026&status=${k}&type=renewal`);
      expect(page).toContain(numbers[k]);
      expect(page.match(/SN-\d+/g)).toHaveLength(1);
    }
    expect(await list('cycle=2026&status=withdrawn&type=withdrawal')).toContain(numbers.withdrawn);
    const paid = textOf((await staff.get('/staff/billing?fee=renewal_fee&year=2026&status=paid')).body);
    expect(paid).toContain(who.completed.member_number);
    const payments = textOf((await staff.get('/staff/payments?method=konbini&status=expired&since=2026-04-01')).body);
    expect(payments).toContain(who.submitted.member_number);
    expect(textOf((await staff.get('/staff/payments?method=card')).body)).toContain('該当する決済はありません。');
  });

  it('is first in the staff navigation, beside データ出力', async () => {
    const html = (await staff.get('/staff/dashboard')).body;
    const nav = html.slice(html.indexOf('<nav class="tabs"'), html.indexOf('</nav>', html.indexOf('<nav class="tabs"')));
    const tabs = [...nav.matchAll(/<a href="([^"]+)"( aria-current="page")?>([^<]+)<\/a>/g)].map((m) => ({ href: m[1], current: !!m[2], label: m[3] }));
    expect(tabs[0]).toEqual({ href: '/staff/dashboard', current: true, label: 'ダッシュボード' });
    expect(tabs.map((tab) => tab.label)).toContain('データ出力');
  });
});

describe('データ出力', () => {
  it('members: BOM, CRLF, Japanese headers, a dated file name, formula-looking cells written as text', async () => {
    const res = await staff.get('/staff/exports/members.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('会員一覧_20261123.csv'));
    expect(res.body.startsWith('\uFEFF会員番号,氏名,フリガナ,メールアドレス,電話番号,郵便番号,住所,勤務先,認定期間（開始）,認定期間（終了）\r\n')).toBe(true);
    expect(res.body.replace(/\r\n/g, '')).not.toContain('\n');
    const row = csvLines(res.body).find((l) => l.startsWith(who.notStarted.member_number))!;
    expect(row).toContain(`'=SUM(A1) 太郎`);
    expect(row).toContain(`'@03`);
    expect(row).toContain(`'+81病院`);
    expect(row).toContain('東京都千代田区千代田1-1 -1号');
    expect(row).toContain('2022-04-01,2027-03-31');
    const targets = await staff.get('/staff/exports/members.csv?scope=targets');
    expect(csvLines(targets.body)).toHaveLength(1 + 5);
    expect(targets.body).not.toContain(who.notDue.member_number);
  });

  it('applications, credits, invoices and payments apply their filters', async () => {
    const drafts = csvLines((await staff.get('/staff/exports/applications.csv?cycle=2026&status=draft&type=renewal')).body);
    expect(drafts[0]).toBe('会員番号,氏名,申請番号,申請区分,状態,作成日時,申請日時,更新完了日時,辞退日時,新しい認定期間（開始）,新しい認定期間（終了）');
    expect(drafts.slice(1)).toEqual([expect.stringContaining(`${numbers.draft},更新申請,下書き`)]);
    const completed = csvLines((await staff.get('/staff/exports/applications.csv?cycle=2026&status=completed')).body);
    expect(completed[1]).toContain('2027-04-01,2032-03-31');
    expect(csvLines((await staff.get('/staff/exports/applications.csv?cycle=2026&status=not_started')).body).slice(1)).toEqual([expect.stringContaining(`${who.notStarted.member_number},'=SUM(A1) 太郎,,,未着手`)]);

    const pending = csvLines((await staff.get('/staff/exports/credits.csv?status=pending')).body);
    expect(pending[0]).toBe('管理No,会員番号,氏名,単位コード,名称,研修単位区分,単位数,活動日,取得方法,状態,内容,申請日時,決定日時');
    expect(pending).toHaveLength(1 + 3);
    expect(pending.slice(1).every((l) => l.includes(',自己申告,申請中,'))).toBe(true);
    expect(csvLines((await staff.get('/staff/exports/credits.csv?from=2026-03-01&to=2026-03-31')).body)).toHaveLength(1 + 2);
    const bad = await staff.get('/staff/exports/credits.csv?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('条件を読み取れません');

    const paid = csvLines((await staff.get('/staff/exports/invoices.csv?fee=renewal_fee&year=2026&status=paid')).body);
    expect(paid).toHaveLength(2);
    expect(paid[1]).toContain(who.completed.member_number);
    expect((await staff.get('/staff/exports/invoices.csv?year=abc')).statusCode).toBe(400);

    const konbini = csvLines((await staff.get('/staff/exports/payments.csv?method=konbini&status=expired&since=２０２６－１１－０１')).body);
    expect(konbini[0]).toBe('決済ID,管理No,会員番号,氏名,決済方法,状態,金額,決済代行,参照番号,開始日時,確定日時');
    expect(konbini.slice(1)).toEqual([expect.stringContaining(`${who.submitted.member_number},山田 太郎,コンビニ,期限切れ,30000,sandbox`)]);
    expect(csvLines((await staff.get('/staff/exports/payments.csv?method=card')).body)).toHaveLength(1);
  });

  it('the export page has a form per list, and members get neither the pages nor the files', async () => {
    const page = await staff.get('/staff/exports');
    expect(page.statusCode).toBe(200);
    for (const kind of ['会員', '専門医資格申請', '単位', '請求', 'オンライン決済']) expect(textOf(page.body)).toContain(`${kind}のCSVを出力`);
    const member = await signInMember(t, who.draft.member_number);
    for (const url of ['/staff/dashboard', '/staff/exports', '/staff/exports/members.csv', '/staff/exports/payments.csv', '/staff/applications/list', '/staff/payments']) {
      const res = await member.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toMatch(/^\/staff\/login/);
      expect(res.body).not.toContain(who.notStarted.email);
    }
  });

  it('streams a large export in chunks, every member once', async () => {
    await sql`INSERT INTO members (member_number, family_name, given_name, family_name_kana, given_name_kana, birth_date, email, phone, postal_code, prefecture, address_line1, search_text, created_at, updated_at)
      SELECT (120000 + g)::text, '大量', '会員' || g, 'タイリョウ', 'カイイン', '1980-01-01', 'bulk' || g || '@example.jp', '03-0000-0000', '100-0001', '東京都', '千代田区', 'bulk' || g, now(), now()
      FROM generate_series(1, 5000) g`.execute(t.db);
    const total = Number((await t.db.selectFrom('members').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as { port: number };
    const cookie = ['kstaff', '_csrf_secret'].map((k) => `${k}=${staff.cookie(k)}`).join('; ');
    const { headers, chunks, body } = await new Promise<{ headers: http.IncomingHttpHeaders; chunks: number; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/staff/exports/members.csv', headers: { cookie } }, (res) => {
        let n = 0;
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => { n += 1; parts.push(c); });
        res.on('end', () => resolve({ headers: res.headers, chunks: n, body: Buffer.concat(parts).toString('utf8') }));
      }).on('error', reject);
    });
    expect(headers['transfer-encoding']).toBe('chunked');
    expect(headers['content-length']).toBeUndefined();
    expect(chunks).toBeGreaterThan(1);
    const lines = csvLines(body);
    expect(lines).toHaveLength(1 + total);
    expect(new Set(lines.map((l) => l.split(',')[0])).size).toBe(1 + total);
  }, 60_000);
});
