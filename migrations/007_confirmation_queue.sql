-- Confirmation mails are queued on the subscriber row, in the sign-up's own transaction, and a mailer
-- hands them over afterwards: a crash between the two leaves the row queued, and the next start (or the
-- next minute) sends it. Nothing is lost; at worst a mail in flight at the crash goes out twice.
--   confirm_mail      NULL (none due) | 'queued' | 'sent' | 'failed' (refused, or out of retries)
--   confirm_attempts  hand-offs tried for the current nonce
--   confirm_next_at   the claim's lease while sending, then the time of the next try after a 4xx
--   confirm_reply     the last SMTP reply or error
ALTER TABLE subscribers ADD COLUMN confirm_mail TEXT CHECK (confirm_mail IN ('queued', 'sent', 'failed'));
ALTER TABLE subscribers ADD COLUMN confirm_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscribers ADD COLUMN confirm_next_at TEXT;
ALTER TABLE subscribers ADD COLUMN confirm_reply TEXT;

-- Sign-ups from before this migration were mailed the old way, straight after their commit.
UPDATE subscribers SET confirm_mail = 'sent' WHERE confirm_nonce IS NOT NULL;

CREATE INDEX subscribers_confirm_queue ON subscribers (confirm_next_at) WHERE confirm_mail = 'queued';
