// Votes (👍/👎 from digest links), papers by id, and a subscriber's digest preferences.
import type { Db } from '../db/open.js';
import type { Paper, Profile } from '../model.js';
import { rowToPaper } from './papers.js';
import { stmt } from './statements.js';

/** What a vote click did. */
export type VoteOutcome = 'recorded' | 'not-sent';

/** What a weak day sends: nothing, or a short note. */
export type WeakDay = 'skip' | 'note';

/** Records a 👍/👎, replacing an earlier one; refused (nothing written) unless the paper was sent to this subscriber. */
export function recordVote(db: Db, subscriberId: number, paperId: string, vote: 1 | -1, now = new Date()): VoteOutcome {
  // Insert only when a digest item proves the paper was sent to this subscriber; a repeat click updates the row.
  const info = stmt(db, `
    INSERT INTO votes (subscriber_id, paper_id, vote, created_at)
    SELECT @subscriberId, @paperId, @vote, @now
    WHERE EXISTS (SELECT 1 FROM digest_items WHERE subscriber_id = @subscriberId AND paper_id = @paperId)
    ON CONFLICT (subscriber_id, paper_id) DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at`)
    .run({ subscriberId, paperId, vote, now: now.toISOString() });
  return info.changes > 0 ? 'recorded' : 'not-sent';
}

/** Takes a vote back; true when there was one. */
export function undoVote(db: Db, subscriberId: number, paperId: string): boolean {
  // Delete the subscriber's vote on this paper, if any.
  return stmt(db, 'DELETE FROM votes WHERE subscriber_id = ? AND paper_id = ?').run(subscriberId, paperId).changes > 0;
}

/** A subscriber's vote on one paper: 1 (👍), -1 (👎), or null when there is none. */
export function voteOn(db: Db, subscriberId: number, paperId: string): 1 | -1 | null {
  // The (subscriber_id, paper_id) primary key answers this.
  return (stmt(db, 'SELECT vote FROM votes WHERE subscriber_id = ? AND paper_id = ?').pluck().get(subscriberId, paperId) as 1 | -1 | undefined) ?? null;
}

/** A subscriber's `limit` most recent votes, oldest first, as Profile.votes wants them. */
export function votesOf(db: Db, subscriberId: number, limit: number): Profile['votes'] {
  // Newest N votes, then put back in time order.
  return stmt(db, `
    SELECT paper_id AS paperId, vote FROM (
      SELECT paper_id, vote, created_at, rowid FROM votes WHERE subscriber_id = ?
      ORDER BY created_at DESC, rowid DESC LIMIT ?)
    ORDER BY created_at, rowid`).all(subscriberId, limit) as Profile['votes'];
}

/** The stored papers among `ids` (unknown ids are skipped), keyed by id. */
export function papersByIds(db: Db, ids: string[]): Map<string, Paper> {
  const unique = [...new Set(ids)];
  const out = new Map<string, Paper>();
  // One paper by id; run per id so no statement grows with the input.
  const one = stmt(db, 'SELECT * FROM papers WHERE id = ?');
  for (const id of unique) {
    const row = one.get(id) as Parameters<typeof rowToPaper>[0] | undefined;
    if (row) out.set(id, rowToPaper(row));
  }
  return out;
}
