import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { billedMember } from '../../test/billing';
import { textOf } from '../../test/client';
import { jobsIdle } from '../../test/jobs-idle';
import { createMember, createStaff } from '../../test/factories';
import { seedCreditRules, signInMember } from '../../test/sign-in';
import { FEE_TYPES } from '../../seed/billing';
import type { Member, ReminderKind } from '../../platform/db/schema';
import { renewalSchema } from '../applications/schemas';

let t: TestApp;
let seq = 164000;
const system = { type: 'system' as const, id: null };
const at = (isoTokyo: string) => new Date(`${isoTokyo}+09:00`);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(at('2026-11-23T10:00:00'));
  await seedCreditRules(t, 2026);
  await t.services.billing.seedFeeTypes(FEE_TYPES);
});
afterAll(() => t.close());

/** A member of the 2026年度 renewal (period ending 2027-03-31) unless told otherwise. */
const member = (overrides: Partial<Member> = {}) => createMember(t.db, { member_number: String(++seq), ...overrides });

/** The outbox rows of one reminder kind for a member (what was queued, whatever SMTP has delivered so far). */
const queued = async (m: Member, kind: ReminderKind) => {
  const subject = { not_started_month: 'reminders.mailNotStartedMonthSubject', not_started_week: 'reminders.mailNotStartedWeekSubject', renewal_fee_due: 'reminders.mailFeeDueSubject',
    numbers_expiring: 'reminders.mailNumbersSubject', self_report_rejected: 'reminders.mailSelfReportSubject' }[kind];
  return t.db.selectFrom('mails').selectAll().where('member_id', '=', m.id).where('template', '=', subject).execute();
};
const sentRows = (m: Member) => t.db.selectFrom('reminders_sent').selectAll().where('member_id', '=', m.id).orderBy('kind').execute();

/** Switches topics off through the profile form, as the member would. */
async function switchOff(m: Member, keep: Record<string, string>) {
  const c = await signInMember(t, m.member_number);
  await c.get('/profile/detail');
  const res = await c.post('/profile/reminders', keep);
  expect(res.statusCode).toBe(303);
  return c;
}

describe('renewal targets who have not started: a month and a week before the application deadline', () => {
  it('each gets one mail per reminder however often the job runs, two runs at once included; opted-out and started members get none', async () => {
    const [notStarted, drafted, optedOut, notTarget] = [await member(), await member(), await member(), await member({ cert_period_end: '2028-03-31' })];
    await t.services.applications.createDraft({ type: 'member', id: drafted.id }, drafted.id, { type: 'renewal', data: renewalSchema.parse({
      baseQualification: 'sogo_naika', baseQualificationNumber: '12345678', baseQualificationYear: '2019', basePeriodStart: '2019-04-01', basePeriodEnd: '2024-03-31', abroad: 'no',
    }) });
    await switchOff(optedOut, { self_report: '1' });

    t.clock.set(at('2026-12-30T08:00:00'));
    expect((await t.services.reminders.runDaily()).not_started_month).toBe(0);

    t.clock.set(at('2027-01-05T08:00:00'));
    const [first, second] = await Promise.all([t.services.reminders.runDaily(), t.services.reminders.runDaily()]);
    expect(first.not_started_month + second.not_started_month).toBe(1);
    await t.services.reminders.runDaily();
    const mail = await t.mail.waitFor(notStarted.email, '締切まで1か月です');
    expect(mail.subject).toContain('2027年1月31日');
    expect(mail.text).toContain('2026年度更新の専門医資格更新申請の締切は 2027年1月31日（令和9年） です');
    expect(mail.text).toContain('http://koushin.test/profile/detail#reminders-h');
    expect(await queued(notStarted, 'not_started_month')).toHaveLength(1);
    const cycle = (await t.services.cycles.all()).find((c) => c.fiscal_year === 2026)!;
    expect((await sentRows(notStarted)).map((r) => [r.kind, r.event_key])).toEqual([['not_started_month', `cycle:${cycle.id}`]]);

    t.clock.set(at('2027-01-24T08:00:00'));
    await t.services.reminders.runDaily();
    await t.services.reminders.runDaily();
    await t.mail.waitFor(notStarted.email, '締切まで1週間です');
    expect(await queued(notStarted, 'not_started_week')).toHaveLength(1);
    expect(await queued(notStarted, 'not_started_month')).toHaveLength(1);

    t.clock.set(at('2027-02-01T08:00:00'));
    await t.services.reminders.runDaily();
    await jobsIdle(t);
    for (const m of [drafted, optedOut, notTarget]) {
      expect(await sentRows(m)).toEqual([]);
      expect(t.mail.count(m.email, '締切まで')).toBe(0);
    }
    expect(t.mail.count(notStarted.email, '締切まで')).toBe(2);
  });
});

describe('an unpaid renewal fee before its due date', () => {
  it('reminds once within the week before the invoice\'s own due date, optional reminders off or not; not the paid one, not one due later, not the 年会費', async () => {
    t.clock.set(at('2027-02-10T10:00:00'));
    const due = await billedMember(t, { memberNumber: String(++seq), dueOn: '2027-02-28' });
    const later = await billedMember(t, { memberNumber: String(++seq), dueOn: '2027-03-15' });
    const paid = await billedMember(t, { memberNumber: String(++seq), dueOn: '2027-02-28' });
    await t.services.billing.markPaid(system, paid.invoice.id, { method: 'transfer', paidOn: '2027-02-12', reference: 'T', reason: 'test' }, 'ja', { notify: false });
    const annual = await billedMember(t, { memberNumber: String(++seq), feeType: 'annual_fee', dueOn: '2027-02-28' });
    // Both optional reminders off: a fee already owed is told all the same.
    await switchOff(due.m, {});
    expect(await t.services.reminders.preferences(due.m.id)).toEqual({ renewal: false, self_report: false });

    t.clock.set(at('2027-02-20T08:00:00'));
    await t.services.reminders.runDaily();
    expect(await queued(due.m, 'renewal_fee_due')).toHaveLength(0);

    t.clock.set(at('2027-02-21T08:00:00'));
    await t.services.reminders.runDaily();
    t.clock.set(at('2027-02-25T08:00:00'));
    await t.services.reminders.runDaily();
    const mail = await t.mail.waitFor(due.m.email, '支払期日が近づいています');
    expect(mail.text).toContain(`専門医更新料 ¥30,000（管理No ${due.no}）の支払期日は 2027年2月28日（令和9年） です`);
    expect(mail.text).toContain(`http://koushin.test/billing/${due.no}`);
    expect(await queued(due.m, 'renewal_fee_due')).toHaveLength(1);
    expect((await sentRows(due.m)).map((r) => r.event_key)).toEqual([`invoice:${due.no}`]);
    for (const other of [later.m, paid.m, annual.m]) expect(await queued(other, 'renewal_fee_due')).toHaveLength(0);
  });
});

describe('konbini / Pay-easy numbers expiring tomorrow', () => {
  it('reminds on the day before the deadline, once, with the numbers', async () => {
    t.clock.set(at('2026-11-23T10:00:00'));
    const { m, no } = await billedMember(t, { memberNumber: String(++seq), dueOn: '2027-01-31' });
    const attempt = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    // The sandbox posts its notification in-process and issueNumbers returns once it is applied: nothing to wait for.
    expect(await t.services.sandbox!.issueNumbers(attempt.gateway_ref!, 'lawson')).toBe(true);
    const row = await t.db.selectFrom('payment_attempts').selectAll().where('id', '=', attempt.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('awaiting_payment');
    expect(row.expires_at!.toISOString()).toBe(at('2026-11-30T23:59:59').toISOString());

    t.clock.set(at('2026-11-28T08:00:00'));
    expect((await t.services.reminders.runDaily()).numbers_expiring).toBe(0);
    t.clock.set(at('2026-11-29T08:00:00'));
    expect((await t.services.reminders.runDaily()).numbers_expiring).toBe(1);
    expect((await t.services.reminders.runDaily()).numbers_expiring).toBe(0);
    const mail = await t.mail.waitFor(m.email, 'お支払い番号の有効期限は明日です');
    expect(mail.text).toContain('2026年11月30日（令和8年） 23:59');
    expect(mail.text).toContain(`受付番号: ${row.instructions!.receiptNumber}`);
    expect(await queued(m, 'numbers_expiring')).toHaveLength(1);
    expect((await sentRows(m)).map((r) => r.event_key)).toEqual([`attempt:${attempt.id}`]);
  });
});

describe('a self-report rejected and not requested again after 7 days', () => {
  async function rejected(m: Member, staffId: number) {
    const actor = { type: 'member' as const, id: m.id };
    const rel = (await t.services.credits.searchCatalogue({ q: 'REL-ANNUAL' }, 1))[0]!;
    const credit = await t.services.credits.createSelfReport(actor, m.id, { catalogueId: rel.id, activityDate: '2025-04-20', detailTitle: '第122回日本内科学会総会・講演会', detailSource: '' });
    await t.services.credits.attachProof(actor, m.id, credit.control_no, { data: PDF, name: '名札.pdf' });
    await t.services.credits.submit(actor, m.id, credit.control_no, '');
    await t.services.credits.decide({ type: 'staff', id: staffId }, credit.id, { approve: false, reason: '名札の画像が読めません' });
    return credit;
  }

  it('reminds once 7 days after the rejection; not a member who switched it off, nor one who asked again', async () => {
    const staff = await createStaff(t.db, t.config.sessionSecret);
    t.clock.set(at('2026-12-01T10:00:00'));
    const [waiting, optedOut, resubmitted] = [await member(), await member(), await member()];
    const credit = await rejected(waiting, staff.id);
    await rejected(optedOut, staff.id);
    const again = await rejected(resubmitted, staff.id);
    await t.services.credits.submit({ type: 'member', id: resubmitted.id }, resubmitted.id, again.control_no, '');
    await switchOff(optedOut, { renewal: '1' });

    t.clock.set(at('2026-12-07T08:00:00'));
    expect((await t.services.reminders.runDaily()).self_report_rejected).toBe(0);
    t.clock.set(at('2026-12-08T08:00:00'));
    expect((await t.services.reminders.runDaily()).self_report_rejected).toBe(1);
    t.clock.set(at('2026-12-09T08:00:00'));
    expect((await t.services.reminders.runDaily()).self_report_rejected).toBe(0);
    const mail = await t.mail.waitFor(waiting.email, '却下された自己申告単位の再申請のお願い');
    expect(mail.text).toContain(`自己申告単位（管理No ${credit.control_no}）は 2026年12月1日（令和8年） に却下され`);
    expect(mail.text).toContain('却下の理由: 名札の画像が読めません');
    expect(await queued(waiting, 'self_report_rejected')).toHaveLength(1);
    for (const m of [optedOut, resubmitted]) expect(await queued(m, 'self_report_rejected')).toHaveLength(0);
  });
});

describe('お知らせメールの設定 on 会員情報照会', () => {
  it('shows both optional reminders on, saves a change with a flash and an audit row, and refuses a forged or odd request', async () => {
    const m = await member();
    const c = await signInMember(t, m.member_number);
    const page = await c.get('/profile/detail');
    const text = textOf(page.body);
    expect(text).toContain('お知らせメールの設定');
    expect(text).toContain('設定にかかわらずお送りします');
    expect(page.body).toMatch(/<input type="checkbox" name="renewal" value="1" checked/);
    expect(page.body).toMatch(/<input type="checkbox" name="self_report" value="1" checked/);
    expect(page.body).toContain('href="/profile/deadlines.ics"');

    expect((await c.post('/profile/reminders', { self_report: '1' }, { csrf: false })).statusCode).toBe(403);
    await c.get('/profile/detail');
    expect((await c.post('/profile/reminders', { renewal: 'yes' })).statusCode).toBe(400);
    expect(await t.services.reminders.preferences(m.id)).toEqual({ renewal: true, self_report: true });

    await c.get('/profile/detail');
    const saved = await c.post('/profile/reminders', { self_report: '1' });
    expect(saved.headers.location).toBe('/profile/detail#reminders-h');
    const after = await c.get('/profile/detail');
    expect(textOf(after.body)).toContain('お知らせメールの設定を保存しました。');
    expect(after.body).toMatch(/<input type="checkbox" name="renewal" value="1"\s*\/?>/);
    expect(await t.services.reminders.preferences(m.id)).toEqual({ renewal: false, self_report: true });
    const audits = await t.db.selectFrom('audit_log').selectAll().where('member_id', '=', m.id).where('action', '=', 'member.reminders_changed').execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_type: 'member', actor_id: m.id });
    expect(JSON.stringify(audits[0]!.after)).toContain('renewal');

    await c.get('/profile/detail');
    await c.post('/profile/reminders', { renewal: '1', self_report: '1' });
    expect(await t.services.reminders.preferences(m.id)).toEqual({ renewal: true, self_report: true });
  });

  it('is only for a signed-in member', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/profile/deadlines.ics' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/login');
  });
});

describe('deadlines as iCalendar', () => {
  it('lists the application deadline, the open fees and the numbers deadline of this member only, as valid iCalendar', async () => {
    t.clock.set(at('2026-11-23T10:00:00'));
    const { m, no, c } = await billedMember(t, { memberNumber: String(++seq), dueOn: '2027-02-28' });
    await t.services.billing.createAnnualFees(2026, [m.id]);
    const annual = (await t.services.billing.listForMember(m.id)).find((v) => v.invoice.fee_type === 'annual_fee')!.invoice;
    const someoneElse = await billedMember(t, { memberNumber: String(++seq), dueOn: '2027-02-28' });
    const attempt = await t.services.payments.start({ type: 'member', id: m.id }, m.id, no, 'konbini');
    expect(await t.services.sandbox!.issueNumbers(attempt.gateway_ref!, 'lawson')).toBe(true);
    expect((await t.db.selectFrom('payment_attempts').select('status').where('id', '=', attempt.id).executeTakeFirstOrThrow()).status).toBe('awaiting_payment');

    const res = await c.get('/profile/deadlines.ics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('attachment');
    const body = res.body;
    expect(body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(body.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(body.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of body.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const unfolded = body.replace(/\r\n /g, '');
    const events = unfolded.split('BEGIN:VEVENT').slice(1);
    expect(events).toHaveLength(4);
    const cycle = (await t.services.cycles.all()).find((x) => x.fiscal_year === 2026)!;
    expect(unfolded).toContain(`UID:application-deadline-${cycle.id}-${m.id}@koushin.test\r\nDTSTAMP:20261123T010000Z\r\nDTSTART;VALUE=DATE:20270131\r\nDTEND;VALUE=DATE:20270201\r\nSUMMARY:専門医資格更新申請の締切（2026年度更新）`);
    expect(unfolded).toContain(`UID:invoice-${no}@koushin.test`);
    expect(unfolded).toContain(`SUMMARY:専門医更新料の支払期日（管理No ${no}）`);
    expect(unfolded).toContain(`UID:invoice-${annual.control_no}@koushin.test`);
    expect(unfolded).toContain(`DTSTART;VALUE=DATE:${annual.due_on.replace(/-/g, '')}`);
    expect(unfolded).toContain(`UID:payment-${attempt.id}@koushin.test\r\nDTSTAMP:20261123T010000Z\r\nDTSTART;TZID=Asia/Tokyo:20261130T235959`);
    expect(unfolded).toContain('BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo');
    expect(unfolded).not.toContain(someoneElse.no);

    // The same events keep their UIDs in a later download (a calendar updates them instead of adding copies).
    t.clock.advance(60_000);
    const again = (await c.get('/profile/deadlines.ics')).body.replace(/\r\n /g, '');
    expect(again.match(/^UID:.*$/gm)).toEqual(unfolded.match(/^UID:.*$/gm));

    // A paid fee leaves the calendar.
    await t.services.billing.markPaid(system, annual.id, { method: 'transfer', paidOn: '2026-11-23', reference: 'T', reason: 'test' }, 'ja', { notify: false });
    const paidOff = (await c.get('/profile/deadlines.ics')).body;
    expect(paidOff).not.toContain(`invoice-${annual.control_no}`);
  });
});
