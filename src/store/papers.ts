import { createHash } from 'node:crypto';
import type { Db } from '../db/open.js';
import type { Paper } from '../model.js';

/** Row shape of the papers table. */
interface PaperRow {
  id: string; title: string; abstract: string; authors: string; categories: string;
  published: string | null; url: string | null; pdf_url: string | null; code_url: string | null;
  thumbnail: string | null; upvotes: number | null; comments: number | null; first_seen: string;
}

/** Lower-cased letters and digits of a title: two spellings of one title share it. */
export function titleKey(title: string): string {
  return title.normalize('NFKD').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The id of a paper that has no arXiv id: a hash of its title key. */
export function titleId(title: string): string {
  return 'title:' + createHash('sha256').update(titleKey(title)).digest('hex').slice(0, 16);
}

/** Maps a papers row to the domain type. */
export function rowToPaper(r: PaperRow): Paper {
  return {
    id: r.id, title: r.title, abstract: r.abstract,
    authors: JSON.parse(r.authors), categories: JSON.parse(r.categories),
    published: r.published, url: r.url, pdfUrl: r.pdf_url, codeUrl: r.code_url,
    thumbnail: r.thumbnail, upvotes: r.upvotes, comments: r.comments, firstSeen: r.first_seen,
  };
}

/** Inserts new papers and merges known ones (new non-empty values win), in one transaction. */
export function upsertPapers(db: Db, papers: Paper[], now = new Date()): { added: number; updated: number } {
  // Insert, or on a known id keep what the new record leaves empty.
  const upsert = db.prepare(`
    INSERT INTO papers (id, title, abstract, authors, categories, published, url, pdf_url, code_url,
                        thumbnail, upvotes, comments, title_key, first_seen, updated_at)
    VALUES (@id, @title, @abstract, @authors, @categories, @published, @url, @pdfUrl, @codeUrl,
            @thumbnail, @upvotes, @comments, @titleKey, @now, @now)
    ON CONFLICT (id) DO UPDATE SET
      title = excluded.title,
      abstract = CASE WHEN excluded.abstract <> '' THEN excluded.abstract ELSE abstract END,
      authors = CASE WHEN excluded.authors <> '[]' THEN excluded.authors ELSE authors END,
      categories = CASE WHEN excluded.categories <> '[]' THEN excluded.categories ELSE categories END,
      published = COALESCE(excluded.published, published),
      url = COALESCE(excluded.url, url),
      pdf_url = COALESCE(excluded.pdf_url, pdf_url),
      code_url = COALESCE(excluded.code_url, code_url),
      thumbnail = COALESCE(excluded.thumbnail, thumbnail),
      upvotes = COALESCE(excluded.upvotes, upvotes),
      comments = COALESCE(excluded.comments, comments),
      title_key = excluded.title_key,
      updated_at = excluded.updated_at`);
  const exists = db.prepare('SELECT 1 FROM papers WHERE id = ?').pluck();
  const stamp = now.toISOString();
  let added = 0;
  let updated = 0;
  db.transaction(() => {
    for (const p of papers) {
      if (exists.get(p.id)) updated++;
      else added++;
      upsert.run({
        id: p.id, title: p.title, abstract: p.abstract, authors: JSON.stringify(p.authors),
        categories: JSON.stringify(p.categories), published: p.published, url: p.url,
        pdfUrl: p.pdfUrl ?? null, codeUrl: p.codeUrl ?? null, thumbnail: p.thumbnail ?? null,
        upvotes: p.upvotes ?? null, comments: p.comments ?? null, titleKey: titleKey(p.title), now: stamp,
      });
    }
  })();
  return { added, updated };
}

/** Number of stored papers. */
export function countPapers(db: Db): number {
  return db.prepare('SELECT count(*) FROM papers').pluck().get() as number;
}

/** Papers first seen since `since` that were never put in a digest for this subscriber. */
export function candidatePapers(db: Db, subscriberId: number, since: Date): Paper[] {
  const rows = db.prepare(`
    SELECT p.* FROM papers p
    WHERE p.first_seen >= ?
      AND NOT EXISTS (SELECT 1 FROM digest_items i WHERE i.subscriber_id = ? AND i.paper_id = p.id)`)
    .all(since.toISOString(), subscriberId) as PaperRow[];
  return rows.map(rowToPaper);
}

/** The most recent papers, most upvoted first: what the landing page shows. */
export function latestPapers(db: Db, limit: number): Paper[] {
  const rows = db.prepare(`
    SELECT * FROM papers
    WHERE first_seen >= (SELECT datetime(max(first_seen), '-2 days') FROM papers)
    ORDER BY COALESCE(upvotes, 0) DESC, first_seen DESC, rowid LIMIT ?`).all(limit) as PaperRow[];
  return rows.map(rowToPaper);
}
