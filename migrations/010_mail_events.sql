-- 010: bounces and complaints that come back after a mail was handed over: delivery status notifications and
-- abuse reports read from the bounce mailbox, and the ESPs' webhooks (SES, Postmark, SendGrid, Mailgun).

-- One row per report, recorded once: a report seen again (an ESP's retry, a mail read twice) hits the UNIQUE key
-- and changes nothing. What a report does to its subscriber (bounce counters, unsubscribe, suppression) is done in
-- the same transaction as its insert.
CREATE TABLE mail_events (
  id            INTEGER PRIMARY KEY,
  source        TEXT NOT NULL CHECK (source IN ('mailbox', 'ses', 'postmark', 'sendgrid', 'mailgun')),
  event_key     TEXT NOT NULL,                 -- the report's own id at its source (Message-ID, feedbackId, sg_event_id…)
  kind          TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint')),
  -- The subscriber it is about; NULL when no subscriber has the address (the report is then only counted).
  -- Erased with the subscriber ("delete my data").
  subscriber_id INTEGER REFERENCES subscribers(id) ON DELETE CASCADE,
  digest_id     INTEGER REFERENCES digests(id) ON DELETE SET NULL,
  -- The local day of the digest it is about (kept when retention prunes the digest), or the UTC day it arrived.
  day           TEXT NOT NULL,
  status        TEXT,                          -- enhanced status code (5.1.1) when the report gives one
  detail        TEXT NOT NULL,                 -- diagnostic or complaint type, addresses masked, at most 300 characters
  occurred_at   TEXT,                          -- when the report says it happened
  received_at   TEXT NOT NULL,
  UNIQUE (source, event_key)
);
CREATE INDEX mail_events_day ON mail_events(day);
CREATE INDEX mail_events_subscriber ON mail_events(subscriber_id);
CREATE INDEX mail_events_received ON mail_events(received_at);

-- ESP events name a mail by our Message-ID: this finds its digest.
CREATE INDEX digests_message_id ON digests(message_id);

-- What the bounce mailbox job has read, per mailbox: messages up to last_uid were read once (handled ones moved or
-- deleted, the rest left where they are and counted), so unknown mail is not read again on every pass.
CREATE TABLE bounce_mailboxes (
  mailbox      TEXT PRIMARY KEY,               -- user@host/folder, never the password
  uid_validity TEXT NOT NULL,                  -- the folder's UIDVALIDITY: when it changes, UIDs start over
  last_uid     INTEGER NOT NULL DEFAULT 0,
  handled      INTEGER NOT NULL DEFAULT 0,     -- reports acted on (or understood and needing nothing), moved or deleted
  unknown      INTEGER NOT NULL DEFAULT 0,     -- mail left alone: not a report, or about no mail of ours
  malformed    INTEGER NOT NULL DEFAULT 0,     -- reports that could not be read, left alone and logged
  checked_at   TEXT,                           -- the last pass that reached the mailbox
  error        TEXT,                           -- the last pass's error, NULL after a good one
  failed_at    TEXT
);
