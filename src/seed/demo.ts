import type { Services } from '../app';
import type { Db } from '../platform/db/database';
import { fiscalYearOf } from '../platform/japanese';
import { DEMO_PASSWORDS, hashPassword } from '../platform/security/passwords';
import { MembersRepository } from '../modules/members/repository';
import { seedBilling } from './billing';
import { seedCredits } from './credits';
import { seedRenewals } from './renewal';
import { FAMILY_NAMES, GIVEN_NAMES, PLACES } from './names';

export { DEMO_PASSWORDS };

/** Fixed TOTP secrets, so a demo can be added to an authenticator app once and keep working. */
export const DEMO_STAFF = [
  { email: 'staff@example.jp', displayName: '事務局 花子', role: 'staff' as const, totpSecret: 'KOUSHINSTAFFDEMOJBSWY3DPEHPK3PXP' },
  { email: 'admin@example.jp', displayName: '管理者 一郎', role: 'admin' as const, totpSecret: 'KOUSHINADMINDEMOJBSWY3DPEHPK3PXP' },
  { email: 'auditor@example.jp', displayName: '監査 三郎', role: 'auditor' as const, totpSecret: 'KOUSHINAUDITDEMOJBSWY3DPEHPK3PXP' },
];

/**
 * Certification periods run 1 April – 31 March, five years. The demo's current fiscal year is the one
 * of `today`; member 100001 and every fifth member end their period this fiscal year (renewal targets).
 */
/** Members due this year besides every fifth: the renewal demo roles (src/seed/renewal.ts, README). */
const RENEWAL_DEMO = new Set([1, 4, 6, 7, 8, 28, 29]);

function periodFor(index: number, fiscalYear: number): { start: string; end: string } | null {
  if (RENEWAL_DEMO.has(index)) return { start: `${fiscalYear - 4}-04-01`, end: `${fiscalYear + 1}-03-31` };
  if (index % 10 === 9) return null; // not (yet) a specialist
  const endFy = fiscalYear + (index % 5); // 0 → this year's renewal target
  return { start: `${endFy - 4}-04-01`, end: `${endFy + 1}-03-31` };
}

export function demoMember(index: number, fiscalYear: number) {
  const number = String(100001 + index);
  const [family, familyKana] = FAMILY_NAMES[(index * 7) % FAMILY_NAMES.length]!;
  const [given, givenKana] = GIVEN_NAMES[(index * 11) % GIVEN_NAMES.length]!;
  const place = PLACES[index % PLACES.length]!;
  const period = periodFor(index, fiscalYear);
  return {
    member_number: number,
    family_name: family,
    given_name: given,
    family_name_kana: familyKana,
    given_name_kana: givenKana,
    birth_date: `${1960 + (index % 25)}-${String((index % 12) + 1).padStart(2, '0')}-${String((index % 27) + 1).padStart(2, '0')}`,
    email: `member${number}@example.jp`,
    phone: `0${3 + (index % 6)}-${String(1000 + index * 37).slice(-4)}-${String(2000 + index * 53).slice(-4)}`,
    postal_code: place.postal,
    prefecture: place.prefecture,
    address_line1: place.city,
    address_line2: '',
    organisation: place.org,
    specialist_number: period ? `11-${String(20000000 + index * 4271).slice(-8)}` : null,
    cert_period_start: period?.start ?? null,
    cert_period_end: period?.end ?? null,
  };
}

/** Loads the demo society when the database has none of it. Idempotent: safe at every start. */
export async function seedDemo(services: Services, db: Db, now = new Date()): Promise<boolean> {
  const fiscalYear = fiscalYearOf(now);
  const repo = new MembersRepository();
  const existing = await repo.findByNumber(db, '100001');
  if (!existing) {
    const memberHash = await hashPassword(DEMO_PASSWORDS.member);
    for (let i = 0; i < 30; i++) {
      const member = await repo.insert(db, demoMember(i, fiscalYear));
      await services.auth.setPasswordForSeed(member.id, memberHash);
    }
  }
  const staffHash = await hashPassword(DEMO_PASSWORDS.staff);
  for (const s of DEMO_STAFF) await services.staff.createEnrolledForSeed({ ...s, passwordHash: staffHash });

  const notices = await services.notices.all();
  if (notices.length === 0) {
    const actor = { type: 'system' as const, id: null };
    await services.notices.create(actor, {
      title_ja: `${fiscalYear}年度 専門医認定更新の受付を開始しました`,
      body_ja: `${fiscalYear}年度に認定期間が終了する専門医の先生は、更新申請が必要です（自動更新はありません）。\n\n「会員情報」から申請情報を作成し、年会費・単位・更新料の各手続きを進めてください。手順は「申請の手引き」をご覧ください。`,
      title_en: `Renewal applications for fiscal ${fiscalYear} are open`,
      body_en: `Specialists whose certification period ends in fiscal ${fiscalYear} must apply for renewal (there is no automatic renewal).\n\nStart from “Member information” and follow the application guide.`,
      publish_from: new Date(now.getTime() - 7 * 86_400_000),
      publish_until: null,
    });
    await services.notices.create(actor, {
      title_ja: '専門医更新料の払込票によるお支払いについて',
      body_ja: '払込票（郵便振替用紙）でのお支払いを希望される場合は、請求の画面から「払込票での支払いお申込み」を選択してください。払込票は登録の送付・請求先に郵送します。',
      title_en: 'Paying the renewal fee by payment slip',
      body_en: 'To pay by payment slip, choose “払込票での支払いお申込み” on the invoice. The slip is posted to your mailing address.',
      publish_from: new Date(now.getTime() - 2 * 86_400_000),
      publish_until: null,
    });
  }
  await seedCredits(services, db, now);
  await seedBilling(services, now);
  await seedRenewals(services, now);
  return true;
}
