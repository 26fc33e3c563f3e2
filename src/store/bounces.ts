// A subscriber's bounce counters and suspension: columns of subscribers (migration 004). What counts as a
// bounce, and when to suspend, is mail's policy (src/mail/outcome.ts); this file only reads and writes.
import type { Db } from '../db/open.js';
import { stmt as sql } from './statements.js';

/** Bounce counters of a subscriber: hard bounces, and soft-bounced digests in a row. */
export interface BounceCounts {
  hard: number;
  soft: number;
}

/** A subscriber's bounce counters, or undefined when there is no such subscriber. */
export function bounceCounts(db: Db, subscriberId: number): BounceCounts | undefined {
  // Read inside the caller's transaction when it updates them.
  return sql(db, 'SELECT hard_bounces AS hard, soft_bounces AS soft FROM subscribers WHERE id = ?').get(subscriberId) as BounceCounts | undefined;
}

/** Stores new counters; `suspendFor`, when given, suspends the subscriber (the first reason and time are kept). */
export function setBounceCounts(db: Db, subscriberId: number, counts: BounceCounts, suspendFor: string | null, now = new Date()): void {
  // A first reason to suspend sets suspended_at, which later runs skip.
  sql(db, `
    UPDATE subscribers SET hard_bounces = ?, soft_bounces = ?,
      suspended_at = CASE WHEN ? IS NOT NULL THEN COALESCE(suspended_at, ?) ELSE suspended_at END,
      suspended_reason = COALESCE(suspended_reason, ?)
    WHERE id = ?`).run(counts.hard, counts.soft, suspendFor, now.toISOString(), suspendFor, subscriberId);
}

/** Ids of suspended subscribers (few; read once per run). */
export function suspendedIds(db: Db): Set<number> {
  // A partial scan: suspended_at is NULL for nearly everyone.
  return new Set(sql(db, 'SELECT id FROM subscribers WHERE suspended_at IS NOT NULL').pluck().all() as number[]);
}

/** Lifts a suspension and resets the bounce counters (after the address was fixed). */
export function unsuspend(db: Db, subscriberId: number): boolean {
  // Counters start again from zero.
  return sql(db, `
    UPDATE subscribers SET suspended_at = NULL, suspended_reason = NULL, hard_bounces = 0, soft_bounces = 0
    WHERE id = ? AND suspended_at IS NOT NULL`).run(subscriberId).changes > 0;
}

/** A subscriber whose suspension was lifted: the address and why it had been suspended. */
export interface Unsuspended {
  email: string;
  reason: string | null;
  since: string;
}

/** Lifts every suspension made at or after `since` (an ISO date or time), counters reset; what was lifted, by address. */
export function unsuspendSince(db: Db, since: string): Unsuspended[] {
  // RETURNING would read the rows as updated: the reasons and times are read first, in the same transaction.
  return db.transaction(() => {
    const rows = sql(db, `SELECT email, suspended_reason AS reason, suspended_at AS since FROM subscribers
      WHERE suspended_at IS NOT NULL AND suspended_at >= ? ORDER BY suspended_at, email`).all(since) as Unsuspended[];
    sql(db, `UPDATE subscribers SET suspended_at = NULL, suspended_reason = NULL, hard_bounces = 0, soft_bounces = 0
      WHERE suspended_at IS NOT NULL AND suspended_at >= ?`).run(since);
    return rows;
  })();
}
