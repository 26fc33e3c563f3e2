import { isArxivCategory, MAX_CATEGORY_LENGTH } from '../arxiv.js';
import type { Db } from '../db/open.js';
import { stmt } from './statements.js';
import type { Paper } from '../model.js';
import { rowToPaper } from './papers.js';
import { catchUpQuietly, ftsQuery } from './search.js';

type PaperRow = Parameters<typeof rowToPaper>[0];

/** A day's key in SQL: the day a paper was published, or first seen when the source gave no date. */
const DAY = 'substr(COALESCE(p.published, p.first_seen), 1, 10)';

/** Every arXiv category on the stored papers (of one day, when given) and how many papers carry it, by code.
 *  Ingest keeps only well-formed codes; anything else stored before it did is left out here. */
export function categoryCounts(db: Db, day: string | null = null): { code: string; papers: number }[] {
  // json_each unnests the JSON array each paper keeps in `categories`; short values only.
  const rows = stmt(db, `
    SELECT c.value AS code, count(*) AS papers FROM papers p, json_each(p.categories) c
    WHERE c.type = 'text' AND length(c.value) <= @max AND (@day IS NULL OR ${DAY} = @day)
    GROUP BY c.value ORDER BY c.value`).all({ day, max: MAX_CATEGORY_LENGTH }) as { code: string; papers: number }[];
  return rows.filter((r) => isArxivCategory(r.code));
}

/** Which papers an archive page lists: one day's, one category's, or both. */
export interface ArchiveFilter {
  day?: string | null;
  category?: string | null;
}

/** The WHERE clause of an archive filter (named parameters @day and @category). */
const FILTER = `(@day IS NULL OR ${DAY} = @day)
  AND (@category IS NULL OR EXISTS (SELECT 1 FROM json_each(p.categories) c WHERE c.value = @category))`;

/** One page of the papers a filter matches (newest day first, most upvoted first within a day), and how many match in all. */
export function archivePage(db: Db, f: ArchiveFilter, offset: number, limit: number): { papers: Paper[]; total: number } {
  const params = { day: f.day ?? null, category: f.category ?? null };
  // The page, in the order the archive lists papers.
  const rows = stmt(db, `
    SELECT p.* FROM papers p WHERE ${FILTER}
    ORDER BY ${DAY} DESC, COALESCE(p.upvotes, 0) DESC, p.first_seen DESC, p.rowid LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit, offset }) as PaperRow[];
  // How many papers the filter matches, for "26–50 of 253".
  const total = stmt(db, `SELECT count(*) FROM papers p WHERE ${FILTER}`).pluck().get(params) as number;
  return { papers: rows.map(rowToPaper), total };
}

/** One page of the papers a filter matches whose title, abstract or authors hold every word of `text`, best
 *  full-text match first, and how many match in all. */
export function archiveSearch(db: Db, text: string, f: ArchiveFilter, offset: number, limit: number): { papers: Paper[]; total: number } {
  const query = ftsQuery(text);
  if (query === '') return { papers: [], total: 0 };
  catchUpQuietly(db);
  const params = { query, day: f.day ?? null, category: f.category ?? null };
  // The page, best bm25 match first (a word in the title counts most); the index rowid is papers.rowid.
  const rows = stmt(db, `
    SELECT p.* FROM search.papers_fts JOIN papers p ON p.rowid = papers_fts.rowid
    WHERE papers_fts MATCH @query AND ${FILTER} ORDER BY bm25(papers_fts, 4.0, 1.0, 2.0) LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit, offset }) as PaperRow[];
  // How many papers match in all.
  const total = stmt(db, `
    SELECT count(*) FROM search.papers_fts JOIN papers p ON p.rowid = papers_fts.rowid
    WHERE papers_fts MATCH @query AND ${FILTER}`).pluck().get(params) as number;
  return { papers: rows.map(rowToPaper), total };
}

/** One page of the days that have papers, newest first, with how many each has; and how many days there are. */
export function archiveDays(db: Db, offset: number, limit: number): { days: { day: string; papers: number }[]; total: number } {
  // Papers grouped by their day key.
  const days = stmt(db, `
    SELECT ${DAY} AS day, count(*) AS papers FROM papers p GROUP BY day ORDER BY day DESC LIMIT ? OFFSET ?`)
    .all(limit, offset) as { day: string; papers: number }[];
  // The number of distinct day keys.
  const total = stmt(db, `SELECT count(DISTINCT ${DAY}) FROM papers p`).pluck().get() as number;
  return { days, total };
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
