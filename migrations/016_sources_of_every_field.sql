-- 016: papers from every field (issue 23): journals' table-of-contents feeds the operator adds.

-- One journal feed: added with `paperboy feeds add`, imported from an OPML file, or listed in PAPERBOY_FEEDS.
-- Its papers carry `code` among their categories, which is what a subscriber ticks to follow it.
CREATE TABLE feeds (
  id        INTEGER PRIMARY KEY,
  url       TEXT NOT NULL UNIQUE,                 -- http(s) URL of the RSS 1.0, RSS 2.0 or Atom feed
  code      TEXT NOT NULL UNIQUE,                 -- 'journal.<letters and hyphens>', shaped like an arXiv category
  title     TEXT,                                 -- the name given, else the feed's own title once fetched
  origin    TEXT NOT NULL CHECK (origin IN ('command', 'opml', 'env')),
  added_at  TEXT NOT NULL
);

-- The sources a subscriber takes papers from ('arxiv', 'huggingface', 'biorxiv', 'medrxiv', a journal's code), as a
-- JSON array; empty (the default) takes every source, as before.
ALTER TABLE subscribers ADD COLUMN sources TEXT NOT NULL DEFAULT '[]';
