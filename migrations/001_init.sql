-- 001: papers, subscribers, digests and what each digest held.

-- Every paper ever ingested. JSON arrays are stored as TEXT.
CREATE TABLE papers (
  id          TEXT PRIMARY KEY,            -- normalised arXiv id, or 'title:<hash>'
  title       TEXT NOT NULL,
  abstract    TEXT NOT NULL DEFAULT '',
  authors     TEXT NOT NULL DEFAULT '[]',  -- JSON array of names
  categories  TEXT NOT NULL DEFAULT '[]',  -- JSON array, primary first
  published   TEXT,
  url         TEXT,
  pdf_url     TEXT,
  code_url    TEXT,
  thumbnail   TEXT,
  upvotes     INTEGER,
  comments    INTEGER,
  title_key   TEXT NOT NULL,               -- lower-cased alphanumerics of the title, for dedup
  first_seen  TEXT NOT NULL,               -- when Paperboy first stored it (ISO, UTC)
  updated_at  TEXT NOT NULL
);
CREATE INDEX papers_first_seen ON papers(first_seen);
CREATE INDEX papers_title_key ON papers(title_key);

-- People on the list. Links in mails carry HMAC tokens derived from id + token_version.
CREATE TABLE subscribers (
  id              INTEGER PRIMARY KEY,
  email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'unsubscribed')),
  keywords        TEXT NOT NULL DEFAULT '[]',
  categories      TEXT NOT NULL DEFAULT '[]',
  authors         TEXT NOT NULL DEFAULT '[]',
  about           TEXT NOT NULL DEFAULT '',
  papers          TEXT NOT NULL DEFAULT '[]',  -- seed arXiv ids
  timezone        TEXT NOT NULL DEFAULT 'UTC',
  hour            INTEGER NOT NULL DEFAULT 8 CHECK (hour BETWEEN 0 AND 23),
  token_version   INTEGER NOT NULL DEFAULT 1,
  confirm_nonce   TEXT,                        -- random; a confirmation link is valid while it matches
  confirm_sent_at TEXT,
  created_at      TEXT NOT NULL,
  confirmed_at    TEXT,
  unsubscribed_at TEXT
);
CREATE INDEX subscribers_status ON subscribers(status);

-- One row per subscriber per local calendar day, claimed before anything is sent.
CREATE TABLE digests (
  id            INTEGER PRIMARY KEY,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  digest_date   TEXT NOT NULL,                 -- YYYY-MM-DD in the subscriber's timezone
  state         TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed', 'empty')),
  message_id    TEXT,
  subject       TEXT,
  smtp_response TEXT,                          -- the server's reply, or the error text
  created_at    TEXT NOT NULL,
  sent_at       TEXT,
  UNIQUE (subscriber_id, digest_date)
);
CREATE INDEX digests_state ON digests(state);

-- The papers a digest held, in order. UNIQUE(subscriber_id, paper_id): no paper is sent twice.
CREATE TABLE digest_items (
  digest_id     INTEGER NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  paper_id      TEXT NOT NULL REFERENCES papers(id),
  position      INTEGER NOT NULL,
  score         REAL NOT NULL,
  why           TEXT NOT NULL DEFAULT '[]',    -- JSON array of reasons
  PRIMARY KEY (digest_id, position),
  UNIQUE (subscriber_id, paper_id)
);

-- Small key/value settings the service keeps for itself (e.g. the token secret).
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
