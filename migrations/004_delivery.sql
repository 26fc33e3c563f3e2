-- 004: the delivery outbox. Digests get a state machine, a lease, retry bookkeeping and the last
-- SMTP reply; every attempt is kept in delivery_attempts; subscribers get bounce counters and a
-- suspension mark.
--
-- SQLite cannot change a CHECK constraint, so digests is rebuilt: create the new table, copy,
-- drop the old one, rename. Migrations run inside a transaction with foreign keys on, where
-- PRAGMA foreign_keys cannot be switched off: dropping the old table would cascade into
-- digest_items, so those rows are parked in a temporary table and put back.

CREATE TABLE digests_new (
  id               INTEGER PRIMARY KEY,
  subscriber_id    INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  digest_date      TEXT NOT NULL,              -- YYYY-MM-DD in the subscriber's timezone
  -- queued → sending → sent | retry | failed; a 'sending' row whose lease holder died becomes
  -- 'uncertain' (maybe handed over) and is resent with the same Message-ID; skipped = nothing to send.
  state            TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'retry', 'failed', 'uncertain', 'skipped')),
  message_id       TEXT,                       -- fixed at the claim: a resend carries the same one
  subject          TEXT,
  smtp_code        INTEGER,                    -- the last SMTP reply code, when the server answered
  smtp_response    TEXT,                       -- the last reply text, or the error
  attempts         INTEGER NOT NULL DEFAULT 0, -- hand-offs started
  next_attempt_at  TEXT,                       -- when a 'retry' row may be tried again (ISO, UTC)
  lease_owner      TEXT,                       -- the worker that holds the row while 'sending'
  lease_expires_at TEXT,                       -- after this, another worker may take the row over
  skip_reason      TEXT,                       -- 'empty' | 'suspended' for state 'skipped'
  created_at       TEXT NOT NULL,
  updated_at       TEXT,
  sent_at          TEXT,
  UNIQUE (subscriber_id, digest_date)
);

INSERT INTO digests_new (id, subscriber_id, digest_date, state, message_id, subject, smtp_response,
                         attempts, skip_reason, created_at, updated_at, sent_at)
SELECT id, subscriber_id, digest_date,
       CASE state WHEN 'empty' THEN 'skipped' WHEN 'sending' THEN 'uncertain' ELSE state END,
       message_id, subject, smtp_response,
       CASE state WHEN 'empty' THEN 0 ELSE 1 END,
       CASE state WHEN 'empty' THEN 'empty' END,
       created_at, COALESCE(sent_at, created_at), sent_at
FROM digests;

CREATE TEMP TABLE digest_items_keep AS SELECT * FROM digest_items;
DROP TABLE digests;
ALTER TABLE digests_new RENAME TO digests;
INSERT INTO digest_items SELECT * FROM digest_items_keep;
DROP TABLE digest_items_keep;

CREATE INDEX digests_state ON digests(state, digest_date);
CREATE INDEX digests_date ON digests(digest_date);

-- One row per hand-off attempt: when, by whom, and what the server said.
CREATE TABLE delivery_attempts (
  digest_id     INTEGER NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
  attempt       INTEGER NOT NULL,
  owner         TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  -- NULL while in flight; 'interrupted' when its worker died before hearing the answer.
  outcome       TEXT CHECK (outcome IN ('sent', 'transient', 'permanent', 'interrupted')),
  smtp_code     INTEGER,
  smtp_response TEXT,
  PRIMARY KEY (digest_id, attempt)
);

-- Bounce bookkeeping: hard bounces, and soft-bounced days in a row (reset by a delivery).
ALTER TABLE subscribers ADD COLUMN hard_bounces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscribers ADD COLUMN soft_bounces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscribers ADD COLUMN suspended_at TEXT;     -- set: no digest is sent until cleared
ALTER TABLE subscribers ADD COLUMN suspended_reason TEXT;
