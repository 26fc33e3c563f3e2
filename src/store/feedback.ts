import type { Db } from '../db/open.js';
import { stmt } from './statements.js';

/** A thumbs up (+1) or down (-1) on one paper. */
export type Vote = 1 | -1;

/** Records (or replaces) a subscriber's vote on a paper; repeating the same vote changes nothing. */
export function recordVote(db: Db, subscriberId: number, paperId: string, vote: Vote, now = new Date()): void {
  // One current vote per (subscriber, paper): a new click overwrites, the same click is a no-op.
  stmt(db, `
    INSERT INTO feedback_votes (subscriber_id, paper_id, vote, voted_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (subscriber_id, paper_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at
    WHERE vote <> excluded.vote`).run(subscriberId, paperId, vote, now.toISOString());
}

/** Removes a subscriber's vote on a paper (the undo button); harmless when there is none. */
export function clearVote(db: Db, subscriberId: number, paperId: string): void {
  // Undo: forget the vote entirely.
  stmt(db, 'DELETE FROM feedback_votes WHERE subscriber_id = ? AND paper_id = ?').run(subscriberId, paperId);
}

/** A subscriber's votes, newest first: what the ranker learns from. */
export function votesOf(db: Db, subscriberId: number): { paperId: string; vote: Vote }[] {
  // Every current vote of one subscriber.
  return stmt(db, `
    SELECT paper_id AS paperId, vote FROM feedback_votes WHERE subscriber_id = ? ORDER BY voted_at DESC`)
    .all(subscriberId) as { paperId: string; vote: Vote }[];
}
