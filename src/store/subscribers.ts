import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open.js';
import type { WeakDay } from './votes.js';
import { atomically, stmt } from './statements.js';
import type { Subscriber, SubscriberStatus } from '../model.js';

/** What a subscriber states about their interests and delivery hour. */
export interface Interests {
  keywords: string[];
  categories: string[];
  authors: string[];
  about: string;
  papers: string[];
  timezone: string;
  hour: number;
}

/** What a sign-up carries. */
export interface SignUp extends Interests {
  email: string;
  frequency: Frequency;
  weekday: number;
}

/** How often digests go out: every day, or once a week on `weekday`. */
export type Frequency = 'daily' | 'weekly';

/** Delivery preferences a subscriber edits on /preferences (migration 005). */
export interface Delivery {
  frequency: Frequency;
  /** 0 = Sunday … 6 = Saturday; the day a weekly digest goes out. */
  weekday: number;
  /** How many papers a digest holds. */
  digestSize: number;
  /** What a day with too few good papers sends: nothing, or a short note. */
  weakDay: WeakDay;
  /** YYYY-MM-DD (the subscriber's local day): no digest before this day; null when not paused. */
  pausedUntil: string | null;
}

/** Everything /preferences edits: the interests and delivery settings. */
export interface Preferences extends Interests, Delivery {}

/** A subscriber row plus the nonce its confirmation link is signed with and the delivery settings. */
export interface SubscriberRecord extends Subscriber, Delivery {
  confirmNonce: string | null;
  confirmSentAt: string | null;
}

/** The subscribers table's columns that toRecord reads. */
export interface SubscriberRow {
  id: number; email: string; status: SubscriberStatus; keywords: string; categories: string;
  authors: string; about: string; papers: string; timezone: string; hour: number;
  token_version: number; confirm_nonce: string | null; confirm_sent_at: string | null;
  frequency: Frequency; weekday: number; digest_size: number; weak_day: WeakDay; paused_until: string | null;
}

/** A subscribers row as the store's other modules read it. */
export function toRecord(r: SubscriberRow): SubscriberRecord {
  return {
    id: r.id, email: r.email, status: r.status, timezone: r.timezone, hour: r.hour,
    tokenVersion: r.token_version, confirmNonce: r.confirm_nonce, confirmSentAt: r.confirm_sent_at,
    frequency: r.frequency, weekday: r.weekday, digestSize: r.digest_size, weakDay: r.weak_day, pausedUntil: r.paused_until,
    profile: {
      keywords: JSON.parse(r.keywords), categories: JSON.parse(r.categories), authors: JSON.parse(r.authors),
      about: r.about, papers: JSON.parse(r.papers), votes: [],
    },
  };
}

/** Loads one subscriber by id. */
export function getSubscriber(db: Db, id: number): SubscriberRecord | undefined {
  const row = stmt(db, 'SELECT * FROM subscribers WHERE id = ?').get(id) as SubscriberRow | undefined;
  return row && toRecord(row);
}

/** Loads one subscriber by email address (case-insensitive). */
export function findByEmail(db: Db, email: string): SubscriberRecord | undefined {
  const row = stmt(db, 'SELECT * FROM subscribers WHERE email = ?').get(email) as SubscriberRow | undefined;
  return row && toRecord(row);
}

/**
 * Records a sign-up. A new or not-yet-active address gets its interests saved and a fresh
 * confirmation nonce (returned: a confirmation mail is due); an active address is left as it is.
 */
export function signUp(db: Db, s: SignUp, now = new Date()): { subscriber: SubscriberRecord; confirm: boolean } {
  const nonce = randomBytes(16).toString('base64url');
  const params = {
    ...s, keywords: JSON.stringify(s.keywords), categories: JSON.stringify(s.categories),
    authors: JSON.stringify(s.authors), papers: JSON.stringify(s.papers), nonce, now: now.toISOString(),
  };
  return atomically(db, () => {
    // New address: a pending row. Known but not active: new interests and a new nonce, so older
    // confirmation links stop working. Either way a confirmation mail is queued (see 007). Active: untouched (preferences are changed elsewhere).
    // The id is never one a deleted subscriber had (see deleteSubscriberData), so their old links stay dead.
    const changed = stmt(db, `
      INSERT INTO subscribers (id, email, status, keywords, categories, authors, about, papers, timezone, hour,
                               frequency, weekday, confirm_nonce, confirm_sent_at, created_at, confirm_mail)
      VALUES (max(COALESCE((SELECT max(id) FROM subscribers), 0),
                  COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'deleted_subscriber_max_id'), 0)) + 1,
              @email, 'pending', @keywords, @categories, @authors, @about, @papers, @timezone, @hour,
              @frequency, @weekday, @nonce, @now, @now, 'queued')
      ON CONFLICT (email) DO UPDATE SET
        status = 'pending', keywords = excluded.keywords, categories = excluded.categories,
        authors = excluded.authors, about = excluded.about, papers = excluded.papers,
        timezone = excluded.timezone, hour = excluded.hour, frequency = excluded.frequency,
        weekday = excluded.weekday, confirm_nonce = excluded.confirm_nonce,
        confirm_sent_at = excluded.confirm_sent_at,
        confirm_mail = 'queued', confirm_attempts = 0, confirm_next_at = NULL, confirm_reply = NULL
      WHERE status <> 'active'
      RETURNING *`).get(params) as SubscriberRow | undefined;
    // No row returned: the address is active and was left alone.
    return changed ? { subscriber: toRecord(changed), confirm: true } : { subscriber: findByEmail(db, s.email)!, confirm: false };
  });
}

/** Activates a pending subscriber; false when nothing changed (the nonce stays, so a reused link can say "already confirmed"). */
export function confirmSubscriber(db: Db, id: number, now = new Date()): boolean {
  return stmt(db, `
    UPDATE subscribers SET status = 'active', confirmed_at = ?, unsubscribed_at = NULL
    WHERE id = ? AND status = 'pending'`).run(now.toISOString(), id).changes > 0;
}

/** Unsubscribes; repeating it is harmless. Returns true when the subscriber exists. */
export function unsubscribe(db: Db, id: number, now = new Date()): boolean {
  const r = stmt(db, `
    UPDATE subscribers SET status = 'unsubscribed', confirm_nonce = NULL,
      unsubscribed_at = COALESCE(unsubscribed_at, ?)
    WHERE id = ?`).run(now.toISOString(), id);
  return r.changes > 0;
}

/** Active subscribers in id order, read a page at a time so memory stays flat and the connection stays free between pages. */
export function* activeSubscribers(db: Db, pageSize = 500): Generator<SubscriberRecord> {
  // Keyset pagination: better-sqlite3 forbids other statements on a connection while an iterator is open.
  const page = stmt(db, "SELECT * FROM subscribers WHERE status = 'active' AND id > ? ORDER BY id LIMIT ?");
  for (let after = 0; ;) {
    const rows = page.all(after, pageSize) as SubscriberRow[];
    for (const row of rows) yield toRecord(row);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].id;
  }
}

/** Saves every preference of a subscriber; false when the subscriber does not exist. */
export function updatePreferences(db: Db, id: number, p: Preferences): boolean {
  // One statement: interests, delivery hour and schedule change together or not at all.
  return stmt(db, `
    UPDATE subscribers SET keywords = @keywords, categories = @categories, authors = @authors, about = @about,
      papers = @papers, timezone = @timezone, hour = @hour, frequency = @frequency, weekday = @weekday,
      digest_size = @digestSize, weak_day = @weakDay, paused_until = @pausedUntil
    WHERE id = @id`).run({
    ...p, id, keywords: JSON.stringify(p.keywords), categories: JSON.stringify(p.categories),
    authors: JSON.stringify(p.authors), papers: JSON.stringify(p.papers),
  }).changes > 0;
}

/** How many subscribers are active (the upper bound of a run's due digests). */
export function countActive(db: Db): number {
  return stmt(db, "SELECT count(*) FROM subscribers WHERE status = 'active'").pluck().get() as number;
}

/** Turns an unsubscribed subscriber active again (they hold a link from their own inbox); false otherwise. */
export function resubscribe(db: Db, id: number, now = new Date()): boolean {
  // Only from 'unsubscribed': a pending address still has to click its confirmation link.
  return stmt(db, `
    UPDATE subscribers SET status = 'active', unsubscribed_at = NULL, confirmed_at = COALESCE(confirmed_at, ?)
    WHERE id = ? AND status = 'unsubscribed'`).run(now.toISOString(), id).changes > 0;
}

/**
 * Erases a subscriber and their history (digests, digest items and votes cascade), leaving only a
 * hashed suppression entry. Their id is never handed out again, so every old link stays dead.
 */
export function deleteSubscriberData(db: Db, id: number, hash: string, now = new Date()): boolean {
  return db.transaction(() => {
    // Remember the highest id ever deleted: SQLite would otherwise reuse max(id) + 1.
    stmt(db, `
      INSERT INTO settings (key, value) VALUES ('deleted_subscriber_max_id', ?)
      ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`).run(String(id));
    // The suppression entry: the address's HMAC and when, nothing else.
    stmt(db, 'INSERT OR IGNORE INTO suppressions (email_hash, created_at) VALUES (?, ?)').run(hash, now.toISOString());
    // The row and, by ON DELETE CASCADE, everything that belongs to it.
    return stmt(db, 'DELETE FROM subscribers WHERE id = ?').run(id).changes > 0;
  })();
}

/** Every arXiv category an active subscriber follows, sorted: the announcement feeds to fetch. */
export function followedCategories(db: Db): string[] {
  // json_each unnests each subscriber's JSON array of categories.
  return stmt(db, `
    SELECT DISTINCT c.value FROM subscribers s, json_each(s.categories) c
    WHERE s.status = 'active' AND c.type = 'text' ORDER BY c.value`).pluck().all() as string[];
}

/** A subscriber as `paperboy subscribers list` shows it. */
export interface SubscriberListing extends SubscriberRecord {
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

/** Every subscriber (or those of one status), oldest first, for the admin's list. */
export function listSubscribers(db: Db, status?: SubscriberStatus): SubscriberListing[] {
  // All columns plus the dates toRecord leaves out; a NULL status parameter means every status.
  const rows = stmt(db, 'SELECT * FROM subscribers WHERE (@status IS NULL OR status = @status) ORDER BY id')
    .all({ status: status ?? null }) as (SubscriberRow & { created_at: string; confirmed_at: string | null; unsubscribed_at: string | null })[];
  return rows.map((r) => ({ ...toRecord(r), createdAt: r.created_at, confirmedAt: r.confirmed_at, unsubscribedAt: r.unsubscribed_at }));
}
