-- 015: a lab's first week (issue 22): invitations that read as invitations, used confirmation links told apart from
-- forged ones, why an address is suppressed, where a library entry's date came from, and the library one step back.

-- A sign-up the admin made with `paperboy subscribers invite`: its mail is an invitation (who invites, what happens if
-- nothing is done), not the confirmation of a sign-up someone made on the form.
ALTER TABLE signup_requests ADD COLUMN invited INTEGER NOT NULL DEFAULT 0 CHECK (invited IN (0, 1));

-- When the request's confirmation link was used (or another of the address's, or the address resubscribed): its page
-- then says "You're already subscribed" instead of "not valid". Kept until the request is pruned (30 days).
ALTER TABLE signup_requests ADD COLUMN used_at TEXT;

-- Why an address is on the suppression list: 'removed' (`paperboy subscribers remove`), 'deleted' (its owner's "delete
-- my data"), 'complaint' (marked as spam). NULL for entries made before 015.
ALTER TABLE suppressions ADD COLUMN reason TEXT CHECK (reason IN ('removed', 'deleted', 'complaint'));

-- Where an entry's `added` came from: 'export' (its date-added or timestamp field), 'upload' (the export had none: the
-- day the library was given). NULL for entries stored before 015, dated from the date added, accessed or published.
ALTER TABLE library_entries ADD COLUMN added_from TEXT CHECK (added_from IN ('export', 'upload'));

-- The library a subscriber had before their last upload or "Remove the whole library": one step back, so a wrong file
-- can be undone. The same columns as library_entries; replaced at the next change, erased with the subscriber.
CREATE TABLE library_previous (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  title         TEXT NOT NULL DEFAULT '',
  abstract      TEXT NOT NULL DEFAULT '',
  authors       TEXT NOT NULL DEFAULT '[]',
  arxiv_id      TEXT,
  doi           TEXT,
  title_key     TEXT,
  latex_key     TEXT,
  added         TEXT,
  added_from    TEXT CHECK (added_from IN ('export', 'upload')),
  paper_id      TEXT REFERENCES papers(id) ON DELETE SET NULL,
  matched_by    TEXT CHECK (matched_by IN ('arxiv', 'doi', 'title')),
  replaced_at   TEXT NOT NULL,               -- when it stopped being the library
  PRIMARY KEY (subscriber_id, position)
);
