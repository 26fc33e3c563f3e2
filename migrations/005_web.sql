-- 005: what the web side adds: delivery preferences, hashed suppressions, sign-up throttling.

-- Delivery preferences edited on /preferences/<token> (digest_size and weak_day come with 003). The digest sender reads them.
ALTER TABLE subscribers ADD COLUMN frequency TEXT NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekly'));
ALTER TABLE subscribers ADD COLUMN weekday INTEGER NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 0 AND 6); -- 0 = Sunday; used when weekly
ALTER TABLE subscribers ADD COLUMN paused_until TEXT;  -- YYYY-MM-DD, local day; no digest before it

-- Addresses whose owner deleted their data: only an HMAC of the address is kept, never the address.
-- A suppressed address is mailed again only after a new sign-up is confirmed.
CREATE TABLE suppressions (
  email_hash TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);

-- One row per sign-up attempt (HMAC of the address), to allow at most 3 per address per day.
CREATE TABLE signup_attempts (
  email_hash TEXT NOT NULL,
  at         TEXT NOT NULL
);
CREATE INDEX signup_attempts_hash_at ON signup_attempts(email_hash, at);
CREATE INDEX signup_attempts_at ON signup_attempts(at);
