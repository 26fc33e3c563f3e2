// The sender's last step, claim → send → record: a hand-off's outcome mapped onto the store's rows. The attempt
// and the digest's next state (store/digests.ts) and, on a final outcome, the subscriber's bounce counters
// (store/bounces.ts) are written in one transaction.
import type { Db } from '../db/open.js';
import { bounceCounts, setBounceCounts } from '../store/bounces.js';
import { recordAttempt, type AfterAttempt, type AttemptReply } from '../store/digests.js';
import { atomically } from '../store/statements.js';
import { countBounce, suspension, type AttemptOutcome, type BounceLimits } from './outcome.js';

/** An outcome as the digest and attempt rows store it. */
export function attemptReply(o: AttemptOutcome): AttemptReply {
  return { outcome: o.kind, smtpCode: o.code, smtpResponse: o.text };
}

/** One leased attempt's outcome and what follows it. */
export interface FinishedAttempt {
  id: number;
  subscriberId: number;
  owner: string;
  attempt: number;
  outcome: AttemptOutcome;
  next: AfterAttempt;
}

/**
 * Records an attempt and the digest's next state while `owner` still holds the lease; a final outcome (sent or
 * failed) is then counted against the subscriber's bounce limits. False when the lease had been lost.
 */
export function recordOutcome(db: Db, h: FinishedAttempt, limits: BounceLimits, now = new Date()): boolean {
  // Part of the caller's transaction when it holds one (the sender commits a group of outcomes at once).
  return atomically(db, () => {
    if (!recordAttempt(db, { id: h.id, owner: h.owner, attempt: h.attempt, reply: attemptReply(h.outcome), next: h.next }, now)) return false;
    if (h.next.state !== 'retry') countOutcome(db, h.subscriberId, h.outcome, limits, now);
    return true;
  });
}

/** Counts a final outcome against a subscriber: new bounce counters, and a suspension once a limit is reached. */
export function countOutcome(db: Db, subscriberId: number, final: AttemptOutcome, limits: BounceLimits, now = new Date()): void {
  const c = bounceCounts(db, subscriberId);
  if (!c) return;
  const n = countBounce(c, final);
  if (n.hard !== c.hard || n.soft !== c.soft) setBounceCounts(db, subscriberId, n, suspension(n, limits), now);
}
