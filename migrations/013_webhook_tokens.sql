-- Issue 21: Mailgun's HMAC covers a timestamp and a random token only, not the event it is sent with, so a captured
-- signature could be posted again with another event ("complained" about anyone). A call whose timestamp is more
-- than a few minutes off is refused, and each token is accepted once: it is kept here while its timestamp could
-- still pass (store/webhook-tokens.ts deletes older rows as new ones come in).
CREATE TABLE webhook_tokens (
  source  TEXT NOT NULL,
  token   TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  PRIMARY KEY (source, token)
);
CREATE INDEX webhook_tokens_seen ON webhook_tokens(seen_at);
