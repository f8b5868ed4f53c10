import type { Services } from '../app';
import type { Db } from '../platform/db/database';
import { fiscalYearOf } from '../platform/japanese';
import type { NewCatalogueEntry } from '../modules/credits/repository';

export const CATEGORIES = [
  { code: 'I', name_ja: '必修研修（本会学術集会・地方会・国際学会）', name_en: 'Required training (society meetings, international meetings)', sort_order: 1 },
  { code: 'II', name_ja: '教育研修（eラーニング・教育講演）', name_en: 'Education (e-learning, lectures)', sort_order: 2 },
  { code: 'III', name_ja: '関連学会・研究会', name_en: 'Related societies and study groups', sort_order: 3 },
  { code: 'IV', name_ja: '論文・学会発表', name_en: 'Papers and presentations', sort_order: 4 },
  { code: 'V', name_ja: 'その他（留学等）', name_en: 'Other (study abroad etc.)', sort_order: 5 },
];

/** A realistic 単位マスター: the society's meetings by number and date, regional meetings, e-learning, related meetings, papers. */
export function demoCatalogue(fiscalYear: number): NewCatalogueEntry[] {
  const entries: NewCatalogueEntry[] = [];
  // The annual meeting is held in March: the 90th in March 2026 (fiscal 2025).
  for (let n = 86; n <= 91; n++) {
    const year = 2026 + (n - 90);
    entries.push({
      code: `JCS${n}`, name_ja: `第${n}回日本循環器学会学術集会`, name_en: `${n}th Annual Scientific Meeting of the Japanese Circulation Society`,
      category_code: 'I', kind: 'annual_meeting', credits: 15, activity_from: `${year}-03-13`, activity_to: `${year}-03-15`, self_reportable: false,
    });
  }
  const regions = ['北海道', '東北', '関東甲信越', '東海', '北陸', '近畿', '中国', '四国', '九州'];
  let r = 0;
  for (let fy = fiscalYear - 4; fy <= fiscalYear; fy++) {
    for (const region of regions.slice(0, 3)) {
      r += 1;
      entries.push({
        code: `RM${fy}-${String(r).padStart(3, '0')}`, name_ja: `第${240 + r}回 日本循環器学会${region}地方会`, name_en: `${240 + r}th JCS ${region} Regional Meeting`,
        category_code: 'I', kind: 'regional_meeting', credits: 5, activity_from: `${fy}-06-${String(10 + (r % 15)).padStart(2, '0')}`,
        activity_to: `${fy}-06-${String(10 + (r % 15)).padStart(2, '0')}`, self_reportable: true, limit_group: 'regional_meeting',
      });
    }
  }
  for (const [i, title] of ['心不全診療ガイドライン', '不整脈の薬物治療', '虚血性心疾患の二次予防', '心臓リハビリテーション'].entries()) {
    entries.push({
      code: `EL${fiscalYear - 1}-${i + 1}`, name_ja: `eラーニング ${title}`, name_en: `E-learning: ${title}`, category_code: 'II', kind: 'elearning',
      credits: 2, activity_from: `${fiscalYear - 1}-04-01`, activity_to: `${fiscalYear + 1}-03-31`, self_reportable: false,
    });
  }
  entries.push(
    { code: 'REL-ANNUAL', name_ja: '関連学術集会 年次学術集会', name_en: 'Related society annual meeting', category_code: 'III', kind: 'related_meeting', credits: 3, self_reportable: true, detail_kind: 'meeting_name' },
    { code: 'REL-STUDY', name_ja: '関連研究会', name_en: 'Related study group meeting', category_code: 'III', kind: 'related_meeting', credits: 1, self_reportable: true, detail_kind: 'meeting_name' },
    { code: 'PAPER-FIRST', name_ja: '論文（筆頭著者）', name_en: 'Paper (first author)', category_code: 'IV', kind: 'paper', credits: 5, self_reportable: true, detail_kind: 'paper' },
    { code: 'PAPER-CO', name_ja: '論文（共著者）', name_en: 'Paper (co-author)', category_code: 'IV', kind: 'paper', credits: 2, self_reportable: true, detail_kind: 'paper' },
    { code: 'PRESENT', name_ja: '学会発表（筆頭演者）', name_en: 'Presentation (first presenter)', category_code: 'IV', kind: 'other', credits: 3, self_reportable: true, detail_kind: 'meeting_name' },
    // 留学: recorded by the secretariat when it verifies the 在籍証明書 (one line per month, the cycle's study-abroad rule).
    { code: 'ABROAD', name_ja: '留学（在籍証明書により1か月1単位）', name_en: 'Study abroad (1 credit per month, on the enrolment certificate)', category_code: 'V', kind: 'other', credits: 1, self_reportable: false },
    { code: 'INTL', name_ja: '国際学会参加（WCC・AHA・ACC・APSC・ESC）', name_en: 'International meeting (WCC, AHA, ACC, APSC, ESC)', category_code: 'I', kind: 'other', credits: 15, self_reportable: true, detail_kind: 'meeting_name', once_per_fiscal_year: true },
  );
  return entries;
}

/** Cycles as data: this fiscal year's renewal and last year's, with the numbers the rules read. */
export function demoCycles(fiscalYear: number) {
  return [fiscalYear - 1, fiscalYear].map((fy) => ({
    fiscal_year: fy, name_ja: `${fy}年度更新`, name_en: `Fiscal ${fy} renewal`, period_end: `${fy + 1}-03-31`,
    required_credits: 50, self_report_cap: 18, category_minimums: [{ category: 'I', min: 10 }], group_limits: [{ group: 'regional_meeting', maxPerPeriod: 10 }],
    // The new period: 5 years from 1 April; every 年会費 up to the cycle's own year; the window from April to January.
    new_period_start: `${fy + 1}-04-01`, new_period_end: `${fy + 6}-03-31`, last_annual_fee_year: fy, renewal_fee_code: 'renewal_fee',
    window_opens_on: `${fy}-04-01`, window_closes_on: `${fy + 1}-01-31`, payment_due_on: `${fy + 1}-02-28`,
    study_abroad: { waivesCredits: true, minConsecutiveMonths: 10, creditsPerMonth: 1, category: 'V', catalogueCode: 'ABROAD' },
  }));
}

const DEMO_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** Catalogue, cycles and a realistic ledger for a few demo members. Idempotent. */
export async function seedCredits(services: Services, db: Db, now = new Date()): Promise<void> {
  const fy = fiscalYearOf(now);
  for (const c of demoCycles(fy)) await services.cycles.seed(c);
  await services.credits.seedCatalogue(CATEGORIES, demoCatalogue(fy));
  const m = await services.members.findByNumber('100001');
  if (!m) return;
  const existing = await db.selectFrom('credits').select('id').where('member_id', '=', m.id).limit(1).execute();
  if (existing.length > 0) return;
  const system = { type: 'system' as const, id: null };
  const earned = async (number: string, code: string, date: string, source: 'attendance' | 'elearning') => {
    const member = await services.members.findByNumber(number);
    if (member) await services.credits.recordEarned(system, { memberId: member.id, code, activityDate: date, source });
  };
  // Member 100001 (period to 31 March of next year): 45 credits counted, one regional meeting over the limit, one outside the period.
  await earned('100001', 'JCS88', '2024-03-14', 'attendance');
  await earned('100001', 'JCS89', '2025-03-14', 'attendance');
  const regional = (await services.credits.searchCatalogue({ kind: 'regional_meeting' }, 50)).sort((a, b) => (a.code < b.code ? -1 : 1));
  for (const entry of regional.slice(3, 6)) await earned('100001', entry.code, entry.activity_from!, 'attendance');
  await earned('100001', `EL${fy - 1}-1`, `${fy - 1}-05-20`, 'elearning');
  await services.credits.recordEarned(system, { memberId: m.id, code: 'JCS86', activityDate: '2022-03-14', source: 'attendance' });
  const actor = { type: 'member' as const, id: m.id };
  const rel = (await services.credits.searchCatalogue({ q: 'REL-ANNUAL' }, 1))[0]!;
  const approved = await services.credits.createSelfReport(actor, m.id, { catalogueId: rel.id, activityDate: `${fy - 1}-04-20`, detailTitle: '第122回日本内科学会総会・講演会', detailSource: '' });
  await services.credits.attachProof(actor, m.id, approved.control_no, { data: DEMO_PDF, name: '名札.pdf' });
  await services.credits.submit(actor, m.id, approved.control_no, '');
  const admin = await db.selectFrom('staff_users').select('id').where('email', '=', 'admin@example.jp').executeTakeFirst();
  await services.credits.decide({ type: 'staff', id: admin?.id ?? null }, approved.id, { approve: true });
  const paper = (await services.credits.searchCatalogue({ q: 'PAPER-FIRST' }, 1))[0]!;
  const pending = await services.credits.createSelfReport(actor, m.id, { catalogueId: paper.id, activityDate: `${fy - 1}-07-01`, detailTitle: '高齢心不全患者における心臓リハビリテーションの効果', detailSource: 'Circulation Journal Vol.90 No.7' });
  await services.credits.attachProof(actor, m.id, pending.control_no, { data: DEMO_PDF, name: '論文サマリー.pdf' });
  await services.credits.submit(actor, m.id, pending.control_no, '');
  // A few more pending self-reports from other members for the review queue.
  for (const number of ['100012', '100013', '100014']) {
    const other = await services.members.findByNumber(number);
    if (!other || !other.cert_period_start) continue;
    const who = { type: 'member' as const, id: other.id };
    const draft = await services.credits.createSelfReport(who, other.id, { catalogueId: rel.id, activityDate: `${fy - 1}-05-1${number.slice(-1)}`, detailTitle: '第70回日本心臓病学会学術集会', detailSource: '' }).catch(() => null);
    if (!draft) continue;
    await services.credits.attachProof(who, other.id, draft.control_no, { data: DEMO_PDF, name: 'ネームカード.pdf' });
    await services.credits.submit(who, other.id, draft.control_no, '');
  }
}
