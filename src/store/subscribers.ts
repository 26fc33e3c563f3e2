import type { Db } from '../db/open.js';
import { cleanLine, cleanParagraph } from '../text.js';
import { liftSuppression, suppress, type SuppressionReason } from './address-guard.js';
import { replaceLibrary } from './library.js';
import { closeConfirmations, queueRequest, type Asked, type SignupRequest } from './requests.js';
import type { WeakDay } from './votes.js';
import { atomically, stmt } from './statements.js';
import type { Frequency, Interests, Subscriber, SubscriberStatus } from '../model.js';

/** What a sign-up carries: the address and what a confirmation applies. */
export interface SignUp extends Asked {
  email: string;
}

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
  /** The sources papers are taken from (src/rank/sources.ts); empty: every source. */
  sources?: string[];
}

/** Everything /preferences edits: the interests and delivery settings. */
export interface Preferences extends Interests, Delivery {}

/** A subscriber row plus the delivery settings and the version that retires preferences and digest links. */
export interface SubscriberRecord extends Subscriber, Delivery {
  manageVersion: number;
}

/** The subscribers table's columns that toRecord reads. */
export interface SubscriberRow {
  id: number; email: string; status: SubscriberStatus; keywords: string; categories: string;
  authors: string; about: string; papers: string; timezone: string; hour: number;
  token_version: number; manage_version: number;
  frequency: Frequency; weekday: number; digest_size: number; weak_day: WeakDay; paused_until: string | null;
  sources?: string;
}

/** A subscribers row as the store's other modules read it. */
export function toRecord(r: SubscriberRow): SubscriberRecord {
  return {
    id: r.id, email: r.email, status: r.status, timezone: r.timezone, hour: r.hour,
    tokenVersion: r.token_version, manageVersion: r.manage_version,
    frequency: r.frequency, weekday: r.weekday, digestSize: r.digest_size, weakDay: r.weak_day, pausedUntil: r.paused_until,
    sources: r.sources ? JSON.parse(r.sources) : [],
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

/** Interests with invisible characters dropped, blanks folded and repeats removed, whoever collected them. */
export function cleanInterests<T extends Interests>(s: T): T {
  const lines = (xs: string[]) => [...new Set(xs.map(cleanLine).filter(Boolean))];
  return { ...s, keywords: lines(s.keywords), authors: lines(s.authors), categories: lines(s.categories), papers: lines(s.papers), about: cleanParagraph(s.about) };
}

/** Statement parameters of interests: the lists as the JSON text the columns hold. */
function listColumns<T extends Omit<Interests, 'timezone' | 'hour'>>(i: T) {
  return { ...i, keywords: JSON.stringify(i.keywords), categories: JSON.stringify(i.categories), authors: JSON.stringify(i.authors), papers: JSON.stringify(i.papers) };
}

/** What a sign-up queued: a confirmation link (new, pending or unsubscribed address) or the preferences link (active address). */
export type SignUpMail = 'confirm' | 'manage';

/**
 * Records a sign-up; the HTTP form, the API and the operator's invite all come through here. A new address
 * gets a pending row. An existing row is never changed: what the sign-up asked for waits in a request that
 * its own confirmation link applies, and earlier links stay valid. An active address is sent its
 * preferences link instead. Either way exactly one mail is queued, so the answer tells nothing.
 */
export function signUp(db: Db, input: SignUp, now = new Date(), opts: { invited?: boolean } = {}): { subscriber: SubscriberRecord; requestId: number; mail: SignUpMail } {
  const s = cleanInterests(input);
  return atomically(db, () => {
    const subscriber = insertPending(db, s, now) ?? findByEmail(db, s.email)!;
    const mail: SignUpMail = subscriber.status === 'active' ? 'manage' : 'confirm';
    return { subscriber, mail, requestId: queueRequest(db, subscriber.id, mail === 'confirm' ? s : null, now, opts.invited) };
  });
}

/** Inserts a pending subscriber for a new address, with what the sign-up asked for; undefined when the address is known. */
function insertPending(db: Db, s: SignUp, now: Date): SubscriberRecord | undefined {
  // The id is never one a deleted subscriber had (see deleteSubscriberData), so their old links stay dead.
  const row = stmt(db, `
    INSERT INTO subscribers (id, email, status, keywords, categories, authors, about, papers, timezone, hour,
                             frequency, weekday, created_at)
    VALUES (max(COALESCE((SELECT max(id) FROM subscribers), 0),
                COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'deleted_subscriber_max_id'), 0)) + 1,
            @email, 'pending', @keywords, @categories, @authors, @about, @papers, @timezone, @hour,
            @frequency, @weekday, @now)
    ON CONFLICT (email) DO NOTHING
    RETURNING *`).get({ ...listColumns(s), now: now.toISOString() }) as SubscriberRow | undefined;
  return row && toRecord(row);
}

/**
 * Uses a confirmation request: its subscriber becomes active with the interests and schedule it asked for,
 * it and the address's other open requests are closed (their links then say "already subscribed"), and a
 * suppression left by "delete my data" (`hash`) is lifted.
 */
export function confirmSignUp(db: Db, request: SignupRequest & { asked: Asked }, hash: string, now = new Date()): SubscriberRecord {
  return atomically(db, () => {
    applyConfirmation(db, request.subscriberId, request.asked, now);
    closeConfirmations(db, request.subscriberId, now);
    liftSuppression(db, hash);
    return getSubscriber(db, request.subscriberId)!;
  });
}

/** Queues a mail to a subscriber's own address: a confirmation link asking for what they have now, or their preferences link. */
export function mailOwner(db: Db, sub: SubscriberRecord, kind: SignUpMail, now = new Date()): number {
  const { keywords, categories, authors, about, papers } = sub.profile;
  const asked = { keywords, categories, authors, about, papers, timezone: sub.timezone, hour: sub.hour, frequency: sub.frequency, weekday: sub.weekday };
  return queueRequest(db, sub.id, kind === 'confirm' ? asked : null, now);
}

/** Activates a pending or unsubscribed subscriber with the interests and schedule a confirmed request asked for. */
function applyConfirmation(db: Db, id: number, asked: Asked, now: Date): void {
  // Coming back from unsubscribed bumps token_version: unsubscribe links of the earlier subscription die.
  stmt(db, `
    UPDATE subscribers SET keywords = @keywords, categories = @categories, authors = @authors, about = @about,
      papers = @papers, timezone = @timezone, hour = @hour, frequency = @frequency, weekday = @weekday,
      token_version = token_version + (status = 'unsubscribed'),
      status = 'active', confirmed_at = @now, unsubscribed_at = NULL
    WHERE id = @id`).run({ ...listColumns(asked), id, now: now.toISOString() });
  if (asked.library) replaceLibrary(db, id, asked.library);
}

/** Unsubscribes; repeating it is harmless. Leaving bumps manage_version, so preferences and digest links of earlier mails stop working. */
export function unsubscribe(db: Db, id: number, now = new Date()): boolean {
  const r = stmt(db, `
    UPDATE subscribers SET manage_version = manage_version + (status <> 'unsubscribed'), status = 'unsubscribed',
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
export function updatePreferences(db: Db, id: number, prefs: Preferences): boolean {
  const p = cleanInterests(prefs);
  // One statement: interests, delivery hour and schedule change together or not at all.
  return stmt(db, `
    UPDATE subscribers SET keywords = @keywords, categories = @categories, authors = @authors, about = @about,
      papers = @papers, timezone = @timezone, hour = @hour, frequency = @frequency, weekday = @weekday,
      digest_size = @digestSize, weak_day = @weakDay, paused_until = @pausedUntil, sources = @sourcesJson
    WHERE id = @id`).run({ ...listColumns(p), sourcesJson: JSON.stringify(prefs.sources ?? []), id }).changes > 0;
}

/** How many subscribers are active (the upper bound of a run's due digests). */
export function countActive(db: Db): number {
  return stmt(db, "SELECT count(*) FROM subscribers WHERE status = 'active'").pluck().get() as number;
}

/** Turns an unsubscribed subscriber active again (they hold a preferences link mailed since they left); false otherwise. */
export function resubscribe(db: Db, id: number, now = new Date()): boolean {
  return atomically(db, () => {
    // Only from 'unsubscribed': a pending address still has to confirm. Unsubscribe links of the earlier subscription die.
    const back = stmt(db, `
      UPDATE subscribers SET status = 'active', unsubscribed_at = NULL, confirmed_at = COALESCE(confirmed_at, ?),
        token_version = token_version + 1
      WHERE id = ? AND status = 'unsubscribed'`).run(now.toISOString(), id).changes > 0;
    // A confirmation link still open would later apply the interests of its day over today's.
    if (back) closeConfirmations(db, id, now);
    return back;
  });
}

/**
 * Erases a subscriber and their history (digests, digest items and votes cascade), leaving only a
 * hashed suppression entry. Their id is never handed out again, so every old link stays dead.
 */
export function deleteSubscriberData(db: Db, id: number, hash: string, now = new Date(), reason: SuppressionReason = 'deleted'): boolean {
  return db.transaction(() => {
    // Remember the highest id ever deleted: SQLite would otherwise reuse max(id) + 1.
    stmt(db, `
      INSERT INTO settings (key, value) VALUES ('deleted_subscriber_max_id', ?)
      ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`).run(String(id));
    suppress(db, hash, now, reason);
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

/** What erasing a subscriber takes with it: the day they signed up, their digests kept, their library's entries. */
export function footprint(db: Db, id: number): { since: string; digests: number; library: number } {
  // Counted through each table's subscriber index.
  return stmt(db, `
    SELECT created_at AS since, (SELECT count(*) FROM digests WHERE subscriber_id = @id) AS digests,
      (SELECT count(*) FROM library_entries WHERE subscriber_id = @id) AS library
    FROM subscribers WHERE id = @id`).get({ id }) as { since: string; digests: number; library: number };
}
