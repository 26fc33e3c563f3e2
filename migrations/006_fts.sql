-- 006: full-text search over titles, abstracts and authors (`paperboy search`).
-- Superseded by 008_search_file.sql: the index now lives in its own file, and indexSince is gone.

-- Contentless: the text stays in papers only, the index maps words to papers.rowid.
-- contentless_delete lets a row be dropped or replaced by its rowid alone, without its old text.
CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, authors, content = '', contentless_delete = 1);

-- The papers stored before this migration.
INSERT INTO papers_fts (rowid, title, abstract, authors) SELECT rowid, title, abstract, authors FROM papers;

-- New rows are indexed by the store, one INSERT … SELECT per batch (indexSince in src/store/papers.ts),
-- not by an AFTER INSERT trigger: a trigger gives every insert its own statement savepoint, at which FTS5
-- flushes its pending terms to disk; on the 100,000-paper bench that took 10.0 s against 6.0 s.
-- Changed text and deleted rows (rarer) are kept in step here.
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors ON papers
WHEN new.title IS NOT old.title OR new.abstract IS NOT old.abstract OR new.authors IS NOT old.authors
BEGIN
  INSERT OR REPLACE INTO papers_fts (rowid, title, abstract, authors) VALUES (new.rowid, new.title, new.abstract, new.authors);
END;

CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers
BEGIN
  DELETE FROM papers_fts WHERE rowid = old.rowid;
END;
