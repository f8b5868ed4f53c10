import type { Services } from '../app';
import type { FeeType } from '../platform/db/schema';
import { fiscalYearOf, tokyoDate } from '../platform/japanese';

/** 料金区分 as settings: amounts, methods the portal offers, tax category for receipts, annual due date. */
export const FEE_TYPES: FeeType[] = [
  { code: 'annual_fee', name_ja: '年会費', name_en: 'Annual fee', amount: 15_000, methods: ['payeasy', 'slip'], tax_category: 'non_taxable', due_month_day: '05-31' },
  { code: 'renewal_fee', name_ja: '専門医更新料', name_en: 'Renewal fee', amount: 30_000, methods: ['card', 'konbini', 'payeasy', 'slip'], tax_category: 'taxable_10', due_month_day: null },
];

/**
 * The demo 専門医更新料 is due at the end of January after the current 年度's autumn (i.e. 1月31日 of
 * fiscal year + 1). Issue 6 will take the due date from the renewal cycle instead.
 */
export const DEMO_RENEWAL_DUE_MONTH_DAY = '01-31';
/** Members with an unpaid demo 専門医更新料 (business key `renewal_fee:demo:<member number>`), for trying online payment. */
export const DEMO_RENEWAL_FEE_MEMBERS = ['100021', '100022', '100023'];

/**
 * 年会費 for the demo society over the last five fiscal years: most paid, a few members with unpaid
 * years (100002 two, 100003 this year's), one on 口座振替 (100004). Idempotent.
 */
export async function seedBilling(services: Services, now = new Date()): Promise<void> {
  await services.billing.seedFeeTypes(FEE_TYPES);
  const fy = fiscalYearOf(now);
  const numbers = Array.from({ length: 30 }, (_, i) => String(100001 + i));
  const members = (await services.members.byNumbers(numbers)).sort((a, b) => (a.member_number < b.member_number ? -1 : 1));
  if (members.length === 0) return;
  const debit = members.find((m) => m.member_number === '100004');
  if (debit) await services.billing.setAnnualFeeMethod(debit.id, 'direct_debit');
  // 100026: a renewal target the renewal browser test is refused for (src/seed/renewal.ts).
  const unpaid = new Set([`100002:${fy}`, `100002:${fy - 1}`, `100003:${fy}`, `100004:${fy}`, `100026:${fy}`, `100026:${fy - 1}`]);
  const system = { type: 'system' as const, id: null };
  for (let year = fy - 4; year <= fy; year++) {
    const created = await services.billing.createAnnualFees(year, members.map((m) => m.id));
    if (created === 0) continue;
    for (const m of members) {
      if (unpaid.has(`${m.member_number}:${year}`)) continue;
      const invoice = (await services.billing.listForMember(m.id)).find((v) => v.invoice.fiscal_year === year && v.invoice.status === 'unpaid');
      const paidOn = year === fy ? tokyoDate(now) : `${year}-05-20`;
      if (invoice) await services.billing.markPaid(system, invoice.invoice.id, { method: 'slip', paidOn, reference: `DEMO-${year}`, reason: 'デモデータ' }, 'ja', { notify: false });
    }
  }
  // 専門医更新料 to pay online (card / konbini / Pay-easy) or by slip. The business key makes this idempotent.
  for (const m of members.filter((x) => DEMO_RENEWAL_FEE_MEMBERS.includes(x.member_number))) {
    await services.billing.createInvoice(system, { memberId: m.id, feeType: 'renewal_fee', businessKey: `renewal_fee:demo:${m.member_number}`, dueOn: `${fy + 1}-${DEMO_RENEWAL_DUE_MONTH_DAY}` });
  }
}
