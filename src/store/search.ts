// Full-text search over the stored papers, through the FTS5 index of migrations/006_fts.sql.
import type { Db } from '../db/open.js';
import type { Paper } from '../model.js';
import { rowToPaper } from './papers.js';
import { stmt } from './statements.js';

type PaperRow = Parameters<typeof rowToPaper>[0];

/** An FTS5 query that finds papers holding every word of `text`; words are quoted, so no input is FTS5 syntax. */
export function ftsQuery(text: string): string {
  return (text.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => `"${w}"`).join(' ');
}

/** The papers whose title, abstract or authors hold every word of `text`, best match first. */
export function searchPapers(db: Db, text: string, limit = 20): Paper[] {
  const query = ftsQuery(text);
  if (query === '') return [];
  // bm25 with a word in the title worth 4 in the abstract, in the authors 2; the index rowid is papers.rowid.
  const rows = stmt(db, `
    SELECT p.* FROM papers_fts JOIN papers p ON p.rowid = papers_fts.rowid
    WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 4.0, 1.0, 2.0) LIMIT ?`).all(query, limit) as PaperRow[];
  return rows.map(rowToPaper);
}
