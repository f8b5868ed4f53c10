import type { Services } from '../app';
import { fiscalYearOf, tokyoDate } from '../platform/japanese';
import type { RenewalInput } from '../modules/applications/schemas';

/**
 * The renewal demo (README lists who is who), this fiscal year's cycle, among 100001–100010 and 100030:
 * 100001 pending self-report · 100002 unpaid annual fees and no credits · 100005 short of credits ·
 * 100006 ready to submit · 100007 abroad (credits waived) · 100008 submitted, renewal fee unpaid ·
 * 100009 renewed (fee paid) · 100029 ready, no application (the secretariat enters its paper form) · 100030 ready to withdraw. Billing of 100002–100004 is left as seedBilling made it.
 * Idempotent: does nothing once 100006 has an application.
 */
export async function seedRenewals(services: Services, now = new Date()): Promise<void> {
  const fy = fiscalYearOf(now);
  const byNumber = async (n: string) => services.members.findByNumber(n);
  const ready = await byNumber('100006');
  if (!ready) return;
  const existing = await services.applications.listForMember(ready.id);
  if (existing.length > 0) return;
  const system = { type: 'system' as const, id: null };

  // One annual meeting a year, the four of the current period (15 credits each).
  const meetings = [fy - 3, fy - 2, fy - 1, fy].map((y) => ({ code: `JCS${90 + y - 2026}`, date: `${y}-03-14` }));
  const earn = async (memberId: number, count: number) => {
    for (const m of meetings.slice(0, count)) await services.credits.recordEarned(system, { memberId, code: m.code, activityDate: m.date, source: 'attendance' }).catch(() => undefined);
  };
  const form = (over: Partial<RenewalInput> = {}): RenewalInput => ({
    baseQualification: 'sogo_naika', baseQualificationNumber: '20191234', baseQualificationYear: fy - 7, basePeriodStart: `${fy - 7}-04-01`, basePeriodEnd: `${fy - 2}-03-31`,
    abroad: 'no', ...over,
  });
  const draft = async (number: string, over: Partial<RenewalInput> = {}) => {
    const m = await byNumber(number);
    if (!m) return undefined;
    const actor = { type: 'member' as const, id: m.id };
    const application = await services.applications.createDraft(actor, m.id, { type: 'renewal', data: form(over) }).catch(() => undefined);
    return application && { m, actor, application };
  };

  await draft('100001');
  const short = await byNumber('100005');
  if (short) await earn(short.id, 1);
  await draft('100005');
  await earn(ready.id, 4);
  await draft('100006');
  const paper = await byNumber('100029');
  if (paper) await earn(paper.id, 4);
  await draft('100007', { abroad: 'yes', abroadDepartedOn: `${fy - 1}-09-01`, abroadStatus: 'ongoing' });

  for (const number of ['100008', '100009']) {
    const m = await byNumber(number);
    if (!m) continue;
    await earn(m.id, 4);
    const d = await draft(number, { baseQualification: number === '100008' ? 'geka' : 'naika_shinseido' });
    if (!d) continue;
    const result = await services.applications.submit(d.actor, m.id, d.application.application_no, 'ja').catch(() => undefined);
    if (number !== '100009' || result?.outcome !== 'submitted') continue;
    const invoice = (await services.billing.listForMember(m.id)).find((v) => v.invoice.business_key === `renewal_fee:application:${d.application.id}`)!.invoice;
    await services.billing.markPaid(system, invoice.id, { method: 'card', paidOn: tokyoDate(now), reference: 'DEMO-RENEWAL', reason: 'デモデータ' }, 'ja', { notify: false });
    // The settlement job does this too after commit; the listener is idempotent, so the demo need not wait for it.
    await services.applications.onInvoiceSettled({
      invoiceId: invoice.id, controlNo: invoice.control_no, memberId: m.id, feeType: invoice.fee_type, businessKey: invoice.business_key,
      fiscalYear: invoice.fiscal_year, amount: invoice.amount, paidOn: tokyoDate(now), method: 'card',
    });
  }
}
