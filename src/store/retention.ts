// What the daily prune deletes (src/jobs/retention.ts runs it): every statement removes at most `limit` rows, so each
// transaction stays short. Why each window is what it is: docs/scaling.md#retention.
import type { Db } from '../db/open.js';
import { atomically, stmt } from './statements.js';

const DAY_MS = 86_400_000;

/** Sign-up attempts are only ever counted over the last day (3 per address a day). */
const SIGNUP_ATTEMPTS_MS = DAY_MS;

/** Bounce and complaint reports are kept at least this long, whatever RETENTION_DAYS says: an ESP retries a webhook
 *  for days and a relay returns a bounce up to its queue lifetime later, and a repeat is recognised only while the
 *  first report is kept (docs/delivery.md, "Retention"). */
export const MAIL_EVENTS_MIN_DAYS = 30;

/** What a prune keeps: digests from local day `digestsFrom` on; ingest runs and pending sign-ups from `runsFrom`, sign-up
 *  attempts from `signupsFrom`, bounce and complaint reports from `eventsFrom`. */
export interface KeptFrom {
  digestsFrom: string;
  runsFrom: string;
  signupsFrom: string;
  eventsFrom: string;
}

/**
 * The limits of `days` of history at `now`. A digest's day is its subscriber's local day: a day is kept one day
 * longer than `days` in UTC, so that every digest pruned was claimed more than `days` days ago whatever its timezone.
 */
export function keptFrom(now: Date, days: number): KeptFrom {
  return {
    digestsFrom: new Date(now.getTime() - (days + 1) * DAY_MS).toISOString().slice(0, 10),
    runsFrom: new Date(now.getTime() - days * DAY_MS).toISOString(),
    signupsFrom: new Date(now.getTime() - SIGNUP_ATTEMPTS_MS).toISOString(),
    eventsFrom: new Date(now.getTime() - Math.max(days, MAIL_EVENTS_MIN_DAYS) * DAY_MS).toISOString(),
  };
}

/** Deletes up to `limit` digests of local days before `from`, oldest first; their papers (digest_items) and delivery
 *  attempts go with them (ON DELETE CASCADE). Returns how many digests. */
export function pruneDigests(db: Db, from: string, limit: number): number {
  // Found through digests_date; the cascade finds items and attempts through their primary keys.
  return stmt(db, 'DELETE FROM digests WHERE id IN (SELECT id FROM digests WHERE digest_date < ? ORDER BY digest_date LIMIT ?)')
    .run(from, limit).changes;
}

/** Deletes up to `limit` ingest runs started before `from`, oldest first. */
export function pruneIngestRuns(db: Db, from: string, limit: number): number {
  // Ids grow with the start time: the scan from the lowest id meets the old runs first.
  return stmt(db, 'DELETE FROM ingest_runs WHERE id IN (SELECT id FROM ingest_runs WHERE started < ? ORDER BY id LIMIT ?)')
    .run(from, limit).changes;
}

/** Deletes up to `limit` sign-up attempts made before `from`. */
export function pruneSignupAttempts(db: Db, from: string, limit: number): number {
  // Found through signup_attempts_at.
  return stmt(db, 'DELETE FROM signup_attempts WHERE rowid IN (SELECT rowid FROM signup_attempts WHERE at < ? LIMIT ?)')
    .run(from, limit).changes;
}

/** Deletes up to `limit` bounce and complaint reports received before `from`. */
export function pruneMailEvents(db: Db, from: string, limit: number): number {
  // Found through mail_events_received.
  return stmt(db, 'DELETE FROM mail_events WHERE id IN (SELECT id FROM mail_events WHERE received_at < ? LIMIT ?)').run(from, limit).changes;
}

/**
 * Erases up to `limit` subscribers still pending since before `from` with no sign-up request since then: their
 * owner never confirmed, and every confirmation link they were mailed has long expired. Their ids are remembered
 * as deleted ones are (see deleteSubscriberData), so no later subscriber gets one and old links stay dead.
 */
export function pruneUnconfirmed(db: Db, from: string, limit: number): number {
  return atomically(db, () => {
    // Through subscribers_status; their requests go with them (ON DELETE CASCADE).
    const ids = stmt(db, `
      DELETE FROM subscribers WHERE id IN (
        SELECT id FROM subscribers s WHERE status = 'pending' AND created_at < @from
          AND NOT EXISTS (SELECT 1 FROM signup_requests r WHERE r.subscriber_id = s.id AND r.created_at >= @from)
        LIMIT @limit)
      RETURNING id`).pluck().all({ from, limit }) as number[];
    if (ids.length) {
      // The highest id ever deleted, as deleteSubscriberData keeps it.
      stmt(db, `
        INSERT INTO settings (key, value) VALUES ('deleted_subscriber_max_id', ?)
        ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`).run(String(Math.max(...ids)));
    }
    return ids.length;
  });
}

/** Deletes up to `limit` change-log rows the full-text index already holds (see migrations/008_search_file.sql). */
export function pruneIndexedChanges(db: Db, limit: number): number {
  // A catch-up reads only the rows after search.indexed.seq; AUTOINCREMENT never hands a deleted seq out again.
  return stmt(db, `DELETE FROM paper_changes WHERE seq IN (
    SELECT seq FROM paper_changes WHERE seq <= (SELECT seq FROM search.indexed) ORDER BY seq LIMIT ?)`).run(limit).changes;
}

/** How many rows a prune at these limits would delete, per kind (digest items and attempts are those of the digests). */
export function countPrunable(db: Db, kept: KeptFrom): Record<'digests' | 'digestItems' | 'deliveryAttempts' | 'ingestRuns' | 'signupAttempts' | 'mailEvents' | 'unconfirmed' | 'changes', number> {
  const n = (sql: string, ...args: unknown[]) => stmt(db, sql).pluck().get(...args) as number;
  return {
    // Each through the same index its prune statement uses.
    digests: n('SELECT count(*) FROM digests WHERE digest_date < ?', kept.digestsFrom),
    digestItems: n('SELECT count(*) FROM digests d JOIN digest_items i ON i.digest_id = d.id WHERE d.digest_date < ?', kept.digestsFrom),
    deliveryAttempts: n('SELECT count(*) FROM digests d JOIN delivery_attempts a ON a.digest_id = d.id WHERE d.digest_date < ?', kept.digestsFrom),
    ingestRuns: n('SELECT count(*) FROM ingest_runs WHERE started < ?', kept.runsFrom),
    signupAttempts: n('SELECT count(*) FROM signup_attempts WHERE at < ?', kept.signupsFrom),
    mailEvents: n('SELECT count(*) FROM mail_events WHERE received_at < ?', kept.eventsFrom),
    unconfirmed: n(`SELECT count(*) FROM subscribers s WHERE status = 'pending' AND created_at < @from
      AND NOT EXISTS (SELECT 1 FROM signup_requests r WHERE r.subscriber_id = s.id AND r.created_at >= @from)`, { from: kept.runsFrom }),
    changes: n('SELECT count(*) FROM paper_changes WHERE seq <= (SELECT seq FROM search.indexed)'),
  };
}
