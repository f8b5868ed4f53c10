import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database';
import type { Member, NewMember } from '../../platform/db/schema';
import { searchKey } from '../../platform/japanese';

export type MailingAddress = Pick<Member, 'postal_code' | 'prefecture' | 'address_line1' | 'address_line2' | 'organisation'>;

/** A phone number as search matches it: half-width digits only (０３-１２３４ → 031234). */
export const phoneDigits = (s: string) => s.normalize('NFKC').replace(/\D/g, '');

/** The text staff search runs on: number, names, kana (both orders), email and the phone's digits, width- and kana-folded. */
export function memberSearchText(m: Pick<NewMember, 'member_number' | 'family_name' | 'given_name' | 'family_name_kana' | 'given_name_kana' | 'email' | 'phone'>): string {
  return searchKey(
    [m.member_number, `${m.family_name}${m.given_name}`, `${m.family_name_kana}${m.given_name_kana}`, m.email, phoneDigits(m.phone)].join(' '),
  ).concat('|');
}

/** What the secretariat may correct on a member's record (会員情報の連絡先). */
export type ContactData = Pick<Member, 'email' | 'phone' | 'postal_code' | 'prefecture' | 'address_line1' | 'address_line2' | 'organisation'>;

export class MembersRepository {
  async findById(db: Executor, id: number): Promise<Member | undefined> {
    return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async allIds(db: Executor): Promise<number[]> {
    return (await db.selectFrom('members').select('id').orderBy('id').execute()).map((r) => r.id);
  }

  async idsWithPeriodEnd(db: Executor, periodEnd: string): Promise<number[]> {
    return (await db.selectFrom('members').select('id').where('cert_period_end', '=', periodEnd).orderBy('id').execute()).map((r) => r.id);
  }

  async findByIds(db: Executor, ids: number[]): Promise<Member[]> {
    return db.selectFrom('members').selectAll().where('id', 'in', ids).execute();
  }

  async findByNumbers(db: Executor, numbers: string[]): Promise<Member[]> {
    if (numbers.length === 0) return [];
    return db.selectFrom('members').selectAll().where(sql<boolean>`member_number = ANY(${numbers}::text[])`).execute();
  }

  /** Members by id after `afterId` (keyset: lists and exports read a batch at a time); `periodEnd` keeps one renewal's targets. */
  async page(db: Executor, f: { periodEnd?: string }, limit: number, afterId = 0): Promise<Member[]> {
    let q = db.selectFrom('members').selectAll().where('id', '>', afterId);
    if (f.periodEnd) q = q.where('cert_period_end', '=', f.periodEnd);
    return q.orderBy('id').limit(limit).execute();
  }

  async countByPeriodEnd(db: Executor, periodEnd: string): Promise<number> {
    const row = await db.selectFrom('members').select((eb) => eb.fn.countAll<string>().as('n')).where('cert_period_end', '=', periodEnd).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findByNumber(db: Executor, memberNumber: string): Promise<Member | undefined> {
    return db.selectFrom('members').selectAll().where('member_number', '=', memberNumber).executeTakeFirst();
  }

  async lockById(db: Executor, id: number): Promise<Member | undefined> {
    return db.selectFrom('members').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  async insert(db: Executor, member: Omit<NewMember, 'search_text'>): Promise<Member> {
    return db.insertInto('members').values({ ...member, search_text: memberSearchText(member) }).returningAll().executeTakeFirstOrThrow();
  }

  async setCertificationPeriod(db: Executor, id: number, period: { start: string; end: string }, now: Date): Promise<void> {
    await db.updateTable('members').set({ cert_period_start: period.start, cert_period_end: period.end, updated_at: now }).where('id', '=', id).execute();
  }

  async updateEmail(db: Executor, member: Member, email: string, now: Date): Promise<void> {
    await db
      .updateTable('members')
      .set({ email, search_text: memberSearchText({ ...member, email }), updated_at: now })
      .where('id', '=', member.id)
      .execute();
  }

  async updateContact(db: Executor, member: Member, contact: ContactData, now: Date): Promise<void> {
    await db
      .updateTable('members')
      .set({ ...contact, search_text: memberSearchText({ ...member, ...contact }), updated_at: now })
      .where('id', '=', member.id)
      .execute();
  }

  async updateAddress(db: Executor, id: number, address: MailingAddress, now: Date): Promise<void> {
    await db.updateTable('members').set({ ...address, updated_at: now }).where('id', '=', id).execute();
  }

  /**
   * Partial, width- and kana-insensitive search over the trigram index. A query of digits and phone
   * punctuation (03-1234-5678, （03）1234) is searched by its digits, as the phone is stored.
   */
  async search(db: Executor, query: string, limit: number): Promise<Member[]> {
    const folded = searchKey(query);
    const key = /^[\d\-‐‑–—−ー()+]+$/.test(folded) && /\d/.test(folded) ? phoneDigits(folded) : folded;
    if (!key) return [];
    const pattern = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return db
      .selectFrom('members')
      .selectAll()
      .where('search_text', 'like', pattern)
      .orderBy(sql`member_number = ${key}`, 'desc')
      .orderBy('member_number')
      .limit(limit)
      .execute();
  }

  async insertEmailToken(db: Executor, row: { member_id: number; new_email: string; token_hash: string; expires_at: Date }): Promise<void> {
    await db.insertInto('email_change_tokens').values(row).execute();
  }

  async findEmailToken(db: Executor, tokenHash: string) {
    return db.selectFrom('email_change_tokens').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
  }

  async useEmailToken(db: Executor, id: number, now: Date): Promise<void> {
    await db.updateTable('email_change_tokens').set({ used_at: now }).where('id', '=', id).execute();
  }
}
