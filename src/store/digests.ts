import type { Db } from '../db/open.js';
import type { RankedPaper } from '../model.js';

/** A claim on one subscriber's digest for one local day. */
export interface DigestClaim {
  subscriberId: number;
  date: string;
  messageId: string;
  subject: string;
  items: RankedPaper[];
}

/** True when the subscriber's digest for that local day was already claimed (in any state). */
export function hasDigest(db: Db, subscriberId: number, date: string): boolean {
  return db.prepare('SELECT 1 FROM digests WHERE subscriber_id = ? AND digest_date = ?').pluck().get(subscriberId, date) === 1;
}

/**
 * Claims the day's digest and records its papers in one transaction, before anything is sent.
 * Returns the digest id, or null when another run claimed that day first.
 */
export function claimDigest(db: Db, c: DigestClaim, now = new Date()): number | null {
  return db.transaction(() => {
    // UNIQUE(subscriber_id, digest_date) makes the claim: a second claimant inserts nothing.
    const ins = db.prepare(`
      INSERT INTO digests (subscriber_id, digest_date, state, message_id, subject, created_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (subscriber_id, digest_date) DO NOTHING`)
      .run(c.subscriberId, c.date, c.items.length ? 'sending' : 'empty', c.messageId, c.subject, now.toISOString());
    if (ins.changes === 0) return null;
    const id = Number(ins.lastInsertRowid);
    const item = db.prepare(`
      INSERT INTO digest_items (digest_id, subscriber_id, paper_id, position, score, why) VALUES (?, ?, ?, ?, ?, ?)`);
    c.items.forEach((r, i) => item.run(id, c.subscriberId, r.paper.id, i + 1, r.score, JSON.stringify(r.why)));
    return id;
  })();
}

/** Records the SMTP server's acceptance of a digest. */
export function markSent(db: Db, id: number, response: string, now = new Date()): void {
  db.prepare("UPDATE digests SET state = 'sent', smtp_response = ?, sent_at = ? WHERE id = ?").run(response, now.toISOString(), id);
}

/** Records why a digest could not be handed over. */
export function markFailed(db: Db, id: number, error: string): void {
  db.prepare("UPDATE digests SET state = 'failed', smtp_response = ? WHERE id = ?").run(error, id);
}
