import { isArxivCategory, MAX_CATEGORY_LENGTH } from '../arxiv.js';
import type { Db } from '../db/open.js';
import { stmt } from './statements.js';
import type { Paper } from '../model.js';
import { rowToPaper } from './papers.js';

type PaperRow = Parameters<typeof rowToPaper>[0];

/** Every arXiv category seen on a stored paper, sorted: what the sign-up form offers. Ingest keeps only
 *  well-formed ones; anything else stored before it did is left out here. */
export function knownCategories(db: Db, limit = 200): string[] {
  // json_each unnests the JSON array each paper keeps in `categories`; short values only.
  const found = stmt(db, `
    SELECT DISTINCT c.value FROM papers p, json_each(p.categories) c
    WHERE c.type = 'text' AND length(c.value) <= ? ORDER BY c.value LIMIT ?`).pluck().all(MAX_CATEGORY_LENGTH, limit) as string[];
  return found.filter(isArxivCategory);
}

/** The papers of one day (published that day, or first seen that day when the source gave no date), most upvoted first. */
export function papersOfDay(db: Db, date: string, limit = 200): Paper[] {
  const rows = stmt(db, `
    SELECT * FROM papers WHERE substr(COALESCE(published, first_seen), 1, 10) = ?
    ORDER BY COALESCE(upvotes, 0) DESC, first_seen DESC, rowid LIMIT ?`).all(date, limit) as PaperRow[];
  return rows.map(rowToPaper);
}

/** The nearest days before and after `date` that have papers, for the archive's navigation. */
export function neighbourDays(db: Db, date: string): { before: string | null; after: string | null } {
  // Two index-free scans over a day key; the table holds thousands of rows, not millions.
  const before = stmt(db, `
    SELECT max(substr(COALESCE(published, first_seen), 1, 10)) FROM papers
    WHERE substr(COALESCE(published, first_seen), 1, 10) < ?`).pluck().get(date) as string | null;
  const after = stmt(db, `
    SELECT min(substr(COALESCE(published, first_seen), 1, 10)) FROM papers
    WHERE substr(COALESCE(published, first_seen), 1, 10) > ?`).pluck().get(date) as string | null;
  return { before, after };
}

/** The most recent day that has papers, or null when the store is empty. */
export function latestDay(db: Db): string | null {
  // The newest day key over all papers.
  return stmt(db, 'SELECT max(substr(COALESCE(published, first_seen), 1, 10)) FROM papers').pluck().get() as string | null;
}

/** One stored paper by id. */
export function getPaper(db: Db, id: string): Paper | undefined {
  // One paper by primary key.
  const row = stmt(db, 'SELECT * FROM papers WHERE id = ?').get(id) as PaperRow | undefined;
  return row && rowToPaper(row);
}
