-- 012: a subscriber's library (issue 11): the references of a reference manager's export or a pasted list, each
-- matched to a stored paper (by arXiv id, then DOI, then title) or kept as a text example until its paper is stored.

-- The DOI a journal gave a paper (arXiv's API lists it as arxiv:doi), lower case: a library entry with only a DOI matches by it.
ALTER TABLE papers ADD COLUMN doi TEXT;
CREATE INDEX papers_doi ON papers(doi) WHERE doi IS NOT NULL;

-- One row per library entry. A sign-up's library waits in its request (signup_requests.asked) until confirmed.
CREATE TABLE library_entries (
  id            INTEGER PRIMARY KEY,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,            -- 0 = most recently added (src/rank/library.ts orders them); the ranker reads the first few
  title         TEXT NOT NULL DEFAULT '',    -- '' for a pasted id or DOI
  abstract      TEXT NOT NULL DEFAULT '',
  authors       TEXT NOT NULL DEFAULT '[]',  -- JSON array of names
  arxiv_id      TEXT,
  doi           TEXT,                        -- lower case
  title_key     TEXT,                        -- titleKey of the decoded title
  latex_key     TEXT,                        -- titleKey of the title with its LaTeX markup dropped, when that differs
  added         TEXT,                        -- YYYY[-MM[-DD]]: date added, else accessed, else published
  paper_id      TEXT REFERENCES papers(id) ON DELETE SET NULL,
  matched_by    TEXT CHECK (matched_by IN ('arxiv', 'doi', 'title')),
  UNIQUE (subscriber_id, position)
);

-- Entries still waiting for their paper, looked up by each stored batch of papers.
CREATE INDEX library_waiting_arxiv ON library_entries(arxiv_id) WHERE paper_id IS NULL AND arxiv_id IS NOT NULL;
CREATE INDEX library_waiting_doi ON library_entries(doi) WHERE paper_id IS NULL AND doi IS NOT NULL;
CREATE INDEX library_waiting_title ON library_entries(title_key) WHERE paper_id IS NULL AND title_key IS NOT NULL;
CREATE INDEX library_waiting_latex ON library_entries(latex_key) WHERE paper_id IS NULL AND latex_key IS NOT NULL;
