-- 003: what the ranker learns from (one-click votes) and each subscriber's digest preferences.

-- A subscriber's 👍 (1) / 👎 (-1) on a paper they were sent. A new click replaces the old one; undo deletes the row.
CREATE TABLE votes (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  paper_id      TEXT NOT NULL REFERENCES papers(id),
  vote          INTEGER NOT NULL CHECK (vote IN (1, -1)),
  created_at    TEXT NOT NULL,
  UNIQUE (subscriber_id, paper_id)
);
CREATE INDEX votes_subscriber ON votes(subscriber_id, created_at);

-- How many papers a digest holds (1–50, see PROFILE_LIMITS), and what a weak day sends: nothing, or a short note.
ALTER TABLE subscribers ADD COLUMN digest_size INTEGER NOT NULL DEFAULT 10 CHECK (digest_size BETWEEN 1 AND 50);
ALTER TABLE subscribers ADD COLUMN weak_day TEXT NOT NULL DEFAULT 'skip' CHECK (weak_day IN ('skip', 'note'));
