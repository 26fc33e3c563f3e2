-- 018: a preprint and its journal version recognised by where they were published when no DOI links them (issue 23,
-- item 4). arXiv's free-text journal-ref and a journal entry's prism:volume/startingPage are kept, parsed, so that
-- whichever arrives first, the other finds it in a later run (src/citation.ts, joinEditions in src/store/papers.ts).
ALTER TABLE papers ADD COLUMN citation TEXT;  -- JSON {journal, volume, page, year}, NULL when none is known
ALTER TABLE papers ADD COLUMN cite_key TEXT;  -- 'volume:page' of citation: what candidates are looked up by
CREATE INDEX papers_cite_key ON papers(cite_key) WHERE cite_key IS NOT NULL;
