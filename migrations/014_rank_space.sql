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

-- What a digest run needs of a library entry, kept so that it neither tokenises the library nor folds it into the
-- space again (a library digest cost 6x a plain one): the hashed term counts of the text the ranker reads for it
-- (src/rank/tokenize.ts, encodeTerms), and its row in the space learned at row_space (src/rank/space.ts, foldIn; NULL
-- with row_space set when its paper is one of the space's own). Learning a space folds in the entries digests read
-- (src/semantic-space.ts); all three are cleared when the entry is linked to a stored paper.
ALTER TABLE library_entries ADD COLUMN terms BLOB;
ALTER TABLE library_entries ADD COLUMN row BLOB;
ALTER TABLE library_entries ADD COLUMN row_space TEXT;
