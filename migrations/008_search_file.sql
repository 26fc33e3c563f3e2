-- 008: the full-text index moves out of this file into its own (`<database>-search`, schema in
-- migrations/search-index.sql), so that a worker thread can write it while the main thread writes papers:
-- SQLite allows one writer per file. Indexing costs more than storing the papers themselves (2.2 s against
-- 1.6 s for 100,000 real-vocabulary abstracts), so on two cores this is the difference that counts.
-- The index is derived data: it catches up from the change log below (searchIndex in src/store/search.ts),
-- and a missing or outdated index file is rebuilt from papers.
DROP TRIGGER papers_fts_update;
DROP TRIGGER papers_fts_delete;
DROP TABLE papers_fts;

-- Every change to a paper's text, in order; `paper` is papers.rowid (the index's rowid too).
-- AUTOINCREMENT: a seq is never reused once the rows the index already holds are pruned.
-- New papers are logged by the store, one statement per batch (upsertPapers in src/store/papers.ts), not by
-- an AFTER INSERT trigger: a trigger made storing 100,000 papers take 2.7 s instead of 1.5 s.
-- Changed text and deleted rows (rarer) are logged here.
CREATE TABLE paper_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  paper INTEGER NOT NULL
);

CREATE TRIGGER papers_text_changed AFTER UPDATE OF title, abstract, authors ON papers
WHEN new.title IS NOT old.title OR new.abstract IS NOT old.abstract OR new.authors IS NOT old.authors
BEGIN
  INSERT INTO paper_changes (paper) VALUES (new.rowid);
END;

CREATE TRIGGER papers_removed AFTER DELETE ON papers
BEGIN
  INSERT INTO paper_changes (paper) VALUES (old.rowid);
END;
