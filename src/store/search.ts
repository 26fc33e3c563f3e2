// Full-text search over the stored papers. The FTS5 index lives in its own file, attached as `search`
// (migrations/search-index.sql); it follows the papers table through the change log of migration 008.
import { runInBackground } from '../db/background.js';
import type { Db } from '../db/open.js';
import type { Paper } from '../model.js';
import { rowToPaper } from './papers.js';
import { stmt } from './statements.js';

type PaperRow = Parameters<typeof rowToPaper>[0];

/** The change log's high-water mark: the seq of its last entry (AUTOINCREMENT keeps it in sqlite_sequence), 0 before the first. */
const LAST_CHANGE = "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'paper_changes'), 0)";

/** One transaction that brings the index up to date with papers: every paper the first time, then the logged changes. */
const CATCH_UP = `
BEGIN;
-- A write first: a second catch-up (another thread or process) waits for this one instead of failing.
UPDATE search.indexed SET seq = seq;
-- (indexed is the outer loop of each statement, so its seq is tested before papers is read at all.)
INSERT INTO search.papers_fts (rowid, title, abstract, authors)
  SELECT p.rowid, p.title, p.abstract, p.authors FROM search.indexed i CROSS JOIN papers p WHERE i.seq < 0;
-- Papers added or changed since the last catch-up: their text replaces what the index held…
INSERT OR REPLACE INTO search.papers_fts (rowid, title, abstract, authors)
  SELECT p.rowid, p.title, p.abstract, p.authors FROM search.indexed i CROSS JOIN papers p
  WHERE i.seq >= 0 AND p.rowid IN (SELECT paper FROM paper_changes WHERE seq > i.seq);
-- …and papers since removed leave it.
DELETE FROM search.papers_fts WHERE rowid IN (
  SELECT c.paper FROM search.indexed i CROSS JOIN paper_changes c
  WHERE c.seq > i.seq AND NOT EXISTS (SELECT 1 FROM papers WHERE rowid = c.paper));
UPDATE search.indexed SET seq = ${LAST_CHANGE};
COMMIT;`;

/** True when papers changed after the index last caught up. */
function indexBehind(db: Db): boolean {
  return stmt(db, `SELECT (SELECT seq FROM search.indexed) < ${LAST_CHANGE}`).pluck().get() === 1;
}

/** Brings the full-text index up to date on this thread. */
export function catchUpIndex(db: Db): void {
  if (!indexBehind(db)) return;
  try {
    db.exec(CATCH_UP);
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** Brings the index up to date on the worker thread, beside the main one (an in-memory database: here, now).
 *  Every call sends its own catch-up: one that finds nothing new costs a moment, one skipped could miss changes. */
export function indexInBackground(db: Db): void {
  if (db.memory) catchUpIndex(db);
  else if (indexBehind(db)) void runInBackground(db, CATCH_UP, 'search index catch-up');
}

/** An FTS5 query that finds papers holding every word of `text`; words are quoted, so no input is FTS5 syntax. */
export function ftsQuery(text: string): string {
  return (text.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => `"${w}"`).join(' ');
}

/** Brings the index up to date before a search, so papers stored a moment ago are found too. A catch-up another
 *  thread or process holds for longer than the busy timeout (rebuilding a large index) is not waited out: the
 *  search answers from the index as it is. */
export function catchUpQuietly(db: Db): void {
  try {
    catchUpIndex(db);
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
  }
}

/** The papers whose title, abstract or authors hold every word of `text`, best match first. */
export function searchPapers(db: Db, text: string, limit = 20): Paper[] {
  const query = ftsQuery(text);
  if (query === '') return [];
  catchUpQuietly(db);
  // bm25 with a word in the title worth 4 in the abstract, in the authors 2; the index rowid is papers.rowid.
  const rows = stmt(db, `
    SELECT p.* FROM search.papers_fts JOIN papers p ON p.rowid = papers_fts.rowid
    WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 4.0, 1.0, 2.0) LIMIT ?`).all(query, limit) as PaperRow[];
  return rows.map(rowToPaper);
}

