import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Locale, MessageKey } from '../../platform/i18n';
import { formatDateTime } from '../../platform/japanese';
import type { Mailer } from '../../platform/mail/mailer';
import { hashPassword, isDemoPassword, passwordProblem, verifyPassword } from '../../platform/security/passwords';
import type { Session, SessionStore } from '../../platform/security/sessions';
import type { LoginThrottle } from '../../platform/security/throttle';
import { hashToken, randomToken } from '../../platform/security/tokens';
import { fullName, type MembersService } from '../members/service';
import { AuthRepository } from './repository';

export const RESET_TOKEN_TTL_MS = 30 * 60_000;
/** More reset mails than this per hour for one member are silently not sent (mail-bombing brake). */
const RESET_MAILS_PER_HOUR = 5;

export type LoginResult =
  | { ok: true; session: Session }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'throttled'; waitMs: number };

export class AuthService {
  private repo = new AuthRepository();

  constructor(private deps: { db: Db; clock: Clock; mailer: Mailer; sessions: SessionStore; throttle: LoginThrottle; members: MembersService; baseUrl: string; refuseDemoPasswords: boolean }) {}

  async login(actor: Actor, memberNumber: string, password: string, previous?: Session): Promise<LoginResult> {
    const { db, throttle, members, sessions } = this.deps;
    const ip = actor.ip ?? '';
    // Counted before the password is checked, serialised per account: concurrent tries cannot share one allowance.
    const admitted = await throttle.admit('member', memberNumber, ip);
    const member = await members.findByNumber(memberNumber);
    if ('waitMs' in admitted) {
      const { waitMs } = admitted;
      await audit(db, actor, { action: 'auth.login_throttled', subjectType: 'member', subjectId: memberNumber, memberId: member?.id, detail: { waitMs } });
      return { ok: false, reason: 'throttled', waitMs };
    }
    const storedHash = member ? await this.repo.passwordHash(db, member.id) : undefined;
    const valid = (await verifyPassword(storedHash, password)) && !(this.deps.refuseDemoPasswords && isDemoPassword(password));
    await throttle.settle(admitted.attempt, valid);
    if (!valid || !member) {
      await audit(db, actor, { action: 'auth.login_failed', subjectType: 'member', subjectId: memberNumber, memberId: member?.id });
      return { ok: false, reason: 'failed' };
    }
    // A new session id at every login: a session fixed before login is worth nothing after it.
    if (previous) await sessions.destroy(previous);
    const session = await sessions.create('member', member.id, 'active', { name: fullName(member) });
    await audit(db, { ...actor, type: 'member', id: member.id }, { action: 'auth.login', subjectType: 'member', subjectId: member.id, memberId: member.id });
    return { ok: true, session };
  }

  async logout(actor: Actor, session: Session): Promise<void> {
    await this.deps.sessions.destroy(session);
    await audit(this.deps.db, actor, { action: 'auth.logout', subjectType: 'member', subjectId: session.subjectId, memberId: session.subjectId });
  }

  /**
   * 「パスワードをお忘れですか？」 and first-time password setting. The caller shows the same answer
   * whether or not the number exists.
   */
  async requestReset(actor: Actor, memberNumber: string, locale: Locale): Promise<void> {
    const member = await this.deps.members.findByNumber(memberNumber);
    if (!member) {
      await audit(this.deps.db, actor, { action: 'auth.reset_requested_unknown', subjectType: 'member', subjectId: memberNumber });
      return;
    }
    await this.sendResetLink(actor, member.id, locale);
  }

  /**
   * Also used by staff from the member page: staff never see or set a password, they send this link.
   * Returns false when the hourly limit kept the mail back.
   */
  async sendResetLink(actor: Actor, memberId: number, locale: Locale): Promise<boolean> {
    const { db, clock, mailer, members, baseUrl } = this.deps;
    const member = await members.getById(memberId);
    return db.transaction().execute(async (tx) => {
      const now = clock.now();
      const recent = await this.repo.countRecentResetTokens(tx, member.id, new Date(now.getTime() - 3_600_000));
      if (recent >= RESET_MAILS_PER_HOUR) {
        await audit(tx, actor, { action: 'auth.reset_suppressed', subjectType: 'member', subjectId: member.id, memberId: member.id });
        return false;
      }
      const token = randomToken();
      await this.repo.insertResetToken(tx, { member_id: member.id, token_hash: hashToken(token), expires_at: new Date(now.getTime() + RESET_TOKEN_TTL_MS), created_at: now });
      await audit(tx, actor, { action: 'auth.reset_link_sent', subjectType: 'member', subjectId: member.id, memberId: member.id });
      await mailer.queue(tx, {
        to: member.email, locale, memberId: member.id,
        template: { subject: 'mail.resetSubject', body: 'mail.resetBody' },
        params: { name: fullName(member), link: `${baseUrl}/password/reset/${token}` },
      });
      return true;
    });
  }

  async isResetTokenUsable(token: string): Promise<boolean> {
    const row = await this.repo.findResetToken(this.deps.db, hashToken(token));
    return !!row && !row.used_at && row.expires_at.getTime() > this.deps.clock.now().getTime();
  }

  /**
   * Sets the password from a reset link: single use, 30 minutes, rules checked, every session of
   * the member ended, a confirmation mailed. Returns the rule broken, 'invalid' for a bad link, or null.
   */
  async resetPassword(actor: Actor, token: string, password: string, locale: Locale): Promise<MessageKey | 'invalid' | null> {
    const { db, clock, mailer, sessions, members } = this.deps;
    const row = await this.repo.findResetToken(db, hashToken(token));
    if (!row) return 'invalid';
    const member = await members.getById(row.member_id);
    const problem = passwordProblem(password, {
      accountName: member.member_number, email: member.email,
      names: [member.family_name, member.given_name, member.family_name_kana, member.given_name_kana],
    });
    if (problem) return problem;
    const passwordHash = await hashPassword(password);
    const result = await db.transaction().execute(async (tx) => {
      const locked = await this.repo.findResetToken(tx, hashToken(token), true);
      const now = clock.now();
      if (!locked || locked.used_at || locked.expires_at.getTime() <= now.getTime()) return 'invalid' as const;
      await this.repo.setPasswordHash(tx, member.id, passwordHash, now);
      await this.repo.useAllResetTokens(tx, member.id, now);
      await sessions.destroyAllFor(tx, 'member', member.id);
      await audit(tx, { ...actor, type: 'member', id: member.id }, { action: 'auth.password_set', subjectType: 'member', subjectId: member.id, memberId: member.id });
      await mailer.queue(tx, {
        to: member.email, locale, memberId: member.id,
        template: { subject: 'mail.resetDoneSubject', body: 'mail.resetDoneBody' },
        params: { name: fullName(member), at: formatDateTime(now, locale) },
      });
      return null;
    });
    return result;
  }

  /** Demo and test data: sets a password directly (no mail, no audit). Never reachable from a route. */
  async setPasswordForSeed(memberId: number, passwordHash: string): Promise<void> {
    await this.repo.setPasswordHash(this.deps.db, memberId, passwordHash, this.deps.clock.now());
  }
}
