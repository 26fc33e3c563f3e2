// A subscriber's library (migration 012): entries matched to stored papers by arXiv id, then DOI, then title, and
// linked to their paper when it is stored later. Entries are kept in the order they are given (most recent first).
import type { Db } from '../db/open.js';
import type { LibraryEntry, Paper } from '../model.js';
import { atomically, stmt } from './statements.js';

/** How an entry was matched to a stored paper. */
export type MatchedBy = 'arxiv' | 'doi' | 'title';

/** A stored library entry. */
export interface StoredEntry {
  id: number;
  position: number;
  title: string;
  abstract: string;
  authors: string[];
  arxivId: string | null;
  doi: string | null;
  added: string | null;
  /** Where `added` came from: the export's date-added, or the upload day; null for entries stored before that was kept. */
  addedFrom: 'export' | 'upload' | null;
  /** The stored paper it was matched to, and how; null while it is a text example (or waits for its paper). */
  paperId: string | null;
  matchedBy: MatchedBy | null;
  /** Hashed term counts of the text the ranker reads for it (rank/tokenize.ts, encodeTerms); null until kept. */
  terms: Uint8Array | null;
  /** Its row in the semantic space learned at `rowSpace` (null with rowSpace set: its paper is in that space). */
  row: Uint8Array | null;
  rowSpace: string | null;
}

interface EntryRow {
  id: number; position: number; title: string; abstract: string; authors: string; arxiv_id: string | null; doi: string | null;
  added: string | null; added_from: 'export' | 'upload' | null; paper_id: string | null; matched_by: MatchedBy | null;
  terms: Uint8Array | null; row: Uint8Array | null; row_space: string | null;
}

const toEntry = (r: EntryRow): StoredEntry => ({
  id: r.id, position: r.position, title: r.title, abstract: r.abstract, authors: JSON.parse(r.authors), arxivId: r.arxiv_id,
  doi: r.doi, added: r.added, addedFrom: r.added_from, paperId: r.paper_id, matchedBy: r.matched_by,
  terms: r.terms, row: r.row, rowSpace: r.row_space,
});

/** The columns library_entries and library_previous share, in one order, for copying rows between them. */
const COLUMNS = 'subscriber_id, position, title, abstract, authors, arxiv_id, doi, title_key, latex_key, added, added_from, paper_id, matched_by';

/** The stored paper an entry names, by arXiv id, then DOI, then title (an arXiv-keyed row before a title-only one). */
export function matchEntry(db: Db, e: Pick<LibraryEntry, 'arxivId' | 'doi' | 'titleKeys'>): { paperId: string; by: MatchedBy } | null {
  const byId = e.arxivId && stmt(db, 'SELECT id FROM papers WHERE id = ?').pluck().get(e.arxivId) as string | undefined;
  if (byId) return { paperId: byId, by: 'arxiv' };
  const byDoi = e.doi && stmt(db, 'SELECT id FROM papers WHERE doi = ? LIMIT 1').pluck().get(e.doi) as string | undefined;
  if (byDoi) return { paperId: byDoi, by: 'doi' };
  for (const key of e.titleKeys) {
    // Through papers_title_key; arXiv-keyed rows first (false sorts before true).
    const byTitle = stmt(db, "SELECT id FROM papers WHERE title_key = ? ORDER BY id LIKE 'title:%' LIMIT 1").pluck().get(key) as string | undefined;
    if (byTitle) return { paperId: byTitle, by: 'title' };
  }
  return null;
}

/** What a library comes to against the store: entries matched to stored papers, kept as text examples (a title, no
 *  stored paper), and waiting (an id or DOI alone, no stored paper yet). */
export interface LibrarySummary {
  matched: number;
  text: number;
  waiting: number;
}

/** Counts one entry, given what it matched, into `s`. */
function tally(s: LibrarySummary, e: LibraryEntry, m: unknown): void {
  if (m) s.matched++;
  else if (e.title) s.text++;
  else s.waiting++;
}

/** What a library would come to against the store now (a sign-up's, kept aside until confirmed). Reads only. */
export function librarySummary(db: Db, entries: LibraryEntry[]): LibrarySummary {
  const s = { matched: 0, text: 0, waiting: 0 };
  for (const e of entries) tally(s, e, matchEntry(db, e));
  return s;
}

/** Replaces a subscriber's library with `entries` (in the order given: position 0 first), each matched now; returns
 *  what it came to. The library it replaces, if any, is kept one step back (previousLibrary, restorePrevious). */
export function replaceLibrary(db: Db, subscriberId: number, entries: LibraryEntry[], now = new Date()): LibrarySummary {
  const s = { matched: 0, text: 0, waiting: 0 };
  atomically(db, () => {
    keepPrevious(db, subscriberId, now);
    // Every entry of the subscriber.
    stmt(db, 'DELETE FROM library_entries WHERE subscriber_id = ?').run(subscriberId);
    // One entry, with the paper it matched (if any).
    const insert = stmt(db, `
      INSERT INTO library_entries (subscriber_id, position, title, abstract, authors, arxiv_id, doi, title_key, latex_key, added, added_from, paper_id, matched_by)
      VALUES (@subscriberId, @position, @title, @abstract, @authors, @arxivId, @doi, @titleKey, @latexKey, @added, @addedFrom, @paperId, @by)`);
    entries.forEach((e, position) => {
      const m = matchEntry(db, e);
      tally(s, e, m);
      insert.run({
        subscriberId, position, title: e.title, abstract: e.abstract, authors: JSON.stringify(e.authors), arxivId: e.arxivId, doi: e.doi,
        titleKey: e.titleKeys[0] ?? null, latexKey: e.titleKeys[1] ?? null, added: e.added, addedFrom: e.addedFrom ?? null,
        paperId: m?.paperId ?? null, by: m?.by ?? null,
      });
    });
  });
  return s;
}

/** Makes the current library, when it has entries, the one kept a step back (the one kept before goes). */
function keepPrevious(db: Db, subscriberId: number, now: Date): void {
  // Through the UNIQUE (subscriber_id, position) index: does the subscriber have a library now?
  if (!stmt(db, 'SELECT 1 FROM library_entries WHERE subscriber_id = ? LIMIT 1').pluck().get(subscriberId)) return;
  // The library kept before.
  stmt(db, 'DELETE FROM library_previous WHERE subscriber_id = ?').run(subscriberId);
  // The current entries, as they are, with when they were replaced.
  stmt(db, `INSERT INTO library_previous (${COLUMNS}, replaced_at) SELECT ${COLUMNS}, ? FROM library_entries WHERE subscriber_id = ?`)
    .run(now.toISOString(), subscriberId);
}

/** The library kept one step back: how many entries, and when it was replaced; null when there is none. */
export function previousLibrary(db: Db, subscriberId: number): { entries: number; replacedAt: string } | null {
  // Through the primary key (subscriber_id, position).
  const row = stmt(db, 'SELECT count(*) AS entries, max(replaced_at) AS replacedAt FROM library_previous WHERE subscriber_id = ?')
    .get(subscriberId) as { entries: number; replacedAt: string | null };
  return row.entries ? { entries: row.entries, replacedAt: row.replacedAt! } : null;
}

/** Puts the library kept a step back in place, and keeps the current one a step back instead (undo, and undo again);
 *  false when none was kept. Entries that waited for their paper are matched again. */
export function restorePrevious(db: Db, subscriberId: number, now = new Date()): boolean {
  return atomically(db, () => {
    if (!previousLibrary(db, subscriberId)) return false;
    // A swap through positions past any library's (5,000 entries at most): the kept rows come in above the current ones…
    stmt(db, `INSERT INTO library_entries (${COLUMNS}) SELECT ${COLUMNS.replace('position', 'position + 1000000')} FROM library_previous WHERE subscriber_id = ?`)
      .run(subscriberId);
    // …the kept copy goes…
    stmt(db, 'DELETE FROM library_previous WHERE subscriber_id = ?').run(subscriberId);
    // …the current rows become the kept ones…
    stmt(db, `INSERT INTO library_previous (${COLUMNS}, replaced_at) SELECT ${COLUMNS}, ? FROM library_entries WHERE subscriber_id = ? AND position < 1000000`)
      .run(now.toISOString(), subscriberId);
    stmt(db, 'DELETE FROM library_entries WHERE subscriber_id = ? AND position < 1000000').run(subscriberId);
    // …and the restored rows take their own positions back.
    stmt(db, 'UPDATE library_entries SET position = position - 1000000 WHERE subscriber_id = ?').run(subscriberId);
    rematch(db, subscriberId);
    return true;
  });
}

/** Forgets the library kept a step back. */
export function forgetPrevious(db: Db, subscriberId: number): boolean {
  return stmt(db, 'DELETE FROM library_previous WHERE subscriber_id = ?').run(subscriberId).changes > 0;
}

/** Matches a subscriber's entries that have no paper yet against the store (papers stored while they were kept back). */
function rematch(db: Db, subscriberId: number): void {
  // The subscriber's entries without a paper, with what they are matched by.
  const waiting = stmt(db, 'SELECT id, arxiv_id, doi, title_key, latex_key FROM library_entries WHERE subscriber_id = ? AND paper_id IS NULL')
    .all(subscriberId) as { id: number; arxiv_id: string | null; doi: string | null; title_key: string | null; latex_key: string | null }[];
  // One entry linked to the paper it matched.
  const link = stmt(db, 'UPDATE library_entries SET paper_id = ?, matched_by = ? WHERE id = ?');
  for (const w of waiting) {
    const m = matchEntry(db, { arxivId: w.arxiv_id, doi: w.doi, titleKeys: [w.title_key, w.latex_key].filter((k): k is string => !!k) });
    if (m) link.run(m.paperId, m.by, w.id);
  }
}

/** Removes one entry of a subscriber's library; false when they have no such entry. */
export function removeLibraryEntry(db: Db, subscriberId: number, entryId: number): boolean {
  return stmt(db, 'DELETE FROM library_entries WHERE id = ? AND subscriber_id = ?').run(entryId, subscriberId).changes > 0;
}

/** Counts of a subscriber's library: entries, matched to stored papers, kept as text examples. */
export function libraryCounts(db: Db, subscriberId: number): { entries: number; matched: number; text: number } {
  // One pass over the subscriber's entries (through the UNIQUE (subscriber_id, position) index).
  return stmt(db, `
    SELECT count(*) AS entries, count(paper_id) AS matched, COALESCE(sum(paper_id IS NULL AND title <> ''), 0) AS text
    FROM library_entries WHERE subscriber_id = ?`).get(subscriberId) as { entries: number; matched: number; text: number };
}

/** A page of a subscriber's library, in order. */
export function libraryPage(db: Db, subscriberId: number, offset: number, limit: number): StoredEntry[] {
  const rows = stmt(db, 'SELECT * FROM library_entries WHERE subscriber_id = ? ORDER BY position LIMIT ? OFFSET ?').all(subscriberId, limit, offset) as EntryRow[];
  return rows.map(toEntry);
}

/** The first `limit` entries the ranker can learn from (matched, or with a title), in order. Reads `limit` rows
 *  however large the library: the per-digest bound (docs/ranking.md). */
export function libraryForRanking(db: Db, subscriberId: number, limit: number): StoredEntry[] {
  // Through the UNIQUE (subscriber_id, position) index, skipping entries that only wait for their paper.
  const rows = stmt(db, `
    SELECT * FROM library_entries WHERE subscriber_id = ? AND (paper_id IS NOT NULL OR title <> '')
    ORDER BY position LIMIT ?`).all(subscriberId, limit) as EntryRow[];
  return rows.map(toEntry);
}

/** The paper the ranker reads for a library entry: its stored paper, or a text example of its title and abstract
 *  (id `library:<entry id>`, so a run computes its vectors once). */
export function entryPaper(e: StoredEntry, stored: Paper | undefined): Paper {
  return stored ?? { id: `library:${e.id}`, title: e.title, abstract: e.abstract, authors: e.authors, categories: [], published: null, url: null };
}

/** What is kept of an entry for digest runs: its term counts, and its row in the space learned at `rowSpace`. */
export interface EntryVectors {
  id: number;
  terms: Uint8Array;
  row?: Uint8Array | null;
  rowSpace?: string;
}

/** Keeps entries' term counts (and rows, when given) for later digest runs (one transaction). */
export function keepEntryVectors(db: Db, kept: EntryVectors[]): void {
  if (!kept.length) return;
  atomically(db, () => {
    // One entry's counts, and its row when one is given.
    const terms = stmt(db, 'UPDATE library_entries SET terms = ? WHERE id = ?');
    const row = stmt(db, 'UPDATE library_entries SET terms = ?, row = ?, row_space = ? WHERE id = ?');
    for (const k of kept) {
      if (k.rowSpace === undefined) terms.run(k.terms, k.id);
      else row.run(k.terms, k.row ?? null, k.rowSpace, k.id);
    }
  });
}

/** The entries digests read (the first `limit` each active subscriber's ranking reads: libraryForRanking) that have
 *  no row in the space learned at `space`, of the next `subscribers` subscribers with a library after subscriber id
 *  `after`; with the last subscriber id looked at (null when none is left), where the next page starts. */
export function entriesToFold(db: Db, limit: number, space: string, after: number, subscribers: number): { entries: StoredEntry[]; last: number | null } {
  // A range of subscribers, not of entry ids: the window below then reads only their entries, where paging on entry
  // ids numbered every subscriber's entries again for each page (quadratic: 96,450 entries took 70 s).
  const last = stmt(db, `
    SELECT max(subscriber_id) FROM (
      SELECT DISTINCT subscriber_id FROM library_entries WHERE subscriber_id > ? ORDER BY subscriber_id LIMIT ?)`).pluck().get(after, subscribers) as number | null;
  if (last === null) return { entries: [], last };
  // Each active subscriber's first entries by position (through the UNIQUE (subscriber_id, position) index).
  const rows = stmt(db, `
    SELECT * FROM (
      SELECT e.*, ROW_NUMBER() OVER (PARTITION BY e.subscriber_id ORDER BY e.position) AS n
      FROM library_entries e JOIN subscribers s ON s.id = e.subscriber_id
      WHERE e.subscriber_id > ? AND e.subscriber_id <= ? AND s.status = 'active' AND (e.paper_id IS NOT NULL OR e.title <> ''))
    WHERE n <= ? AND (row_space IS NULL OR row_space <> ?) ORDER BY id`).all(after, last, limit, space) as EntryRow[];
  return { entries: rows.map(toEntry), last };
}

/** Links entries waiting for one of these papers (stored ids) to it, by arXiv id, then DOI, then title. Runs in the
 *  batch's transaction; with no entry waiting (the usual case) it costs one index probe per batch. */
export function linkLibrary(db: Db, paperIds: string[]): void {
  if (!paperIds.length) return;
  // Any entry waiting at all (through the partial index on title_key, or the one on arxiv_id for pasted ids)?
  const waiting = stmt(db, `
    SELECT EXISTS (SELECT 1 FROM library_entries WHERE paper_id IS NULL AND title_key IS NOT NULL)
        OR EXISTS (SELECT 1 FROM library_entries WHERE paper_id IS NULL AND arxiv_id IS NOT NULL)
        OR EXISTS (SELECT 1 FROM library_entries WHERE paper_id IS NULL AND doi IS NOT NULL)`).pluck().get();
  if (!waiting) return;
  const batch = JSON.stringify(paperIds);
  for (const [column, paperColumn, by] of LINKS) {
    // Waiting entries naming one of the batch's papers, probed through the entry column's partial index.
    stmt(db, `
      UPDATE library_entries SET paper_id = p.id, matched_by = '${by}', terms = NULL, row = NULL, row_space = NULL
      FROM (SELECT id, ${paperColumn} AS k FROM papers WHERE id IN (SELECT value FROM json_each(?)) AND ${paperColumn} IS NOT NULL) AS p
      WHERE library_entries.paper_id IS NULL AND library_entries.${column} = p.k`).run(batch);
  }
}

/** Entry column, paper column, and how it matched: in the order entries are matched. */
const LINKS = [['arxiv_id', 'id', 'arxiv'], ['doi', 'doi', 'doi'], ['title_key', 'title_key', 'title'], ['latex_key', 'title_key', 'title']] as const;
