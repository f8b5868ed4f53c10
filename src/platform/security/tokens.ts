import crypto from 'node:crypto';

/** A random, URL-safe secret (256 bits) for links and session cookies. */
export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** Tokens are stored only as their SHA-256: a database leak gives no usable link or session. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Key derived from the session secret for one purpose, so one secret never serves two uses. */
function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', secret, 'koushin', purpose, 32));
}

/** AES-256-GCM for small secrets at rest (TOTP seeds). Output: iv.tag.ciphertext, base64url. */
export function encryptSecret(secret: string, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', deriveKey(secret, 'secret-at-rest'), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

export function decryptSecret(secret: string, sealed: string): string {
  const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !data) throw new Error('malformed sealed secret');
  const decipher = crypto.createDecipheriv('aes-256-gcm', deriveKey(secret, 'secret-at-rest'), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}
