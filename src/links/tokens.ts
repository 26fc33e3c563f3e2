import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual, type Cipher, type Decipher } from 'node:crypto';

// A link token is `<public id>[.<yyyymmdd>].<HMAC-SHA256 of purpose, public id and a version>`: 256 bits of
// MAC, nothing secret stored in the database, and a token for one purpose never works for another.
// The public id is the row's id encrypted with AES under a key derived from the secret (one block, so a
// pseudorandom permutation): links never show the sequential id, and the server reads it back without a
// lookup table. Ids are never reused (see signUp), so a dead row's links stay dead.

/** What a token lets its holder do. `digest` views one digest and votes on its papers; `confirm` names a sign-up request. */
export type TokenPurpose = 'confirm' | 'manage' | 'unsubscribe' | 'digest';

/** Any token in a path: 32 hex digits of public id, a day for digest tokens, 43 base64url characters of MAC. */
export const TOKEN_PATTERN = '[0-9a-f]{32}(?:\\.\\d{8})?\\.[A-Za-z0-9_-]{43}';
/** Tokens mailed before public ids (`<id in base 36>.<MAC>`): only unsubscribe still reads them, for a while. */
export const LEGACY_TOKEN_PATTERN = '[0-9a-z]{1,12}\\.[A-Za-z0-9_-]{43}';

const TOKEN = new RegExp(`^([0-9a-f]{32})(?:\\.(\\d{4})(\\d\\d)(\\d\\d))?\\.[A-Za-z0-9_-]{43}$`);
const LEGACY = new RegExp(`^([0-9a-z]{1,12})\\.[A-Za-z0-9_-]{43}$`);

/** Which table a public id names: the first byte of the block, so an id of one kind never reads as the other. */
const KIND = { subscriber: 1, request: 2 } as const;
const kindOf = (purpose: TokenPurpose) => (purpose === 'confirm' ? KIND.request : KIND.subscriber);

/** A secret's AES-128 ciphers for public ids, made once: ECB without padding keeps no state between blocks. */
interface IdCipher { enc: Cipher; dec: Decipher; last: { kind: number; id: number; pid: string } }
const ciphers = new Map<string, IdCipher>();

function idCipher(secret: string): IdCipher {
  let c = ciphers.get(secret);
  if (!c) {
    const key = createHmac('sha256', secret).update('paperboy public ids').digest().subarray(0, 16);
    c = {
      enc: createCipheriv('aes-128-ecb', key, null).setAutoPadding(false),
      dec: createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false),
      last: { kind: 0, id: 0, pid: '' },
    };
    ciphers.set(secret, c);
  }
  return c;
}

/** The public id of row `id` (32 hex digits). A mail's links share one: the last is kept. */
export function publicId(secret: string, purpose: TokenPurpose, id: number): string {
  const c = idCipher(secret);
  const kind = kindOf(purpose);
  if (c.last.kind === kind && c.last.id === id) return c.last.pid;
  const block = Buffer.alloc(16);
  block[0] = kind;
  block.writeBigUInt64BE(BigInt(id), 8);
  c.last = { kind, id, pid: c.enc.update(block).toString('hex') };
  return c.last.pid;
}

/** The row id a public id stands for, or null when it was not made by publicId for this purpose (64 bits must be zero). */
function rowId(secret: string, purpose: TokenPurpose, pid: string): number | null {
  const block = idCipher(secret).dec.update(Buffer.from(pid, 'hex'));
  if (block[0] !== kindOf(purpose) || block.readUIntBE(1, 6) !== 0 || block[7] !== 0) return null;
  const id = block.readBigUInt64BE(8);
  return id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : null;
}

/** Signs a token for row `id`; `version` is what must change for the token to die; `day` (YYYY-MM-DD) binds a digest token to one digest. */
export function signToken(secret: string, purpose: TokenPurpose, id: number, version: number, day?: string): string {
  const subject = day ? `${publicId(secret, purpose, id)}.${day.replaceAll('-', '')}` : publicId(secret, purpose, id);
  return `${subject}.${mac(secret, `v2:${purpose}:${subject}:${version}`)}`;
}

/** The row id (and, for a digest token, the day) a token names, before its MAC is checked; null when malformed. */
export function tokenSubject(secret: string, purpose: TokenPurpose, token: string): { id: number; day: string | null } | null {
  const m = TOKEN.exec(token);
  if (!m || (purpose === 'digest') !== (m[2] !== undefined)) return null;
  const id = rowId(secret, purpose, m[1]);
  return id === null ? null : { id, day: m[2] ? `${m[2]}-${m[3]}-${m[4]}` : null };
}

/** True when `token` is the one signed for this purpose, subject and version (constant-time compare). */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string, version: number): boolean {
  const s = tokenSubject(secret, purpose, token);
  return s !== null && same(signToken(secret, purpose, s.id, version, s.day ?? undefined), token);
}

/** The subscriber id in a token of the old format, before its MAC is checked; null when it is not one. */
export function legacyTokenSubject(token: string): number | null {
  const m = LEGACY.exec(token);
  const id = m ? parseInt(m[1], 36) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** True when `token` is an old-format manage token of this subscriber and version (what mails carried before public ids). */
export function verifyLegacyToken(secret: string, token: string, id: number, version: number): boolean {
  return same(`${id.toString(36)}.${mac(secret, `manage:${id}:${version}`)}`, token);
}

function same(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function mac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}
