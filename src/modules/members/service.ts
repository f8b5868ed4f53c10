import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db, Executor } from '../../platform/db/database';
import type { Member } from '../../platform/db/schema';
import { notFound } from '../../platform/errors';
import type { Locale } from '../../platform/i18n';
import { fiscalYearOf, fiscalYearRange, normalizeDigits } from '../../platform/japanese';
import type { Mailer } from '../../platform/mail/mailer';
import { hashToken, randomToken } from '../../platform/security/tokens';
import { type ContactData, type MailingAddress, MembersRepository } from './repository';
import type { AddressInput, ContactInput } from './schemas';
import { keysetBatches } from '../../platform/db/keyset';

export const EMAIL_TOKEN_TTL_MS = 30 * 60_000;

export type { Member };

export function fullName(m: Pick<Member, 'family_name' | 'given_name'>): string {
  return `${m.family_name} ${m.given_name}`;
}

const addressOf = (m: Member): MailingAddress => ({
  postal_code: m.postal_code, prefecture: m.prefecture, address_line1: m.address_line1, address_line2: m.address_line2, organisation: m.organisation,
});

export class MembersService {
  private repo = new MembersRepository();

  constructor(private deps: { db: Db; clock: Clock; mailer: Mailer; baseUrl: string }) {}

  /** The member, read through the pool (pages, and services outside a transaction). Inside one: `getByIdIn`. */
  getById(id: number): Promise<Member> {
    return this.getByIdIn(this.deps.db, id);
  }

  /** The member, read through the caller's transaction (decisions/0027: never a second connection while one is held). */
  async getByIdIn(tx: Executor, id: number): Promise<Member> {
    const member = await this.repo.findById(tx, id);
    if (!member) throw notFound('member');
    return member;
  }

  /** Every member's id (yearly billing runs). */
  allIds(): Promise<number[]> {
    return this.repo.allIds(this.deps.db);
  }

  /** The renewal targets of a cycle: every member whose certification period ends on that day, one query. */
  idsWithPeriodEnd(periodEnd: string): Promise<number[]> {
    return this.repo.idsWithPeriodEnd(this.deps.db, periodEnd);
  }

  /** Several members at once (lists), one query through the pool. Inside a transaction: `byIdsIn`. */
  byIds(ids: number[]): Promise<Map<number, Member>> {
    return this.byIdsIn(this.deps.db, ids);
  }

  /** Several members at once, one query through the caller's transaction (a batch of mails, certificates). */
  async byIdsIn(tx: Executor, ids: number[]): Promise<Map<number, Member>> {
    if (ids.length === 0) return new Map();
    const rows = await this.repo.findByIds(tx, [...new Set(ids)]);
    return new Map(rows.map((m) => [m.id, m]));
  }

  /** Many members by number in one query (imports): unknown numbers are simply absent. Inside a transaction: `byNumbersIn`. */
  byNumbers(numbers: string[]): Promise<Member[]> {
    return this.byNumbersIn(this.deps.db, numbers);
  }

  /** `byNumbers` through the executor given (an import's check before its commit, and in its commit's transaction). */
  byNumbersIn(db: Executor, numbers: string[]): Promise<Member[]> {
    return this.repo.findByNumbers(db, [...new Set(numbers)]);
  }

  /** A page of members in id order after `afterId` (the renewal targets of one period end, or everyone). */
  page(filter: { periodEnd?: string }, limit: number, afterId = 0): Promise<Member[]> {
    return this.repo.page(this.deps.db, filter, limit, afterId);
  }

  /** Every matching member, a batch at a time (keyset on the id: constant memory at any size). */
  batches(filter: { periodEnd?: string }, size = 2000): AsyncGenerator<Member[]> {
    return keysetBatches((after: number | undefined, n) => this.repo.page(this.deps.db, filter, n, after ?? 0), (m) => m.id, size);
  }

  /** How many members hold a period ending on this date (one renewal's targets). */
  countWithPeriodEnd(periodEnd: string): Promise<number> {
    return this.repo.countByPeriodEnd(this.deps.db, periodEnd);
  }

  /** The member a staff URL names (会員番号, full-width digits accepted), or not found. */
  async getByNumber(raw: string): Promise<Member> {
    const number = normalizeDigits(raw);
    const member = /^1\d{5}$/.test(number) ? await this.repo.findByNumber(this.deps.db, number) : undefined;
    if (!member) throw notFound('member');
    return member;
  }

  findByNumber(memberNumber: string): Promise<Member | undefined> {
    return this.repo.findByNumber(this.deps.db, memberNumber);
  }

  search(query: string, limit = 50): Promise<Member[]> {
    return this.repo.search(this.deps.db, query, limit);
  }

  /** The fiscal year whose renewal the member is due for now, or null (period ends in this 年度). */
  /**
   * A renewed member's new certification period begins (1 April): the member's current period becomes it,
   * audited, in the caller's transaction. Returns false when it already is (the daily run is idempotent).
   */
  async startCertificationPeriod(tx: Executor, actor: Actor, memberId: number, period: { start: string; end: string }): Promise<boolean> {
    const member = await this.repo.lockById(tx, memberId);
    if (!member) throw notFound('member');
    if (member.cert_period_start === period.start && member.cert_period_end === period.end) return false;
    await this.repo.setCertificationPeriod(tx, memberId, period, this.deps.clock.now());
    await audit(tx, actor, { action: 'member.period_started', subjectType: 'member', subjectId: member.member_number, memberId,
      before: { start: member.cert_period_start, end: member.cert_period_end }, after: period });
    return true;
  }

  renewalYear(member: Pick<Member, 'cert_period_end'>): number | null {
    if (!member.cert_period_end) return null;
    const fy = fiscalYearOf(this.deps.clock.now());
    const { start, end } = fiscalYearRange(fy);
    return member.cert_period_end >= start && member.cert_period_end <= end ? fy : null;
  }

  /** Step 1 of an email change: a link to the new address, a note to the old one. Nothing changes yet. */
  async requestEmailChange(actor: Actor, memberId: number, newEmail: string, locale: Locale): Promise<void> {
    const { db, clock, mailer, baseUrl } = this.deps;
    const token = randomToken();
    await db.transaction().execute(async (tx) => {
      const member = await this.repo.lockById(tx, memberId);
      if (!member) throw notFound('member');
      const now = clock.now();
      await this.repo.insertEmailToken(tx, {
        member_id: member.id, new_email: newEmail, token_hash: hashToken(token), expires_at: new Date(now.getTime() + EMAIL_TOKEN_TTL_MS),
      });
      await audit(tx, actor, { action: 'member.email_change_requested', subjectType: 'member', subjectId: member.id, memberId: member.id, detail: { newEmail } });
      const name = fullName(member);
      await mailer.queue(tx, {
        to: newEmail, locale, memberId: member.id,
        template: { subject: 'mail.emailConfirmSubject', body: 'mail.emailConfirmBody' },
        params: { name, link: `${baseUrl}/profile/email/confirm/${token}` },
      });
      await mailer.queue(tx, {
        to: member.email, locale, memberId: member.id,
        template: { subject: 'mail.emailNoticeSubject', body: 'mail.emailNoticeBody' },
        params: { name, newEmail },
      });
    });
  }

  /** Step 2: the link from the new address. Single use, 30 minutes. Returns false when not valid. */
  async confirmEmailChange(actor: Actor, token: string, locale: Locale): Promise<boolean> {
    const { db, clock, mailer } = this.deps;
    return db.transaction().execute(async (tx) => {
      const row = await this.repo.findEmailToken(tx, hashToken(token));
      const now = clock.now();
      if (!row || row.used_at || row.expires_at.getTime() < now.getTime()) return false;
      const member = await this.repo.lockById(tx, row.member_id);
      if (!member) return false;
      await this.repo.useEmailToken(tx, row.id, now);
      await this.repo.updateEmail(tx, member, row.new_email, now);
      await audit(tx, { ...actor, type: actor.type === 'anonymous' ? 'member' : actor.type, id: actor.id ?? member.id }, {
        action: 'member.email_changed', subjectType: 'member', subjectId: member.id, memberId: member.id,
        before: { email: member.email }, after: { email: row.new_email },
      });
      await mailer.queue(tx, {
        to: member.email, locale, memberId: member.id,
        template: { subject: 'mail.emailChangedSubject', body: 'mail.emailChangedBody' },
        params: { name: fullName(member), newEmail: row.new_email },
      });
      return true;
    });
  }

  /**
   * 事務局: corrects the member's contact data in one step (a changed email needs no confirmation link: the
   * secretariat has checked it). Audited with before/after; a changed email is told to both addresses.
   */
  async updateContact(actor: Actor, memberId: number, input: ContactInput): Promise<{ changed: (keyof ContactData)[] }> {
    const { db, clock, mailer } = this.deps;
    return db.transaction().execute(async (tx) => {
      const member = await this.repo.lockById(tx, memberId);
      if (!member) throw notFound('member');
      const after: ContactData = {
        email: input.email, phone: input.phone, postal_code: input.postal_code, prefecture: input.prefecture,
        address_line1: input.address_line1, address_line2: input.address_line2, organisation: input.organisation,
      };
      const changed = (Object.keys(after) as (keyof ContactData)[]).filter((k) => after[k] !== member[k]);
      if (changed.length === 0) return { changed };
      const before = Object.fromEntries(changed.map((k) => [k, member[k]]));
      await this.repo.updateContact(tx, member, after, clock.now());
      await audit(tx, actor, {
        action: 'member.contact_changed', subjectType: 'member', subjectId: member.id, memberId: member.id,
        before, after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      });
      if (changed.includes('email')) {
        for (const to of [member.email, after.email]) {
          await mailer.queue(tx, {
            to, locale: 'ja', memberId: member.id,
            template: { subject: 'mail.emailChangedSubject', body: 'mail.emailChangedBody' },
            params: { name: fullName(member), newEmail: after.email },
          });
        }
      }
      return { changed };
    });
  }

  async updateAddress(actor: Actor, memberId: number, input: AddressInput): Promise<void> {
    const { db, clock } = this.deps;
    await db.transaction().execute(async (tx) => {
      const member = await this.repo.lockById(tx, memberId);
      if (!member) throw notFound('member');
      const after: MailingAddress = {
        postal_code: input.postal_code, prefecture: input.prefecture, address_line1: input.address_line1,
        address_line2: input.address_line2, organisation: input.organisation,
      };
      await this.repo.updateAddress(tx, member.id, after, clock.now());
      await audit(tx, actor, {
        action: 'member.address_changed', subjectType: 'member', subjectId: member.id, memberId: member.id, before: addressOf(member), after,
      });
    });
  }
}
