import { createHmac, timingSafeEqual } from 'node:crypto';

// A link token is `<subscriber id in base 36>.<HMAC-SHA256 of purpose, id and a version>`: 256 bits
// of MAC, nothing secret stored in the database, and old links die when the version changes.

/** What a token lets its holder do; a token for one purpose never works for another. */
export type TokenPurpose = 'confirm' | 'manage';

/** Signs a token for subscriber `id`; `version` is the subscriber's token version (or confirm nonce). */
export function signToken(secret: string, purpose: TokenPurpose, id: number, version: string | number): string {
  return `${id.toString(36)}.${mac(secret, purpose, id, version)}`;
}

/** Reads the subscriber id out of a token without trusting it; null when malformed. */
export function tokenSubject(token: string): number | null {
  const m = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const id = parseInt(m[1], 36);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** True when `token` is the one signed for this purpose, id and version (constant-time compare). */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string, version: string | number): boolean {
  const id = tokenSubject(token);
  if (id === null) return false;
  const expected = Buffer.from(signToken(secret, purpose, id, version));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function mac(secret: string, purpose: TokenPurpose, id: number, version: string | number): string {
  return createHmac('sha256', secret).update(`${purpose}:${id}:${version}`).digest('base64url');
}
