import type Database from 'better-sqlite3';
import type { Db } from '../db/open.js';
import type { Paper } from '../model.js';
import { citeKey, sameCitation, type Citation } from '../citation.js';
import { idDoi, isTitleId, mergeEditions, mergePaper, titleKey } from '../paper-identity.js';
import { linkLibrary } from './library.js';

/** Row shape of the papers table. */
interface PaperRow {
  id: string; title: string; abstract: string; authors: string; categories: string;
  published: string | null; url: string | null; pdf_url: string | null; code_url: string | null;
  thumbnail: string | null; upvotes: number | null; comments: number | null; first_seen: string; doi: string | null;
  citation?: string | null;
}

/** Maps a papers row to the domain type. */
export function rowToPaper(r: PaperRow): Paper {
  return {
    id: r.id, title: r.title, abstract: r.abstract,
    authors: JSON.parse(r.authors), categories: JSON.parse(r.categories),
    published: r.published, url: r.url, pdfUrl: r.pdf_url, codeUrl: r.code_url,
    thumbnail: r.thumbnail, upvotes: r.upvotes, comments: r.comments, firstSeen: r.first_seen, doi: r.doi,
    ...(r.citation ? { citation: JSON.parse(r.citation) as Citation } : {}),
  };
}

/** What upsertPapers did with a batch. */
export interface UpsertCounts {
  added: number;
  updated: number;
  unchanged: number;
}

/** Prepared statements for upserts, made once per connection. */
interface UpsertStatements {
  byId: Database.Statement;
  byDoi: Database.Statement;
  preprintsByCite: Database.Statement;
  journalsByCite: Database.Statement;
  titleRowByKey: Database.Statement;
  anyByKey: Database.Statement;
  insert: Database.Statement;
  update: Database.Statement;
  remove: Database.Statement;
  logAdded: Database.Statement;
  moveRefs: { update: Database.Statement; dropLeft: Database.Statement }[];
}

const cache = new WeakMap<Db, UpsertStatements>();

/** The upsert statements of a connection, prepared on first use. */
function statements(db: Db): UpsertStatements {
  let s = cache.get(db);
  if (s) return s;
  s = {
    // The stored row of an id.
    byId: db.prepare('SELECT * FROM papers WHERE id = ?'),
    // A row stored under its title only, waiting for its arXiv id.
    titleRowByKey: db.prepare("SELECT * FROM papers WHERE title_key = ? AND id LIKE 'title:%' LIMIT 1"),
    // The preprint whose journal version has this DOI (its row keeps a DOI; a journal entry's own row is `doi:` itself).
    byDoi: db.prepare("SELECT * FROM papers WHERE doi = ? AND id <> ? ORDER BY id LIKE 'doi:%', rowid LIMIT 1"),
    // arXiv preprints with no journal DOI yet whose journal-ref names this volume and page (see src/citation.ts).
    preprintsByCite: db.prepare(`SELECT * FROM papers WHERE cite_key = ? AND doi IS NULL
      AND id NOT LIKE 'doi:%' AND id NOT LIKE 'url:%' AND id NOT LIKE 'title:%' ORDER BY rowid LIMIT 3`),
    // Journal entries (named by their DOI) of this volume and page.
    journalsByCite: db.prepare("SELECT * FROM papers WHERE cite_key = ? AND id LIKE 'doi:%' ORDER BY rowid LIMIT 3"),
    // Any row with this title, arXiv-keyed rows first (false sorts before true).
    anyByKey: db.prepare("SELECT * FROM papers WHERE title_key = ? ORDER BY id LIKE 'title:%', rowid LIMIT 1"),
    // A new paper; first_seen comes from the merged record when two rows become one.
    insert: db.prepare(`
      INSERT INTO papers (id, title, abstract, authors, categories, published, url, pdf_url, code_url,
                          thumbnail, upvotes, comments, title_key, first_seen, updated_at, doi, citation, cite_key)
      VALUES (@id, @title, @abstract, @authors, @categories, @published, @url, @pdfUrl, @codeUrl,
              @thumbnail, @upvotes, @comments, @titleKey, @firstSeen, @now, @doi, @citation, @citeKey)`),
    // Overwrite a stored row with its merged fields (first_seen only ever moves earlier: see mergePaper).
    update: db.prepare(`
      UPDATE papers SET title = @title, abstract = @abstract, authors = @authors, categories = @categories,
        published = @published, url = @url, pdf_url = @pdfUrl, code_url = @codeUrl, thumbnail = @thumbnail,
        upvotes = @upvotes, comments = @comments, title_key = @titleKey, first_seen = @firstSeen, updated_at = @now,
        doi = @doi, citation = @citation, cite_key = @citeKey
      WHERE id = @id`),
    // Drop a row whose paper now lives under another id.
    remove: db.prepare('DELETE FROM papers WHERE id = ?'),
    // Log a batch's new rows (a JSON array of rowids) in one statement; see migrations/008_search_file.sql.
    logAdded: db.prepare('INSERT INTO paper_changes (paper) SELECT value FROM json_each(?)'),
    moveRefs: paperReferences(db).map(({ table, column }) => ({
      // Point rows of other tables (digest items, feedback…) at the paper's new id…
      update: db.prepare(`UPDATE OR IGNORE "${table}" SET "${column}" = ? WHERE "${column}" = ?`),
      // …and drop those that would duplicate a row already pointing there.
      dropLeft: db.prepare(`DELETE FROM "${table}" WHERE "${column}" = ?`),
    })),
  };
  cache.set(db, s);
  return s;
}

/** Every (table, column) with a foreign key to papers(id): they follow a paper whose id changes. */
function paperReferences(db: Db): { table: string; column: string }[] {
  // Read the schema, so tables added by later migrations are covered too.
  return db.prepare(`
    SELECT m.name AS "table", f."from" AS "column"
    FROM sqlite_master m, pragma_foreign_key_list(m.name) f
    WHERE m.type = 'table' AND f."table" = 'papers'`).all() as { table: string; column: string }[];
}

/** Statement parameters of a paper; `key` saves recomputing a title key the caller has. */
function params(p: Paper, now: string, key = titleKey(p.title)): Record<string, unknown> {
  return {
    id: p.id, title: p.title, abstract: p.abstract, authors: JSON.stringify(p.authors),
    categories: JSON.stringify(p.categories), published: p.published, url: p.url,
    pdfUrl: p.pdfUrl ?? null, codeUrl: p.codeUrl ?? null, thumbnail: p.thumbnail ?? null,
    upvotes: p.upvotes ?? null, comments: p.comments ?? null, doi: p.doi ?? null, titleKey: key,
    citation: p.citation ? JSON.stringify(p.citation) : null, citeKey: p.citation ? citeKey(p.citation) : null,
    firstSeen: p.firstSeen ?? now, now,
  };
}

/** True when storing `next` over `prev` would change nothing. */
function sameFields(prev: Paper, next: Paper): boolean {
  const a = params(prev, '');
  const b = params(next, '');
  return Object.keys(a).every((k) => a[k] === b[k]);
}

/** Moves a paper from `fromId` to `toId` (already stored): references follow, the old row goes. */
function moveRow(s: UpsertStatements, fromId: string, toId: string): void {
  for (const ref of s.moveRefs) {
    ref.update.run(toId, fromId);
    ref.dropLeft.run(fromId);
  }
  s.remove.run(fromId);
}

/** Stores one paper: a journal's entry and a preprint with the same DOI, or whose journal-ref names the entry's volume
 *  and page, are one paper (`joinEditions`); otherwise it is merged with the row of the same id or, failing that, of
 *  the same title. */
function upsertOne(s: UpsertStatements, p: Paper, now: string, added: number[]): keyof UpsertCounts {
  return joinEditions(s, p, now, added) ?? upsertByIdOrTitle(s, p, now, added);
}

/** The one stored row of `rows` whose citation names the same article as `c`; none when there is none or several
 *  could be it (a wrong merge is worse than a missed one). */
function cited(rows: PaperRow[], c: Citation): PaperRow | undefined {
  const same = rows.filter((r) => r.citation && sameCitation(JSON.parse(r.citation) as Citation, c));
  return same.length === 1 ? same[0] : undefined;
}

/** True for an arXiv preprint's id (not a journal's `doi:`/`url:` entry, nor a title-only row). */
function isArxivId(id: string): boolean {
  return !/^(?:doi|url|title):/.test(id);
}

/** When `p` is a journal's entry of a stored preprint, or a preprint whose journal entry is stored, merges the two
 *  under the preprint's id (references to the journal's row follow it); null when neither is the case. They are
 *  found by DOI or, when the preprint gives none, by its journal-ref's citation (volume, first page, year, journal). */
function joinEditions(s: UpsertStatements, p: Paper, now: string, added: number[]): keyof UpsertCounts | null {
  const own = idDoi(p.id);
  if (own && !s.byId.get(p.id)) {
    const preprint = (s.byDoi.get(own, p.id) as PaperRow | undefined)
      ?? (p.citation ? cited(s.preprintsByCite.all(citeKey(p.citation)) as PaperRow[], p.citation) : undefined);
    if (preprint) return mergeInto(s, rowToPaper(preprint), p, now, mergeEditions);
  }
  if (p.doi && p.id === `doi:${p.doi}`) return null;
  const journal = p.doi
    ? s.byId.get(`doi:${p.doi}`) as PaperRow | undefined
    // An arXiv preprint with a journal-ref and no DOI, not already joined to a journal version.
    : isArxivId(p.id) && p.citation && !(s.byId.get(p.id) as PaperRow | undefined)?.doi
      ? cited(s.journalsByCite.all(citeKey(p.citation)) as PaperRow[], p.citation) : undefined;
  if (!journal) return null;
  const stored = s.byId.get(p.id) as PaperRow | undefined;
  const base = stored ? mergePaper(rowToPaper(stored), p) : p;
  const merged = mergeEditions(base, rowToPaper(journal));
  if (stored) s.update.run(params(merged, now));
  else insertRow(s, params(merged, now), added);
  moveRow(s, journal.id, p.id);
  return stored ? 'updated' : 'added';
}

/** Stores one paper, merging it with the row of the same id or, failing that, of the same title. */
function upsertByIdOrTitle(s: UpsertStatements, p: Paper, now: string, added: number[]): keyof UpsertCounts {
  const key = titleKey(p.title);
  const byId = s.byId.get(p.id) as PaperRow | undefined;
  if (isTitleId(p.id)) {
    const row = byId ?? (key ? (s.anyByKey.get(key) as PaperRow | undefined) : undefined);
    return row ? mergeInto(s, rowToPaper(row), p, now) : insertRow(s, params(p, now, key), added);
  }
  // An arXiv id: a row stored earlier under its title alone is the same paper and joins this one.
  const titleRow = key ? (s.titleRowByKey.get(key) as PaperRow | undefined) : undefined;
  if (!titleRow) return byId ? mergeInto(s, rowToPaper(byId), p, now) : insertRow(s, params(p, now, key), added);
  const base = byId ? mergePaper(rowToPaper(titleRow), rowToPaper(byId)) : rowToPaper(titleRow);
  const merged = { ...mergePaper(base, p), id: p.id };
  if (byId) s.update.run(params(merged, now));
  else insertRow(s, params(merged, now), added);
  moveRow(s, titleRow.id, p.id);
  return 'updated';
}

/** Inserts a new row and notes its rowid for the change log. */
function insertRow(s: UpsertStatements, values: Record<string, unknown>, added: number[]): 'added' {
  added.push(Number(s.insert.run(values).lastInsertRowid));
  return 'added';
}

/** Merges `p` into the stored paper (by `merge`, mergePaper unless told); says whether anything changed. */
function mergeInto(s: UpsertStatements, stored: Paper, p: Paper, now: string, merge = mergePaper): keyof UpsertCounts {
  const merged = merge(stored, p);
  if (sameFields(stored, merged)) return 'unchanged';
  s.update.run(params(merged, now));
  return 'updated';
}

/** Stores a batch in one transaction: new papers are added, known ones (by arXiv id, else by title) merged.
 *  The full-text index follows later, from the change log (indexInBackground, or a search's own catch-up). */
export function upsertPapers(db: Db, papers: Paper[], now = new Date()): UpsertCounts {
  const s = statements(db);
  const stamp = now.toISOString();
  const counts: UpsertCounts = { added: 0, updated: 0, unchanged: 0 };
  db.transaction(() => {
    const added: number[] = [];
    const changed: string[] = [];
    for (const p of papers) {
      const outcome = upsertOne(s, p, stamp, added);
      counts[outcome]++;
      if (outcome !== 'unchanged') changed.push(p.id);
    }
    s.logAdded.run(JSON.stringify(added));
    // Library entries waiting for one of these papers link to it now.
    linkLibrary(db, changed);
  })();
  return counts;
}

/** Every stored paper, oldest first, read one row at a time (for `paperboy export`). */
export function* iteratePapers(db: Db): Generator<Paper> {
  // rowid order is insertion order.
  for (const row of db.prepare('SELECT * FROM papers ORDER BY rowid').iterate()) yield rowToPaper(row as PaperRow);
}

/** Number of stored papers. */
export function countPapers(db: Db): number {
  return db.prepare('SELECT count(*) FROM papers').pluck().get() as number;
}

/** The most recent papers, most upvoted first: what the landing page shows. */
export function latestPapers(db: Db, limit: number): Paper[] {
  const rows = db.prepare(`
    SELECT * FROM papers
    WHERE first_seen >= (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', max(first_seen), '-2 days') FROM papers)
    ORDER BY COALESCE(upvotes, 0) DESC, first_seen DESC, rowid LIMIT ?`).all(limit) as PaperRow[];
  return rows.map(rowToPaper);
}

/** When the newest paper was first stored (ISO), or null for an empty store. */
export function newestFirstSeen(db: Db): string | null {
  // max() over the indexed column reads one index entry.
  return db.prepare('SELECT max(first_seen) FROM papers').pluck().get() as string | null;
}

/** True when no paper was first stored after `since`. */
export function noNewPapersSince(db: Db, since: Date): boolean {
  const newest = newestFirstSeen(db);
  return newest === null || Date.parse(newest) < since.getTime();
}

/** The setting that records when the bundled sample was stored (see ingest/sample.ts). */
export const SAMPLE_STORED = 'sample_stored_at';

/** True while the store holds only the bundled sample: it was stored, and no paper arrived after it (from a source or
 *  `paperboy ingest`). Pages then say the papers are a sample, not new ones. Databases whose sample was stored before
 *  the setting existed are recognised by its ingest run, while that is kept. */
export function onlySampleStored(db: Db): boolean {
  // When the sample was stored: the setting, else the sample's own ingest run.
  const at = (db.prepare(`
    SELECT COALESCE((SELECT value FROM settings WHERE key = ?),
                    (SELECT max(finished) FROM ingest_runs WHERE source LIKE '%/data/sample/papers.jsonl.gz' AND new > 0))`)
    .pluck().get(SAMPLE_STORED) as string | null);
  const newest = newestFirstSeen(db);
  return at !== null && newest !== null && newest <= at;
}
