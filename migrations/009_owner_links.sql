-- 009: only the owner of an address acts through it. A sign-up no longer writes into an existing subscriber
-- row: what it asked for waits in signup_requests until its own confirmation link is used, and every mail
-- a sign-up causes (a confirmation, or the preferences link of an address already subscribed) is queued
-- there instead of on the subscriber row (007). Links carry tokens with one purpose each (src/http/tokens.ts).

-- Preferences and digest links are signed over this version; unsubscribing bumps it, so links from
-- earlier mails stop opening preferences. (token_version, from 001, now retires unsubscribe links: bumped on resubscribe.)
ALTER TABLE subscribers ADD COLUMN manage_version INTEGER NOT NULL DEFAULT 1;

-- One row per sign-up (kind 'confirm': a confirmation link is mailed and `asked` is applied when it is used)
-- or per preferences-link mail (kind 'manage': an address already subscribed signed up again, or asked for it).
-- AUTOINCREMENT: an id is never handed out twice, so the link of a used or expired request never names another.
CREATE TABLE signup_requests (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('confirm', 'manage')),
  asked         TEXT,                          -- JSON: interests and schedule of a 'confirm' request
  created_at    TEXT NOT NULL,                 -- a confirmation link works for 7 days from here
  -- The mail's queue, as 007 kept it on the subscriber row:
  mail          TEXT NOT NULL DEFAULT 'queued' CHECK (mail IN ('queued', 'sent', 'failed')),
  mail_attempts INTEGER NOT NULL DEFAULT 0,    -- hand-offs tried
  mail_next_at  TEXT,                          -- the claim's lease while sending, then the next try after a 4xx
  mail_reply    TEXT                           -- the last SMTP reply or error
);
CREATE INDEX signup_requests_subscriber ON signup_requests (subscriber_id);
CREATE INDEX signup_requests_queue ON signup_requests (mail_next_at) WHERE mail = 'queued';
CREATE INDEX signup_requests_created ON signup_requests (created_at);

-- Confirmation mails still queued under 007 go out in the new form; links already mailed in the old form
-- stop working (see docs/links.md), so pending addresses whose mail went out must sign up again.
INSERT INTO signup_requests (subscriber_id, kind, asked, created_at)
SELECT id, 'confirm',
       json_object('keywords', json(keywords), 'categories', json(categories), 'authors', json(authors), 'about', about,
                   'papers', json(papers), 'timezone', timezone, 'hour', hour, 'frequency', frequency, 'weekday', weekday),
       COALESCE(confirm_sent_at, created_at)
FROM subscribers WHERE status = 'pending' AND confirm_mail = 'queued';

DROP INDEX subscribers_confirm_queue;
ALTER TABLE subscribers DROP COLUMN confirm_mail;
ALTER TABLE subscribers DROP COLUMN confirm_attempts;
ALTER TABLE subscribers DROP COLUMN confirm_next_at;
ALTER TABLE subscribers DROP COLUMN confirm_reply;
ALTER TABLE subscribers DROP COLUMN confirm_nonce;
ALTER TABLE subscribers DROP COLUMN confirm_sent_at;

-- Unsubscribe links of mails sent before this migration (`<id in base 36>.<MAC>`) keep unsubscribing for
-- 60 days: they sit in inboxes and in mail providers' List-Unsubscribe buttons. Nothing else reads them.
INSERT INTO settings (key, value)
SELECT 'legacy_unsubscribe_until', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+60 days')
WHERE EXISTS (SELECT 1 FROM subscribers);
