import crypto from 'node:crypto';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import QRCode from 'qrcode';
import { type Actor, audit, auditTrailOfMember, systemActor } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { StaffUser } from '../../platform/db/schema';
import { conflict, forbidden, notFound } from '../../platform/errors';
import type { Locale, MessageKey } from '../../platform/i18n';
import type { Mailer } from '../../platform/mail/mailer';
import type { StaffRole } from '../../platform/policy';
import { hashPassword, isDemoPassword, passwordProblem, verifyPassword } from '../../platform/security/passwords';
import type { Session, SessionStore } from '../../platform/security/sessions';
import type { LoginThrottle } from '../../platform/security/throttle';
import { decryptSecret, encryptSecret, hashToken, randomToken } from '../../platform/security/tokens';
import { StaffRepository } from './repository';

export type { StaffUser };
export type { StaffRole };
export const INVITE_TTL_MS = 72 * 3_600_000;
const RECOVERY_CODES = 10;

export type StaffLoginResult =
  | { ok: true; session: Session; next: 'verify' | 'enrol' }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'throttled'; waitMs: number };

/** XXXXX-XXXXX from an unambiguous alphabet; 50 bits each, single use. */
function newRecoveryCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(10);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

const normalizeRecovery = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export function staffStatus(user: StaffUser): 'active' | 'disabled' | 'invited' {
  if (user.disabled_at) return 'disabled';
  if (!user.password_hash) return 'invited';
  return 'active';
}

/** Secretariat accounts: password + TOTP sign-in, recovery codes, invitations, 2FA reset. */
export class StaffService {
  private repo = new StaffRepository();

  constructor(private deps: { db: Db; clock: Clock; mailer: Mailer; sessions: SessionStore; throttle: LoginThrottle; baseUrl: string; secret: string; issuer: string; refuseDemoPasswords: boolean }) {}

  async getById(id: number): Promise<StaffUser> {
    const user = await this.repo.findById(this.deps.db, id);
    if (!user) throw notFound('staff');
    return user;
  }

  /** 会員360°: the audit trail of one member, newest first, one page, with the staff users' names. */
  async memberAuditTrail(memberId: number, page: { limit: number; offset: number }) {
    const [trail, users] = await Promise.all([auditTrailOfMember(this.deps.db, memberId, page), this.list()]);
    return { ...trail, staffNames: new Map(users.map((u) => [u.id, u.display_name])) };
  }

  list(): Promise<StaffUser[]> {
    return this.repo.list(this.deps.db);
  }

  /** First factor. The session it creates is good for nothing but the second factor (or enrolment). */
  async login(actor: Actor, email: string, password: string, previous?: Session): Promise<StaffLoginResult> {
    const { db, throttle, sessions } = this.deps;
    const key = email.toLowerCase();
    const admitted = await throttle.admit('staff', key, actor.ip ?? '');
    if ('waitMs' in admitted) {
      await audit(db, actor, { action: 'staff.login_throttled', subjectType: 'staff', subjectId: key });
      return { ok: false, reason: 'throttled', waitMs: admitted.waitMs };
    }
    const user = await this.repo.findByEmail(db, key);
    const valid = (await verifyPassword(user?.password_hash, password)) && !(this.deps.refuseDemoPasswords && isDemoPassword(password));
    const usable = valid && !!user && !user.disabled_at;
    await throttle.settle(admitted.attempt, usable);
    if (!usable || !user) {
      await audit(db, actor, { action: 'staff.login_failed', subjectType: 'staff', subjectId: user?.id ?? key });
      return { ok: false, reason: 'failed' };
    }
    if (previous) await sessions.destroy(previous);
    const next = user.totp_secret_enc && user.totp_enrolled_at ? 'verify' : 'enrol';
    const session = await sessions.create('staff', user.id, next === 'verify' ? 'second_factor' : 'enrol', { name: user.display_name, role: user.role });
    await audit(db, { ...actor, type: 'staff', id: user.id }, { action: 'staff.password_ok', subjectType: 'staff', subjectId: user.id });
    return { ok: true, session, next };
  }

  /** Second factor: a TOTP code, or one of the recovery codes. */
  /** The code is right: the session, now active, under a new token (its cookie must be set). */
  async verifySecondFactor(actor: Actor, session: Session, code: string): Promise<{ active: Session } | 'invalid' | { waitMs: number }> {
    const { db, clock, throttle, sessions, secret } = this.deps;
    const key = `2fa:${session.subjectId}`;
    const admitted = await throttle.admit('staff', key, actor.ip ?? '');
    if ('waitMs' in admitted) return { waitMs: admitted.waitMs };
    const user = await this.getById(session.subjectId);
    if (user.disabled_at || !user.totp_secret_enc) return 'invalid';
    const cleaned = code.replace(/\s/g, '');
    let ok = false;
    let method = 'totp';
    if (/^\d{6}$/.test(cleaned)) {
      const epoch = Math.floor(clock.now().getTime() / 1000);
      const result = await verifyTotp({ secret: decryptSecret(secret, user.totp_secret_enc), token: cleaned, epoch, epochTolerance: 30 }).catch(() => ({ valid: false as const }));
      ok = result.valid && (await this.repo.useTotpStep(db, user.id, Math.floor(epoch / 30) + result.delta));
    } else if (cleaned.length >= 10) {
      method = 'recovery_code';
      ok = await this.repo.useRecoveryCode(db, user.id, hashToken(normalizeRecovery(cleaned)), clock.now());
    }
    await throttle.settle(admitted.attempt, ok);
    const who: Actor = { ...actor, type: 'staff', id: user.id };
    if (!ok) {
      await audit(db, who, { action: 'staff.second_factor_failed', subjectType: 'staff', subjectId: user.id });
      return 'invalid';
    }
    await db.transaction().execute(async (tx) => {
      await this.repo.update(tx, user.id, { last_login_at: clock.now() });
      await audit(tx, who, { action: 'staff.login', subjectType: 'staff', subjectId: user.id, detail: { method } });
    });
    return { active: await sessions.promote(session, { stage: 'active', data: { name: user.display_name, role: user.role } }) };
  }

  /** Enrolment step 1: a new secret, kept (encrypted) in the half-open session until confirmed. */
  async startEnrolment(session: Session): Promise<{ secret: string; uri: string; qr: string }> {
    const user = await this.getById(session.subjectId);
    let pending = typeof session.data.pendingSecret === 'string' ? decryptSecret(this.deps.secret, session.data.pendingSecret) : undefined;
    if (!pending) {
      pending = generateSecret();
      await this.deps.sessions.update(session, { data: { ...session.data, pendingSecret: encryptSecret(this.deps.secret, pending) } });
    }
    const uri = generateURI({ issuer: this.deps.issuer, label: user.email, secret: pending });
    const qr = await QRCode.toDataURL(uri, { margin: 2, width: 240 });
    return { secret: pending, uri, qr };
  }

  /** Enrolment step 2: the first code proves the app holds the secret; then 10 recovery codes, shown once. */
  async completeEnrolment(actor: Actor, session: Session, code: string): Promise<{ codes: string[]; active: Session } | null> {
    const { db, clock, sessions, secret } = this.deps;
    if (typeof session.data.pendingSecret !== 'string') return null;
    const pending = decryptSecret(secret, session.data.pendingSecret);
    const epoch = Math.floor(clock.now().getTime() / 1000);
    const { valid } = await verifyTotp({ secret: pending, token: code.replace(/\s/g, ''), epoch, epochTolerance: 30 }).catch(() => ({ valid: false }));
    if (!valid) return null;
    const user = await this.getById(session.subjectId);
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await db.transaction().execute(async (tx) => {
      const now = clock.now();
      await this.repo.update(tx, user.id, { totp_secret_enc: encryptSecret(secret, pending), totp_enrolled_at: now, last_login_at: now, totp_last_step: Math.floor(epoch / 30) });
      await this.repo.replaceRecoveryCodes(tx, user.id, codes.map((c) => hashToken(normalizeRecovery(c))));
      await audit(tx, { ...actor, type: 'staff', id: user.id }, { action: 'staff.totp_enrolled', subjectType: 'staff', subjectId: user.id });
    });
    return { codes, active: await sessions.promote(session, { stage: 'active', data: { name: user.display_name, role: user.role } }) };
  }

  async logout(actor: Actor, session: Session): Promise<void> {
    await this.deps.sessions.destroy(session);
    await audit(this.deps.db, actor, { action: 'staff.logout', subjectType: 'staff', subjectId: session.subjectId });
  }

  async invite(actor: Actor, input: { email: string; displayName: string; role: StaffRole }, locale: Locale): Promise<void> {
    const { db, clock, mailer, baseUrl } = this.deps;
    if (await this.repo.findByEmail(db, input.email)) throw conflict('email taken');
    const token = randomToken();
    await db.transaction().execute(async (tx) => {
      const user = await this.repo.insert(tx, { email: input.email, display_name: input.displayName, role: input.role });
      await this.repo.insertInvite(tx, { staff_id: user.id, token_hash: hashToken(token), expires_at: new Date(clock.now().getTime() + INVITE_TTL_MS) });
      await audit(tx, actor, { action: 'staff.invited', subjectType: 'staff', subjectId: user.id, after: { email: user.email, role: user.role } });
      await mailer.queue(tx, {
        to: user.email, locale,
        template: { subject: 'mail.inviteSubject', body: 'mail.inviteBody' },
        params: { name: user.display_name, link: `${baseUrl}/staff/invite/${token}` },
      });
    });
  }

  /**
   * `npm run staff:create-admin`: the first administrator of a new installation, invited by mail like any
   * colleague (password by the link, TOTP at the first sign-in). Refused once an active admin exists: later
   * administrators are invited on 職員アカウント by an admin, with an audited actor.
   */
  async inviteFirstAdmin(input: { email: string; displayName: string }, locale: Locale): Promise<void> {
    const users = await this.list();
    if (users.some((u) => u.role === 'admin' && !u.disabled_at)) throw conflict('an administrator exists');
    await this.invite(systemActor, { ...input, role: 'admin' }, locale);
  }

  async isInviteUsable(token: string): Promise<boolean> {
    const row = await this.repo.findInvite(this.deps.db, hashToken(token));
    return !!row && !row.used_at && row.expires_at.getTime() > this.deps.clock.now().getTime();
  }

  async acceptInvite(actor: Actor, token: string, password: string): Promise<MessageKey | 'invalid' | null> {
    const { db, clock } = this.deps;
    const row = await this.repo.findInvite(db, hashToken(token));
    if (!row) return 'invalid';
    const user = await this.getById(row.staff_id);
    const problem = passwordProblem(password, { accountName: user.email, email: user.email, names: [user.display_name] });
    if (problem) return problem;
    const passwordHash = await hashPassword(password);
    return db.transaction().execute(async (tx) => {
      const locked = await this.repo.findInvite(tx, hashToken(token), true);
      const now = clock.now();
      if (!locked || locked.used_at || locked.expires_at.getTime() <= now.getTime() || user.disabled_at) return 'invalid' as const;
      await this.repo.update(tx, user.id, { password_hash: passwordHash });
      await this.repo.useInvites(tx, user.id, now);
      await audit(tx, { ...actor, type: 'staff', id: user.id }, { action: 'staff.invite_accepted', subjectType: 'staff', subjectId: user.id });
      return null;
    });
  }

  async setDisabled(actor: Actor, id: number, disabled: boolean): Promise<void> {
    if (actor.id === id) throw forbidden('self');
    const { db, clock, sessions } = this.deps;
    await db.transaction().execute(async (tx) => {
      const user = await this.repo.findById(tx, id, true);
      if (!user) throw notFound('staff');
      await this.repo.update(tx, id, { disabled_at: disabled ? clock.now() : null });
      if (disabled) await sessions.destroyAllFor(tx, 'staff', id);
      await audit(tx, actor, { action: disabled ? 'staff.disabled' : 'staff.enabled', subjectType: 'staff', subjectId: id, before: { disabled_at: user.disabled_at } });
    });
  }

  /** Another role (an auditor made a clerk …): open sessions go, so the next login carries the new role. */
  async setRole(actor: Actor, id: number, role: StaffRole): Promise<void> {
    if (actor.id === id) throw forbidden('self');
    const { db, sessions } = this.deps;
    await db.transaction().execute(async (tx) => {
      const user = await this.repo.findById(tx, id, true);
      if (!user) throw notFound('staff');
      if (user.role === role) return;
      await this.repo.update(tx, id, { role });
      await sessions.destroyAllFor(tx, 'staff', id);
      await audit(tx, actor, { action: 'staff.role_changed', subjectType: 'staff', subjectId: id, before: { role: user.role }, after: { role } });
    });
  }

  /** A lost phone: the next login enrols again; recovery codes and open sessions go. */
  async resetSecondFactor(actor: Actor, id: number): Promise<void> {
    if (actor.id === id) throw forbidden('self');
    const { db, sessions } = this.deps;
    await db.transaction().execute(async (tx) => {
      const user = await this.repo.findById(tx, id, true);
      if (!user) throw notFound('staff');
      await this.repo.update(tx, id, { totp_secret_enc: null, totp_enrolled_at: null, totp_last_step: null });
      await this.repo.replaceRecoveryCodes(tx, id, []);
      await sessions.destroyAllFor(tx, 'staff', id);
      await audit(tx, actor, { action: 'staff.second_factor_reset', subjectType: 'staff', subjectId: id });
    });
  }

  /** Demo data: an enrolled account with a known TOTP secret. Never reachable from a route. */
  async createEnrolledForSeed(input: { email: string; displayName: string; role: StaffRole; passwordHash: string; totpSecret: string }): Promise<void> {
    const { db, clock, secret } = this.deps;
    if (await this.repo.findByEmail(db, input.email)) return;
    const user = await this.repo.insert(db, { email: input.email, display_name: input.displayName, role: input.role, password_hash: input.passwordHash });
    await this.repo.update(db, user.id, { totp_secret_enc: encryptSecret(secret, input.totpSecret), totp_enrolled_at: clock.now() });
  }
}
