import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open.js';
import type { Subscriber, SubscriberStatus } from '../model.js';

/** What a sign-up carries. */
export interface SignUp {
  email: string;
  keywords: string[];
  categories: string[];
  authors: string[];
  about: string;
  papers: string[];
  timezone: string;
  hour: number;
}

/** A subscriber row plus the nonce its confirmation link is signed with. */
export interface SubscriberRecord extends Subscriber {
  confirmNonce: string | null;
  confirmSentAt: string | null;
}

interface SubscriberRow {
  id: number; email: string; status: SubscriberStatus; keywords: string; categories: string;
  authors: string; about: string; papers: string; timezone: string; hour: number;
  token_version: number; confirm_nonce: string | null; confirm_sent_at: string | null;
}

function toRecord(r: SubscriberRow): SubscriberRecord {
  return {
    id: r.id, email: r.email, status: r.status, timezone: r.timezone, hour: r.hour,
    tokenVersion: r.token_version, confirmNonce: r.confirm_nonce, confirmSentAt: r.confirm_sent_at,
    profile: {
      keywords: JSON.parse(r.keywords), categories: JSON.parse(r.categories), authors: JSON.parse(r.authors),
      about: r.about, papers: JSON.parse(r.papers), votes: [],
    },
  };
}

/** Loads one subscriber by id. */
export function getSubscriber(db: Db, id: number): SubscriberRecord | undefined {
  const row = db.prepare('SELECT * FROM subscribers WHERE id = ?').get(id) as SubscriberRow | undefined;
  return row && toRecord(row);
}

/** Loads one subscriber by email address (case-insensitive). */
export function findByEmail(db: Db, email: string): SubscriberRecord | undefined {
  const row = db.prepare('SELECT * FROM subscribers WHERE email = ?').get(email) as SubscriberRow | undefined;
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
  return db.transaction(() => {
    // New address: a pending row. Known but not active: new interests and a new nonce, so older
    // confirmation links stop working. Active: untouched (preferences are changed elsewhere).
    const changed = db.prepare(`
      INSERT INTO subscribers (email, status, keywords, categories, authors, about, papers, timezone, hour,
                               confirm_nonce, confirm_sent_at, created_at)
      VALUES (@email, 'pending', @keywords, @categories, @authors, @about, @papers, @timezone, @hour, @nonce, @now, @now)
      ON CONFLICT (email) DO UPDATE SET
        status = 'pending', keywords = excluded.keywords, categories = excluded.categories,
        authors = excluded.authors, about = excluded.about, papers = excluded.papers,
        timezone = excluded.timezone, hour = excluded.hour, confirm_nonce = excluded.confirm_nonce,
        confirm_sent_at = excluded.confirm_sent_at
      WHERE status <> 'active'`).run(params).changes;
    const subscriber = findByEmail(db, s.email)!;
    return { subscriber, confirm: changed > 0 };
  })();
}

/** Activates a pending subscriber; false when nothing changed (the nonce stays, so a reused link can say "already confirmed"). */
export function confirmSubscriber(db: Db, id: number, now = new Date()): boolean {
  return db.prepare(`
    UPDATE subscribers SET status = 'active', confirmed_at = ?, unsubscribed_at = NULL
    WHERE id = ? AND status = 'pending'`).run(now.toISOString(), id).changes > 0;
}

/** Unsubscribes; repeating it is harmless. Returns true when the subscriber exists. */
export function unsubscribe(db: Db, id: number, now = new Date()): boolean {
  const r = db.prepare(`
    UPDATE subscribers SET status = 'unsubscribed', confirm_nonce = NULL,
      unsubscribed_at = COALESCE(unsubscribed_at, ?)
    WHERE id = ?`).run(now.toISOString(), id);
  return r.changes > 0;
}

/** Active subscribers in id order, read a page at a time so memory stays flat and the connection stays free between pages. */
export function* activeSubscribers(db: Db, pageSize = 500): Generator<SubscriberRecord> {
  // Keyset pagination: better-sqlite3 forbids other statements on a connection while an iterator is open.
  const page = db.prepare("SELECT * FROM subscribers WHERE status = 'active' AND id > ? ORDER BY id LIMIT ?");
  for (let after = 0; ;) {
    const rows = page.all(after, pageSize) as SubscriberRow[];
    for (const row of rows) yield toRecord(row);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].id;
  }
}
