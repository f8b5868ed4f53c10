import crypto from 'node:crypto';
import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { AppError, RuleViolation, forbidden, notFound } from '../../platform/errors';
import { tokyoDate } from '../../platform/japanese';
import { hashToken, randomToken } from '../../platform/security/tokens';
import type { CreditsService } from '../credits/service';
import type { MembersService } from '../members/service';
import { type ApiToken, ApiRepository, type ApiTokenRow } from './repository';
import type { CreditPost, CreditPosted, FieldError, ProblemSlug } from './schemas';

export type { ApiToken, ApiTokenRow };

export const TOKEN_PREFIX = 'kst_';
/** A reservation without a response older than this belongs to a request that died: a retry may take it over. */
const STALE_RESERVATION_MS = 60_000;

/** The API refused the request for a reason the caller can act on; the routes turn it into a problem. */
export class ApiRefusal extends Error {
  constructor(readonly slug: ProblemSlug, readonly detail: string, readonly errors?: FieldError[]) {
    super(slug);
  }
}

/** The caller of the public API: a token, where the request came from. */
export interface ApiCaller {
  token: ApiToken;
  ip?: string;
  requestId?: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  /** true when the stored response of an earlier request with the same Idempotency-Key was returned. */
  replayed: boolean;
}

/** Canonical form of a validated request, so a retry that differs only in spacing or width is the same request. */
export const requestHash = (input: CreditPost) =>
  crypto.createHash('sha256').update(JSON.stringify([input.memberNumber, input.creditCode, input.activityDate, input.externalId])).digest('hex');

const isUniqueViolation = (err: unknown, constraint: string) =>
  (err as { code?: string }).code === '23505' && (err as { constraint?: string }).constraint === constraint;

/** API tokens for e-learning providers, and the credits they post (idempotent per token and key). */
export class ApiService {
  private repo = new ApiRepository();

  constructor(private deps: { db: Db; clock: Clock; credits: CreditsService; members: MembersService }) {}

  // ── Tokens (administrators) ─────────────────────────────────────────────────────────────────────
  listTokens(): Promise<ApiTokenRow[]> {
    return this.repo.listTokens(this.deps.db);
  }

  /** Issues a token. The returned secret is shown once; only its SHA-256 is stored. */
  async createToken(actor: Actor, name: string): Promise<{ token: string; row: ApiToken }> {
    if (actor.type !== 'staff' || actor.id === null) throw forbidden('api_token');
    const createdBy = actor.id;
    const token = `${TOKEN_PREFIX}${randomToken(32)}`;
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const inserted = await this.repo.insertToken(tx, {
        name, token_hash: hashToken(token), token_prefix: token.slice(0, 8), created_by: createdBy, created_at: this.deps.clock.now(),
      });
      await audit(tx, actor, { action: 'api_token.created', subjectType: 'api_token', subjectId: inserted.id, after: { name, prefix: inserted.token_prefix } });
      return inserted;
    });
    return { token, row };
  }

  /** Revokes a token at once; revoking a revoked token changes nothing. */
  async revokeToken(actor: Actor, id: number): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const token = await this.repo.findTokenById(tx, id, true);
      if (!token) throw notFound('api_token');
      if (token.revoked_at) return;
      const now = this.deps.clock.now();
      await this.repo.revoke(tx, id, now);
      await audit(tx, actor, {
        action: 'api_token.revoked', subjectType: 'api_token', subjectId: id,
        before: { revoked: false }, after: { revoked: true }, detail: { name: token.name, prefix: token.token_prefix },
      });
    });
  }

  /** The token behind an Authorization header's secret, if it exists and is not revoked. */
  async authenticate(secret: string): Promise<ApiToken | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return undefined;
    const token = await this.repo.findActiveByHash(this.deps.db, hashToken(secret));
    if (token) await this.repo.touch(this.deps.db, token.id, this.deps.clock.now());
    return token;
  }

  // ── Credits from e-learning providers ──────────────────────────────────────────────────────────
  /**
   * Records an approved e-learning credit, once per Idempotency-Key: the key is reserved first (a unique
   * row per token and key), the credit is recorded, then the response is stored with the reservation.
   * A retry with the same key and body gets the stored response; with another body, a 422. A request
   * that fails changes nothing and gives its key back, so it may be retried as it is.
   */
  async postCredit(caller: ApiCaller, idempotencyKey: string, input: CreditPost): Promise<ApiResponse> {
    const { db, clock } = this.deps;
    const hash = requestHash(input);
    const reservationId = await this.reserve(caller.token.id, idempotencyKey, hash);
    if (typeof reservationId !== 'string') return reservationId;

    const actor: Actor = { type: 'system', id: caller.token.id, ip: caller.ip, requestId: caller.requestId };
    let recorded = false;
    try {
      const member = await this.deps.members.findByNumber(input.memberNumber);
      if (!member) throw new ApiRefusal('member-not-found', `No member has the member number ${input.memberNumber}.`);
      if (input.activityDate > tokyoDate(clock.now())) {
        throw new ApiRefusal('activity-date-in-future', `activityDate ${input.activityDate} is after today (${tokyoDate(clock.now())}, Japan time).`);
      }
      const credit = await this.deps.credits
        .recordEarned(actor, { memberId: member.id, code: input.creditCode, activityDate: input.activityDate, source: 'elearning', externalId: input.externalId, kinds: ['elearning'] })
        .catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'not_found' && err.message === 'catalogue') {
            throw new ApiRefusal('unknown-credit-code', `The credit code ${input.creditCode} is not in the catalogue.`);
          }
          if (err instanceof RuleViolation && err.key === 'credits.codeInvalid') {
            throw new ApiRefusal('credit-code-not-elearning', `The credit code ${input.creditCode} is not an e-learning entry; providers may post e-learning credits only.`);
          }
          if (isUniqueViolation(err, 'credits_external')) {
            throw new ApiRefusal('duplicate-external-id', `A credit with externalId ${input.externalId} was already recorded.`);
          }
          throw err;
        });
      if (!credit) throw new Error('recordEarned returned no credit');
      recorded = true;
      const body: CreditPosted = {
        controlNo: credit.control_no, memberNumber: member.member_number, creditCode: input.creditCode, credits: credit.credits,
        activityDate: credit.activity_date, status: 'approved',
      };
      await db.transaction().execute(async (tx) => {
        await this.repo.complete(tx, reservationId, 201, body, clock.now());
        await audit(tx, actor, {
          action: 'api.credit_posted', subjectType: 'credit', subjectId: credit.control_no, memberId: member.id,
          detail: { tokenId: caller.token.id, tokenName: caller.token.name, idempotencyKey, externalId: input.externalId },
        });
      });
      return { status: 201, body, replayed: false };
    } catch (err) {
      // Nothing was recorded: the key is free again. (Once recorded, the reservation stays; a retry after
      // it goes stale finds the externalId taken and is told so.)
      if (!recorded) await this.repo.release(db, reservationId).catch(() => {});
      throw err;
    }
  }

  /** The reservation id for a new request, or the answer for a key already used. */
  private async reserve(tokenId: number, key: string, hash: string): Promise<string | ApiResponse> {
    const { db, clock } = this.deps;
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = clock.now();
      const reserved = await this.repo.reserve(db, { token_id: tokenId, idempotency_key: key, request_hash: hash, created_at: now });
      if (reserved) return reserved.id;
      const existing = await this.repo.findRequest(db, tokenId, key);
      if (!existing) continue; // released between the two statements: try again
      if (existing.request_hash !== hash) {
        throw new ApiRefusal('idempotency-key-reused', 'This Idempotency-Key was already used with a different request body.');
      }
      if (existing.response_status !== null) return { status: existing.response_status, body: existing.response_body, replayed: true };
      if (await this.repo.takeOver(db, existing.id, new Date(now.getTime() - STALE_RESERVATION_MS), now)) return existing.id;
      throw new ApiRefusal('idempotency-key-in-progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    throw new ApiRefusal('idempotency-key-in-progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
  }
}
