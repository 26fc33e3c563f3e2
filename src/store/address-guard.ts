import { createHmac } from 'node:crypto';
import type { Db } from '../db/open.js';
import { atomically, stmt } from './statements.js';

// What protects addresses from strangers: sign-up throttling and the suppression entries left by
// "delete my data" and by complaints. Both keep an HMAC of the address, never the address.

/** The HMAC of a normalised address: what suppressions and sign-up throttling keep instead of the address. */
export function emailHash(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`email:${email.trim().toLowerCase()}`).digest('base64url');
}

/** The mailbox an address reaches, for counting what is sent to it: lower case, without a `+tag` (sub-addressing:
 *  `ada+1@` and `ada+2@` reach `ada@`'s mailbox, so they share its sign-up mails). */
export function mailboxOf(email: string): string {
  const s = email.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at < 0) return s;
  const plus = s.indexOf('+');
  return plus >= 0 && plus < at ? `${s.slice(0, plus)}${s.slice(at)}` : s;
}

/** Why an address is suppressed: the admin removed it, its owner deleted their data, or it marked a mail as spam. */
export type SuppressionReason = 'removed' | 'deleted' | 'complaint';

/** Puts an address on the suppression list ("delete my data", `subscribers remove`, a complaint); repeating it is harmless. */
export function suppress(db: Db, hash: string, now = new Date(), reason: SuppressionReason): void {
  // The address's HMAC, when and why, nothing else; the first time is kept.
  stmt(db, 'INSERT OR IGNORE INTO suppressions (email_hash, created_at, reason) VALUES (?, ?, ?)').run(hash, now.toISOString(), reason);
}

/** Drops a suppression entry: the owner confirmed a new sign-up, or the admin lifted it; false when there was none. */
export function liftSuppression(db: Db, hash: string): boolean {
  return stmt(db, 'DELETE FROM suppressions WHERE email_hash = ?').run(hash).changes > 0;
}

/** One suppression entry: when and why (reason null for entries made before reasons were kept). */
export interface Suppression {
  since: string;
  reason: SuppressionReason | null;
}

/** The suppression entry of an address's hash, or null. */
export function suppressionOf(db: Db, hash: string): Suppression | null {
  return (stmt(db, 'SELECT created_at AS since, reason FROM suppressions WHERE email_hash = ?').get(hash) as Suppression | undefined) ?? null;
}

/** Every suppression entry, newest first: when and why (the addresses are not kept, only their hashes). */
export function suppressions(db: Db): Suppression[] {
  return stmt(db, 'SELECT created_at AS since, reason FROM suppressions ORDER BY created_at DESC').all() as Suppression[];
}

/**
 * Records a sign-up attempt for an address and says whether it is within `max` per 24 hours.
 * Attempts are counted whatever the address's state, so the answer reveals nothing about it.
 */
export function recordSignupAttempt(db: Db, hash: string, max: number, now = new Date()): { allowed: boolean; retryAfterSeconds: number } {
  return atomically(db, () => {
    pruneAttempts(db, now);
    // This address's attempts in the last 24 hours, oldest first.
    const times = stmt(db, 'SELECT at FROM signup_attempts WHERE email_hash = ? AND at >= ? ORDER BY at').pluck()
      .all(hash, new Date(now.getTime() - DAY_MS).toISOString()) as string[];
    if (times.length >= max) {
      const freeAt = Date.parse(times[times.length - max]) + DAY_MS;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)) };
    }
    stmt(db, 'INSERT INTO signup_attempts (email_hash, at) VALUES (?, ?)').run(hash, now.toISOString());
    return { allowed: true, retryAfterSeconds: 0 };
  });
}

const DAY_MS = 86_400_000;
const lastPrune = new WeakMap<Db, number>();

/** Forgets attempts older than a day, at most once a minute per connection (the count query ignores them anyway). */
function pruneAttempts(db: Db, now: Date): void {
  if (now.getTime() - (lastPrune.get(db) ?? 0) < 60_000) return;
  lastPrune.set(db, now.getTime());
  // Old attempts, found through the index on at.
  stmt(db, 'DELETE FROM signup_attempts WHERE at < ?').run(new Date(now.getTime() - DAY_MS).toISOString());
}
