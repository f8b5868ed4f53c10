import { sql } from 'kysely';
import type { Db } from '../platform/db/database';
import type { NewMember } from '../platform/db/schema';
import { fiscalYearOf } from '../platform/japanese';
import { DEMO_PASSWORDS, hashPassword } from '../platform/security/passwords';
import { memberSearchText } from '../modules/members/repository';
import { FAMILY_NAMES, GIVEN_NAMES } from './names';

/**
 * Scale data for load tests and search tuning: tens of thousands of members with realistic, varied
 * profiles and working logins. Development only (the callers refuse production).
 */

/** Member numbers are 6 digits starting with 1; the demo society owns 100001–100030. */
const FIRST_NUMBER = 100_031;
const LAST_NUMBER = 199_999;
const BATCH = 1_000;

/** Prefecture, its main city, the first three postal digits it uses, and a rough population weight. */
const PREFECTURES: { name: string; city: string; postal: [number, number]; weight: number }[] = [
  { name: '北海道', city: '札幌市中央区', postal: [60, 99], weight: 51 },
  { name: '青森県', city: '青森市', postal: [30, 39], weight: 12 },
  { name: '岩手県', city: '盛岡市', postal: [20, 29], weight: 12 },
  { name: '宮城県', city: '仙台市青葉区', postal: [980, 989], weight: 23 },
  { name: '秋田県', city: '秋田市', postal: [10, 19], weight: 9 },
  { name: '山形県', city: '山形市', postal: [990, 999], weight: 10 },
  { name: '福島県', city: '福島市', postal: [960, 979], weight: 18 },
  { name: '茨城県', city: '水戸市', postal: [300, 319], weight: 28 },
  { name: '栃木県', city: '宇都宮市', postal: [320, 329], weight: 19 },
  { name: '群馬県', city: '前橋市', postal: [370, 379], weight: 19 },
  { name: '埼玉県', city: 'さいたま市浦和区', postal: [330, 369], weight: 73 },
  { name: '千葉県', city: '千葉市中央区', postal: [260, 299], weight: 63 },
  { name: '東京都', city: '新宿区', postal: [100, 208], weight: 140 },
  { name: '神奈川県', city: '横浜市中区', postal: [210, 259], weight: 92 },
  { name: '新潟県', city: '新潟市中央区', postal: [940, 959], weight: 21 },
  { name: '富山県', city: '富山市', postal: [930, 939], weight: 10 },
  { name: '石川県', city: '金沢市', postal: [920, 929], weight: 11 },
  { name: '福井県', city: '福井市', postal: [910, 919], weight: 8 },
  { name: '山梨県', city: '甲府市', postal: [400, 409], weight: 8 },
  { name: '長野県', city: '長野市', postal: [380, 399], weight: 20 },
  { name: '岐阜県', city: '岐阜市', postal: [500, 509], weight: 19 },
  { name: '静岡県', city: '静岡市葵区', postal: [410, 439], weight: 36 },
  { name: '愛知県', city: '名古屋市中区', postal: [440, 499], weight: 75 },
  { name: '三重県', city: '津市', postal: [510, 519], weight: 17 },
  { name: '滋賀県', city: '大津市', postal: [520, 529], weight: 14 },
  { name: '京都府', city: '京都市中京区', postal: [600, 629], weight: 25 },
  { name: '大阪府', city: '大阪市北区', postal: [530, 599], weight: 88 },
  { name: '兵庫県', city: '神戸市中央区', postal: [650, 679], weight: 54 },
  { name: '奈良県', city: '奈良市', postal: [630, 639], weight: 13 },
  { name: '和歌山県', city: '和歌山市', postal: [640, 649], weight: 9 },
  { name: '鳥取県', city: '鳥取市', postal: [680, 689], weight: 5 },
  { name: '島根県', city: '松江市', postal: [690, 699], weight: 7 },
  { name: '岡山県', city: '岡山市北区', postal: [700, 719], weight: 19 },
  { name: '広島県', city: '広島市中区', postal: [720, 739], weight: 28 },
  { name: '山口県', city: '山口市', postal: [740, 759], weight: 13 },
  { name: '徳島県', city: '徳島市', postal: [770, 779], weight: 7 },
  { name: '香川県', city: '高松市', postal: [760, 769], weight: 9 },
  { name: '愛媛県', city: '松山市', postal: [790, 799], weight: 13 },
  { name: '高知県', city: '高知市', postal: [780, 789], weight: 7 },
  { name: '福岡県', city: '福岡市博多区', postal: [800, 839], weight: 51 },
  { name: '佐賀県', city: '佐賀市', postal: [840, 849], weight: 8 },
  { name: '長崎県', city: '長崎市', postal: [850, 859], weight: 13 },
  { name: '熊本県', city: '熊本市中央区', postal: [860, 869], weight: 17 },
  { name: '大分県', city: '大分市', postal: [870, 879], weight: 11 },
  { name: '宮崎県', city: '宮崎市', postal: [880, 889], weight: 11 },
  { name: '鹿児島県', city: '鹿児島市', postal: [890, 899], weight: 16 },
  { name: '沖縄県', city: '那覇市', postal: [900, 909], weight: 15 },
];
const WEIGHT_TOTAL = PREFECTURES.reduce((sum, p) => sum + p.weight, 0);

const TOWNS = ['本町', '中央', '栄町', '緑町', '旭町', '幸町', '東町', '西町', '南町', '北町', '駅前', '桜台', '若葉', '城東', '大手町', '錦町'];
const BUILDINGS = ['メディカルプラザ', 'グランドハイツ', 'サンライズビル', 'パークサイド', 'ステーションビル', 'レジデンス'];
const DEPARTMENTS = ['循環器内科', '循環器内科', '循環器内科', '心臓血管外科', '内科', '小児循環器科', '心臓血管センター'];

/** Deterministic per member number: the same number always gets the same profile. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function pickPrefecture(r: number) {
  let x = r * WEIGHT_TOTAL;
  for (const p of PREFECTURES) {
    x -= p.weight;
    if (x < 0) return p;
  }
  return PREFECTURES[PREFECTURES.length - 1]!;
}

/** One member's profile, without search_text. `fiscalYear` decides who is a renewal target. */
export function scaleMember(number: number, fiscalYear: number): Omit<NewMember, 'search_text'> {
  const r = rng(number * 2_654_435_761);
  const int = (n: number) => Math.floor(r() * n);
  const [family, familyKana] = FAMILY_NAMES[int(FAMILY_NAMES.length)]!;
  const [given, givenKana] = GIVEN_NAMES[int(GIVEN_NAMES.length)]!;
  const pref = pickPrefecture(r());
  const postal = `${pad(pref.postal[0] + int(pref.postal[1] - pref.postal[0] + 1), 3)}-${pad(int(10_000), 4)}`;
  const town = TOWNS[int(TOWNS.length)]!;
  const address1 = `${pref.city}${town}${1 + int(9)}-${1 + int(30)}-${1 + int(20)}`;
  const address2 = r() < 0.25 ? `${BUILDINGS[int(BUILDINGS.length)]} ${1 + int(12)}0${1 + int(9)}号室` : '';
  const department = DEPARTMENTS[int(DEPARTMENTS.length)]!;
  const shortPref = pref.name.replace(/[都府県]$/, '');
  const orgKind = int(6);
  const organisation =
    orgKind === 0 ? `${shortPref}大学医学部附属病院 ${department}`
    : orgKind === 1 ? (pref.city.includes('市') ? `${pref.city.replace(/市.*$/, '')}市民病院 ${department}` : `${pref.city}医療センター ${department}`)
    : orgKind === 2 ? `${pref.name}立中央病院 ${department}`
    : orgKind === 3 ? `${town}${['総合病院', '記念病院', '医療センター'][int(3)]} ${department}`
    : orgKind === 4 ? `${family}内科クリニック`
    : `${shortPref}${['赤十字病院', '済生会病院', '労災病院'][int(3)]} ${department}`;

  const age = 28 + int(48);
  const birthYear = fiscalYear - age;
  const birth = `${birthYear}-${pad(1 + int(12), 2)}-${pad(1 + int(28), 2)}`;

  const mobile = r() < 0.6;
  const phone = mobile
    ? `0${[9, 8, 7][int(3)]}0-${pad(int(10_000), 4)}-${pad(int(10_000), 4)}`
    : `0${1 + int(9)}${int(10)}-${pad(100 + int(900), 3)}-${pad(int(10_000), 4)}`;

  // 8% are members without the specialist title; the others end their five-year period in one of the
  // next five fiscal years, evenly by member number, so about a fifth renew this fiscal year.
  const specialist = r() >= 0.08;
  const endFy = fiscalYear + (number % 5);
  return {
    member_number: String(number),
    family_name: family,
    given_name: given,
    family_name_kana: familyKana,
    given_name_kana: givenKana,
    birth_date: birth,
    email: `m${number}@example.jp`,
    phone,
    postal_code: postal,
    prefecture: pref.name,
    address_line1: address1,
    address_line2: address2,
    organisation,
    specialist_number: specialist ? `${pad(11 + (number % 3), 2)}-${pad(20_000_000 + ((number * 7_919) % 80_000_000), 8)}` : null,
    cert_period_start: specialist ? `${endFy - 4}-04-01` : null,
    cert_period_end: specialist ? `${endFy + 1}-03-31` : null,
  };
}

export interface ScaleResult {
  /** Members added by this run (0 when the database already held enough). */
  added: number;
  /** Members in the database afterwards. */
  total: number;
  firstNumber?: string;
  lastNumber?: string;
  seconds: number;
}

/**
 * Adds members until the database holds `target` in total, numbered after the highest existing
 * number (never inside the demo range), each with a login: one argon2id hash of the demo member
 * password, computed once and shared. Batched multi-row INSERTs, one transaction per batch; ANALYZE
 * at the end. Idempotent: with `target` members present it adds nothing.
 */
export async function seedScale(db: Db, opts: { target: number; now?: Date; onProgress?: (added: number, toAdd: number) => void }): Promise<ScaleResult> {
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const fiscalYear = fiscalYearOf(opts.now ?? new Date());

  const counts = await db
    .selectFrom('members')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.max('member_number').as('highest')])
    .executeTakeFirstOrThrow();
  const existing = Number(counts.n);
  const toAdd = Math.max(0, opts.target - existing);
  if (toAdd === 0) return { added: 0, total: existing, seconds: seconds() };

  const first = Math.max(FIRST_NUMBER, Number(counts.highest ?? 0) + 1);
  const last = first + toAdd - 1;
  if (last > LAST_NUMBER) {
    throw new Error(`Member numbers would run past ${LAST_NUMBER} (next free ${first}, ${toAdd} to add); use a smaller --members.`);
  }

  const passwordHash = await hashPassword(DEMO_PASSWORDS.member);
  for (let from = first; from <= last; from += BATCH) {
    const rows: NewMember[] = [];
    for (let n = from; n <= Math.min(last, from + BATCH - 1); n++) {
      const member = scaleMember(n, fiscalYear);
      rows.push({ ...member, search_text: memberSearchText(member) });
    }
    await db.transaction().execute(async (tx) => {
      const ids = await tx.insertInto('members').values(rows).returning('id').execute();
      await tx.insertInto('member_credentials').values(ids.map(({ id }) => ({ member_id: id, password_hash: passwordHash }))).execute();
    });
    opts.onProgress?.(Math.min(last, from + BATCH - 1) - first + 1, toAdd);
  }

  await sql`ANALYZE members`.execute(db);
  await sql`ANALYZE member_credentials`.execute(db);
  return { added: toAdd, total: existing + toAdd, firstNumber: String(first), lastNumber: String(last), seconds: seconds() };
}
