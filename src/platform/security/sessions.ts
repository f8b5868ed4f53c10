import type { Clock } from '../clock';
import type { Db, Executor } from '../db/database';
import { cookieName } from './cookies';
import { hashToken, randomToken } from './tokens';

export type Realm = 'member' | 'staff';
export type SessionStage = 'active' | 'second_factor' | 'enrol';

export interface SessionPolicy {
  cookie: string;
  path: string;
  idleMs: number;
  absoluteMs: number;
}

const MINUTE = 60_000;

export const sessionPolicies: Record<Realm, SessionPolicy> = {
  member: { cookie: 'ksid', path: '/', idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE },
  staff: { cookie: 'kstaff', path: '/staff', idleMs: 15 * MINUTE, absoluteMs: 12 * 60 * MINUTE },
};

/** The session cookie's name on the wire: `__Host-ksid` and `__Secure-kstaff` over HTTPS (platform/security/cookies.ts). */
export function sessionCookieName(realm: Realm, secure: boolean): string {
  const policy = sessionPolicies[realm];
  return cookieName(policy.cookie, { secure, path: policy.path });
}

/** Writing last_seen_at on every request would make each page a write; a minute's slack is enough. */
const TOUCH_EVERY_MS = MINUTE;

export interface Session {
  token: string;
  idHash: string;
  realm: Realm;
  subjectId: number;
  stage: SessionStage;
  data: Record<string, unknown>;
}

export type LoadResult = { session: Session } | { expired: true } | null;

/** Server-side sessions in PostgreSQL (see docs/decisions/0003-sessions.md). */
export class SessionStore {
  constructor(private db: Db, private clock: Clock) {}

  async create(realm: Realm, subjectId: number, stage: SessionStage = 'active', data: Record<string, unknown> = {}): Promise<Session> {
    const token = randomToken();
    const idHash = hashToken(token);
    const now = this.clock.now();
    await this.db
      .insertInto('sessions')
      .values({ id_hash: idHash, realm, subject_id: subjectId, stage, data: JSON.stringify(data), created_at: now, last_seen_at: now })
      .execute();
    return { token, idHash, realm, subjectId, stage, data };
  }

  async load(realm: Realm, token: string | undefined): Promise<LoadResult> {
    if (!token || token.length > 100) return null;
    const idHash = hashToken(token);
    const row = await this.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).where('realm', '=', realm).executeTakeFirst();
    if (!row) return null;
    const policy = sessionPolicies[realm];
    const now = this.clock.now().getTime();
    if (now - row.last_seen_at.getTime() > policy.idleMs || now - row.created_at.getTime() > policy.absoluteMs) {
      await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
      return { expired: true };
    }
    if (now - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
      await this.db.updateTable('sessions').set({ last_seen_at: new Date(now) }).where('id_hash', '=', idHash).execute();
    }
    return {
      session: { token, idHash, realm, subjectId: row.subject_id, stage: row.stage, data: (row.data ?? {}) as Record<string, unknown> },
    };
  }

  async update(session: Session, changes: { stage?: SessionStage; data?: Record<string, unknown> }): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({
        ...(changes.stage ? { stage: changes.stage } : {}),
        ...(changes.data ? { data: JSON.stringify(changes.data) } : {}),
      })
      .where('id_hash', '=', session.idHash)
      .execute();
  }

  /**
   * The session moves to a new stage under a NEW token (the old one stops working in the same statement):
   * whoever learnt the token of the half-open session (password only) gains nothing once the second factor
   * is given (ASVS 3.2.1). The caller sets the new token's cookie.
   */
  async promote(session: Session, changes: { stage: SessionStage; data: Record<string, unknown> }): Promise<Session> {
    const token = randomToken();
    const idHash = hashToken(token);
    await this.db
      .updateTable('sessions')
      .set({ id_hash: idHash, stage: changes.stage, data: JSON.stringify(changes.data), last_seen_at: this.clock.now() })
      .where('id_hash', '=', session.idHash)
      .execute();
    return { ...session, token, idHash, stage: changes.stage, data: changes.data };
  }

  async destroy(session: Pick<Session, 'idHash'>): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', session.idHash).execute();
  }

  /** Ends every session of one account (after a password change), keeping `except` if given. */
  async destroyAllFor(tx: Executor, realm: Realm, subjectId: number, opts: { except?: string } = {}): Promise<number> {
    const { except } = opts;
    let q = tx.deleteFrom('sessions').where('realm', '=', realm).where('subject_id', '=', subjectId);
    if (except) q = q.where('id_hash', '<>', except);
    const res = await q.executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /** Housekeeping for the scheduled job: sessions idle past the longest policy. */
  async purgeExpired(): Promise<number> {
    const longestIdle = Math.max(...Object.values(sessionPolicies).map((p) => p.idleMs));
    const res = await this.db.deleteFrom('sessions').where('last_seen_at', '<', new Date(this.clock.now().getTime() - longestIdle)).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
