// The confirmation-mail queue (migration 007): rows of pending subscribers whose mail is due.
import type { Db } from '../db/open.js';
import { stmt } from './statements.js';
import { toRecord, type SubscriberRecord, type SubscriberRow } from './subscribers.js';

/** A confirmation mail claimed for sending, and which attempt this is (1 = the first). */
export interface ClaimedConfirmation {
  subscriber: SubscriberRecord;
  attempts: number;
}

/**
 * Claims up to `limit` due confirmation mails for `leaseMs` (another process skips them meanwhile)
 * and counts the attempt. Only pending subscribers: one who confirmed, left or was deleted needs none.
 */
export function claimConfirmations(db: Db, now: Date, leaseMs: number, limit: number): ClaimedConfirmation[] {
  const rows = stmt(db, `
    UPDATE subscribers SET confirm_next_at = @lease, confirm_attempts = confirm_attempts + 1
    WHERE id IN (SELECT id FROM subscribers
                 WHERE confirm_mail = 'queued' AND (confirm_next_at IS NULL OR confirm_next_at <= @now)
                 ORDER BY confirm_next_at, id LIMIT @limit)
      AND status = 'pending'
    RETURNING *`).all({ now: now.toISOString(), lease: new Date(now.getTime() + leaseMs).toISOString(), limit }) as (SubscriberRow & { confirm_attempts: number })[];
  return rows.map((r) => ({ subscriber: toRecord(r), attempts: r.confirm_attempts }));
}

/** How a claimed confirmation mail ended: handed over, to be tried again at a time, or given up. */
export type ConfirmationOutcome = { state: 'sent' } | { state: 'queued'; at: Date } | { state: 'failed' };

/**
 * Records the outcome of a claimed mail and its SMTP reply. Matched on the nonce the mail carried:
 * if the address signed up again meanwhile, the newer mail stays queued (and false is returned).
 */
export function finishConfirmation(db: Db, sub: SubscriberRecord, outcome: ConfirmationOutcome, reply: string): boolean {
  return stmt(db, `
    UPDATE subscribers SET confirm_mail = @state, confirm_next_at = @at, confirm_reply = @reply
    WHERE id = @id AND confirm_nonce = @nonce AND confirm_mail = 'queued'`).run({
    id: sub.id, nonce: sub.confirmNonce, state: outcome.state, reply,
    at: outcome.state === 'queued' ? outcome.at.toISOString() : null,
  }).changes > 0;
}

/** When the next queued confirmation mail is due (null: none queued). */
export function nextConfirmationAt(db: Db): Date | null {
  const at = stmt(db, `SELECT min(COALESCE(confirm_next_at, '')) FROM subscribers WHERE confirm_mail = 'queued' AND status = 'pending'`)
    .pluck().get() as string | null;
  return at === null ? null : new Date(at || 0);
}
