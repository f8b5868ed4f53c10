import crypto from 'node:crypto';
import QRCode from 'qrcode';
import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ensureSetting } from '../../platform/settings';

const KEY_SETTING = 'checkin_qr_signing_key';
const PREFIX = 'KSN1';
/** A code covers a whole meeting (3 days) and no more. */
export const QR_VALID_MS = 72 * 3_600_000;

export interface CheckinPayload {
  /** member number */
  m: string;
  /** issued at, seconds since epoch */
  iat: number;
  /** expires at, seconds since epoch */
  exp: number;
}

export type Verification =
  | { status: 'valid'; payload: CheckinPayload }
  | { status: 'expired'; payload: CheckinPayload }
  | { status: 'invalid' };

interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/**
 * 学術集会の会員確認で利用するQRコード: the member number and validity window signed with the
 * society's Ed25519 key. Reception desks verify it offline with the public key (/checkin/public-key.pem).
 * Format: KSN1.<base64url JSON payload>.<base64url signature over "KSN1.<payload>">.
 */
export class CheckinService {
  private keys?: Promise<KeyPair>;

  constructor(private deps: { db: Db; clock: Clock }) {}

  private keyPair(): Promise<KeyPair> {
    this.keys ??= (async () => {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
      const fresh: KeyPair = {
        privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
      // The first instance to start stores its pair; every other one reads that one.
      return ensureSetting(this.deps.db, KEY_SETTING, fresh);
    })();
    return this.keys;
  }

  async publicKeyPem(): Promise<string> {
    return (await this.keyPair()).publicKeyPem;
  }

  async issue(actor: Actor, member: { id: number; member_number: string }): Promise<{ code: string; payload: CheckinPayload; png: string }> {
    const memberNumber = member.member_number;
    const now = Math.floor(this.deps.clock.now().getTime() / 1000);
    const payload: CheckinPayload = { m: memberNumber, iat: now, exp: now + QR_VALID_MS / 1000 };
    const body = `${PREFIX}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const signature = crypto.sign(null, Buffer.from(body), (await this.keyPair()).privateKeyPem).toString('base64url');
    const code = `${body}.${signature}`;
    const png = await QRCode.toDataURL(code, { errorCorrectionLevel: 'M', margin: 2, width: 360 });
    await audit(this.deps.db, actor, { action: 'checkin.qr_issued', subjectType: 'member', subjectId: member.id, memberId: member.id, detail: { exp: payload.exp } });
    return { code, payload, png };
  }

  async verify(code: string): Promise<Verification> {
    const parts = code.trim().split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) return { status: 'invalid' };
    const [prefix, body, signature] = parts as [string, string, string];
    let ok = false;
    try {
      ok = crypto.verify(null, Buffer.from(`${prefix}.${body}`), await this.publicKeyPem(), Buffer.from(signature, 'base64url'));
    } catch {
      ok = false;
    }
    if (!ok) return { status: 'invalid' };
    let payload: CheckinPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CheckinPayload;
    } catch {
      return { status: 'invalid' };
    }
    const now = this.deps.clock.now().getTime() / 1000;
    return payload.exp < now ? { status: 'expired', payload } : { status: 'valid', payload };
  }
}
