import type { Db } from '../db/open.js';
import { stmt } from './statements.js';
import type { RankedPaper } from '../model.js';
import { rowToPaper } from './papers.js';

type PaperRow = Parameters<typeof rowToPaper>[0];

/** A digest as it was sent: its day and the papers it held, in order, with their reasons. */
export interface SentDigest {
  id: number;
  date: string;
  ranked: RankedPaper[];
}

/** The id of a subscriber's digest of local day `date` (whatever its state), or null. */
export function digestIdOf(db: Db, subscriberId: number, date: string): number | null {
  // UNIQUE (subscriber_id, digest_date): at most one.
  return (stmt(db, 'SELECT id FROM digests WHERE subscriber_id = ? AND digest_date = ?').pluck().get(subscriberId, date) as number | undefined) ?? null;
}

/** True when paper `paperId` is one of the papers digest `digestId` held. */
export function inDigest(db: Db, digestId: number, paperId: string): boolean {
  // The digest's items, by its primary key's first column.
  return stmt(db, 'SELECT 1 FROM digest_items WHERE digest_id = ? AND paper_id = ?').pluck().get(digestId, paperId) === 1;
}

/** One sent digest of one subscriber (null when it is not theirs or was never handed over). */
export function sentDigest(db: Db, id: number, subscriberId: number): SentDigest | null {
  // The digest row, only when it belongs to this subscriber and went out.
  const row = stmt(db, `
    SELECT id, digest_date FROM digests WHERE id = ? AND subscriber_id = ? AND state = 'sent'`)
    .get(id, subscriberId) as { id: number; digest_date: string } | undefined;
  if (!row) return null;
  // Its papers in the order they were mailed, with the score and reasons recorded then.
  const items = stmt(db, `
    SELECT p.*, i.score AS item_score, i.why AS item_why FROM digest_items i JOIN papers p ON p.id = i.paper_id
    WHERE i.digest_id = ? ORDER BY i.position`).all(id) as (PaperRow & { item_score: number; item_why: string })[];
  return {
    id: row.id, date: row.digest_date,
    ranked: items.map((r) => ({ paper: rowToPaper(r), score: r.item_score, why: JSON.parse(r.item_why) as string[] })),
  };
}

/** One sent digest as the preferences page lists it: its day, subject and how many papers it held. */
export interface PastDigest {
  date: string;
  subject: string | null;
  papers: number;
}

/** A subscriber's sent digests still kept (retention prunes older ones), newest first, at most `limit`, and how many there are. */
export function pastDigests(db: Db, subscriberId: number, limit: number): { digests: PastDigest[]; total: number } {
  // The subscriber's sent digests through UNIQUE (subscriber_id, digest_date), each with its paper count.
  const digests = stmt(db, `
    SELECT d.digest_date AS date, d.subject, (SELECT count(*) FROM digest_items i WHERE i.digest_id = d.id) AS papers
    FROM digests d WHERE d.subscriber_id = ? AND d.state = 'sent' ORDER BY d.digest_date DESC LIMIT ?`).all(subscriberId, limit) as PastDigest[];
  const total = stmt(db, "SELECT count(*) FROM digests WHERE subscriber_id = ? AND state = 'sent'").pluck().get(subscriberId) as number;
  return { digests, total };
}
