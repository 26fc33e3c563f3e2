-- 011: what the daily prune needs (src/store/retention.ts, docs/scaling.md#retention).

-- Deleting a digest sets mail_events.digest_id to NULL (010). Without an index SQLite finds those rows by reading all
-- of mail_events once for every digest deleted, so a prune batch of 250 digests would read the table 250 times.
CREATE INDEX mail_events_digest ON mail_events(digest_id);
