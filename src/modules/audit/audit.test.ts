import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { type TestClient, textOf } from '../../test/client';
import { createMember } from '../../test/factories';
import { signInStaff } from '../../test/sign-in';
import type { Member, StaffUser } from '../../platform/db/schema';

let t: TestApp;
let admin: { c: TestClient; staff: StaffUser };
let clerk: StaffUser;
let hanako: Member;
let jiro: Member;

/** An audit row written as the app writes them, at a chosen moment. */
async function row(values: { action: string; at: string; memberId?: number; actorType?: 'staff' | 'member' | 'system' | 'anonymous'; actorId?: number | null;
  subjectType?: string; subjectId?: string; before?: unknown; after?: unknown; detail?: unknown }) {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  await t.db.insertInto('audit_log').values({
    occurred_at: new Date(values.at), actor_type: values.actorType ?? 'staff', actor_id: values.actorId === undefined ? clerk.id : values.actorId,
    action: values.action, member_id: values.memberId ?? null, subject_type: values.subjectType ?? null, subject_id: values.subjectId ?? null,
    before: json(values.before), after: json(values.after), detail: json(values.detail),
  }).execute();
}

/** The action column of the result table, top to bottom. */
const actions = (html: string) => [...html.matchAll(/<td><code>([^<]*)<\/code><\/td>/g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));

beforeAll(async () => {
  t = await createTestApp();
  admin = await signInStaff(t, { role: 'admin', email: 'kanri@example.jp' });
  clerk = (await signInStaff(t, { role: 'staff', email: 'jimu@example.jp' })).staff;
  hanako = await createMember(t.db, { member_number: '120001', family_name: '佐藤', given_name: '花子' });
  jiro = await createMember(t.db, { member_number: '120002', family_name: '鈴木', given_name: '次郎' });
  await row({ action: 'members.contact_changed', at: '2026-04-01T00:30:00+09:00', memberId: hanako.id, subjectType: 'member', subjectId: String(hanako.id),
    before: { phone: '03-1111-2222' }, after: { phone: '090-3333-4444' } });
  await row({ action: 'billing.invoice_paid', at: '2026-03-31T23:30:00+09:00', memberId: hanako.id, subjectType: 'invoice', subjectId: '77', detail: { method: 'transfer' } });
  await row({ action: 'billing.annual_fees', at: '2026-04-01T00:05:00+09:00', actorType: 'system', actorId: null, detail: { created: 3 } });
  await row({ action: 'credits.approved', at: '2026-04-02T10:00:00+09:00', memberId: jiro.id, actorId: admin.staff.id });
  await row({ action: 'odd%name', at: '2026-04-02T11:00:00+09:00' });
  await row({ action: '=HYPERLINK("http://evil.example")', at: '2026-04-02T12:00:00+09:00', memberId: jiro.id });
});
afterAll(() => t.close());

describe('監査ログ /staff/audit', () => {
  it('shows the whole trail newest first, each change readable (before → after, detail)', async () => {
    const res = await admin.c.get('/staff/audit');
    expect(res.statusCode).toBe(200);
    const seen = actions(res.body);
    // Sign-ins just now come first, then the rows above from newest to oldest.
    expect(seen.slice(-6)).toEqual(['=HYPERLINK("http://evil.example")', 'odd%name', 'credits.approved', 'members.contact_changed', 'billing.annual_fees', 'billing.invoice_paid']);
    expect(seen).toContain('staff.login');
    const text = textOf(res.body);
    expect(text).toContain('phone: 03-1111-2222 → 090-3333-4444');
    expect(text).toContain('method: transfer');
    expect(text).toContain('120001 佐藤 花子');
    expect(text).toContain('職員: 職員');
    expect(text).toContain('<jimu@example.jp>');
    expect(text).toContain('システム');
    expect(res.body).toContain('href="/staff/members/120001"');
  });

  it('filters by member number (full-width digits too)', async () => {
    const res = await admin.c.get(`/staff/audit?member=${encodeURIComponent('１２０００１')}`);
    expect(actions(res.body)).toEqual(['members.contact_changed', 'billing.invoice_paid']);
    expect(actions((await admin.c.get('/staff/audit?member=199999')).body)).toEqual([]);
  });

  it('filters by actor: a staff email or an actor type', async () => {
    expect(actions((await admin.c.get('/staff/audit?actor=KANRI@example.jp')).body).filter((a) => !a.startsWith('staff.'))).toEqual(['credits.approved']);
    expect(actions((await admin.c.get('/staff/audit?actor=system')).body)).toEqual(['billing.annual_fees']);
    expect(actions((await admin.c.get('/staff/audit?actor=nobody@example.jp')).body)).toEqual([]);
  });

  it('filters by action prefix, the prefix\'s % taken literally', async () => {
    expect(actions((await admin.c.get('/staff/audit?action=billing.')).body)).toEqual(['billing.annual_fees', 'billing.invoice_paid']);
    expect(actions((await admin.c.get('/staff/audit?action=odd%25')).body)).toEqual(['odd%name']);
    expect(actions((await admin.c.get('/staff/audit?action=o%25')).body)).toEqual([]);
  });

  it('filters by days in Japan time: 1 April JST begins at 15:00 UTC on 31 March', async () => {
    expect(actions((await admin.c.get('/staff/audit?from=2026-04-01&to=2026%2F4%2F1')).body)).toEqual(['members.contact_changed', 'billing.annual_fees']);
    expect(actions((await admin.c.get('/staff/audit?to=2026-03-31')).body)).toEqual(['billing.invoice_paid']);
  });

  it('a filter it cannot read is an inline error with 400, the input kept', async () => {
    const res = await admin.c.get('/staff/audit?member=12&from=2026-02-30&actor=someone');
    expect(res.statusCode).toBe(400);
    const text = textOf(res.body);
    expect(text).toContain('会員番号は1から始まる6桁の数字で入力してください。');
    expect(text).toContain('日付は 2026-04-01 の形式で入力してください。');
    expect(text).toContain('操作者は職員のメールアドレスか');
    expect(res.body).toContain('value="2026-02-30"');
    expect((await admin.c.get('/staff/audit?from=2026-04-02&to=2026-04-01')).statusCode).toBe(400);
  });

  it('pages with a keyset: 120 rows at the same instant come out 50 + 50 + 20, none twice, none lost', async () => {
    const member = await createMember(t.db, { member_number: '120099' });
    for (let i = 0; i < 120; i += 1) await row({ action: `paging.${String(i).padStart(3, '0')}`, at: '2026-05-01T09:00:00.123456+09:00', memberId: member.id });
    const seen: string[] = [];
    let url: string | undefined = '/staff/audit?member=120099';
    const sizes: number[] = [];
    while (url) {
      const res = await admin.c.get(url);
      const page = actions(res.body);
      sizes.push(page.length);
      seen.push(...page);
      const next = /<a href="(\/staff\/audit\?[^"]*after=[^"]*)">古い記録へ<\/a>/.exec(res.body)?.[1];
      url = next?.replace(/&amp;/g, '&');
    }
    expect(sizes).toEqual([50, 50, 20]);
    expect(new Set(seen).size).toBe(120);
    // Same instant: the newest (highest id) first.
    expect(seen[0]).toBe('paging.119');
    expect(seen[119]).toBe('paging.000');
  });

  it('downloads the filtered trail as Excel-safe CSV with Japanese headers', async () => {
    const res = await admin.c.get('/staff/audit.csv?member=120002');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(String(res.headers['content-disposition'])).toContain("filename*=UTF-8''%E7%9B%A3%E6%9F%BB%E3%83%AD%E3%82%B0.csv");
    expect(res.body.startsWith('\uFEFF日時（日本時間）,操作者の種別,操作者,操作,')).toBe(true);
    const lines = res.body.slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    // The formula-looking action is text, not a formula; times are Japan time.
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(lines[1]!.startsWith('2026-04-02 12:00:00,職員,jimu@example.jp,')).toBe(true);
    expect(lines[2]).toContain('2026-04-02 10:00:00,職員,kanri@example.jp,credits.approved,,,120002,鈴木 次郎');
  });

  it('an auditor reads the trail and its CSV (the 監査ログ tab is theirs too)', async () => {
    const auditor = await signInStaff(t, { role: 'auditor' });
    expect((await auditor.c.get('/staff/audit?action=credits.')).statusCode).toBe(200);
    expect((await auditor.c.get('/staff/audit.csv')).statusCode).toBe(200);
    expect(textOf((await auditor.c.get('/staff')).body)).toContain('監査ログ');
  });
});
