-- 002: a record of every ingest run, and the HTTP validators that make re-fetching a source cheap.

-- One row per source per run: inserted when the run starts, completed when it ends.
CREATE TABLE ingest_runs (
  id          INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,               -- file path or URL as given
  format      TEXT,                        -- detected or forced parser, once known
  started     TEXT NOT NULL,               -- ISO, UTC
  finished    TEXT,                        -- NULL while running (or if the process died)
  fetched     INTEGER NOT NULL DEFAULT 0,  -- records read from the source (good + rejected)
  new         INTEGER NOT NULL DEFAULT 0,  -- papers added
  updated     INTEGER NOT NULL DEFAULT 0,  -- known papers whose fields changed
  rejected    INTEGER NOT NULL DEFAULT 0,  -- records refused, with reasons in rejections
  not_modified INTEGER NOT NULL DEFAULT 0, -- 1 when the server answered 304
  error       TEXT,                        -- why the run failed as a whole, else NULL
  rejections  TEXT NOT NULL DEFAULT '[]'   -- JSON [{where, reason}], the first 100
);
CREATE INDEX ingest_runs_source ON ingest_runs(source, started);

-- Validators from the last successful fetch of a URL, sent back as If-None-Match / If-Modified-Since.
CREATE TABLE source_cache (
  url           TEXT PRIMARY KEY,
  etag          TEXT,
  last_modified TEXT,
  fetched_at    TEXT NOT NULL
);

-- Rows known only by title wait for their arXiv id; every arXiv paper stored looks for one.
-- A partial index keeps that lookup cheap however large the store grows.
CREATE INDEX papers_title_rows ON papers(title_key) WHERE id LIKE 'title:%';
