-- 014: the store's semantic space (src/rank/space.ts): learned from the recent papers after each ingest
-- (src/semantic-space.ts) and read by every digest run, so that a run ranks in it without learning it again.
-- One row: the current space.
CREATE TABLE rank_space (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  built_at    TEXT NOT NULL,               -- when it was learned (ISO, UTC)
  newest_seen TEXT NOT NULL,               -- the latest first_seen of its papers: a paper first seen later makes it stale
  width       INTEGER NOT NULL,            -- its number of dimensions
  ids         TEXT NOT NULL,               -- JSON array of its papers' ids, in row order
  data        BLOB NOT NULL                -- its arrays (src/rank/space.ts, encodeSpace)
);
