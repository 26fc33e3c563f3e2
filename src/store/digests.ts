// The delivery outbox: one digests row per subscriber per local day, moved through its states here.
// Every query is plain SQL with a comment; every state change that must be atomic is one transaction.
import type { Db } from '../db/open.js';
import type { Paper, RankedPaper } from '../model.js';
import { rowToPaper } from './papers.js';
import { atomically, stmt as sql } from './statements.js';

/** States of a digest; see docs/delivery.md for the transitions. */
export type DigestState = 'queued' | 'sending' | 'sent' | 'retry' | 'failed' | 'uncertain' | 'skipped';

/** A claim on one subscriber's digest for one local day. */
export interface DigestClaim {
  subscriberId: number;
  date: string;
  messageId: string;
  subject: string;
  items: RankedPaper[];
  /** A quiet-day note: sent even with no paper in it. */
  note?: boolean;
}

/** How one hand-off ended, as delivery_attempts.outcome records it ('interrupted' is set by releaseStale). */
export type AttemptEnd = 'sent' | 'transient' | 'permanent';

/** One attempt's outcome as the digest and its attempt row record it: how it ended and the server's reply. */
export interface AttemptReply {
  outcome: AttemptEnd;
  /** The SMTP reply code, when the server answered. */
  smtpCode: number | null;
  /** The server's reply, or what went wrong before it could answer. */
  smtpResponse: string;
}

/** Where a digest goes after an attempt: handed over, tried again at a time, or given up. */
export type AfterAttempt = { state: 'sent' } | { state: 'retry'; at: Date } | { state: 'failed' };

/** A worker's hold on a digest while it sends it. */
export interface Lease {
  owner: string;
  ms: number;
}

/** True when the subscriber's digest for that local day was already claimed (in any state). */
export function hasDigest(db: Db, subscriberId: number, date: string): boolean {
  // The UNIQUE (subscriber_id, digest_date) index answers this.
  return sql(db, 'SELECT 1 FROM digests WHERE subscriber_id = ? AND digest_date = ?').pluck().get(subscriberId, date) === 1;
}

/**
 * Claims the day's digest and records its papers in one transaction, before anything is sent.
 * With a lease the row starts in 'sending' held by that worker (attempt 1 begins); without, 'queued'.
 * An empty list is recorded as 'skipped', unless it is a quiet-day note. Returns the digest id, or null when that day was claimed before.
 */
export function claimDigest(db: Db, c: DigestClaim, now = new Date(), lease?: Lease): number | null {
  // Part of the caller's transaction when it holds one (the sender claims a batch of subscribers at once).
  return atomically(db, () => {
    const at = now.toISOString();
    const state = !c.items.length && !c.note ? 'skipped' : lease ? 'sending' : 'queued';
    // UNIQUE(subscriber_id, digest_date) makes the claim: a second claimant inserts nothing.
    const ins = sql(db, `
      INSERT INTO digests (subscriber_id, digest_date, state, message_id, subject, skip_reason, attempts,
                           lease_owner, lease_expires_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (subscriber_id, digest_date) DO NOTHING`)
      .run(c.subscriberId, c.date, state, c.messageId, c.subject, state === 'skipped' ? 'empty' : null,
        state === 'sending' ? 1 : 0, state === 'sending' ? lease!.owner : null,
        state === 'sending' ? new Date(now.getTime() + lease!.ms).toISOString() : null, at, at);
    if (ins.changes === 0) return null;
    const id = Number(ins.lastInsertRowid);
    // The papers, in order, in one statement; UNIQUE(subscriber_id, paper_id) keeps a paper from being sent twice.
    sql(db, `
      INSERT INTO digest_items (digest_id, subscriber_id, paper_id, position, score, why)
      SELECT ?, ?, value ->> '$.id', key + 1, value ->> '$.score', value ->> '$.why' FROM json_each(?)`)
      .run(id, c.subscriberId, JSON.stringify(c.items.map((r) => ({ id: r.paper.id, score: r.score, why: JSON.stringify(r.why) }))));
    if (state === 'sending') startAttempt(db, id, 1, lease!.owner, at);
    return id;
  });
}

/** Gives back a digest `owner` claimed and never handed over (its run stopped first): the row goes, with its papers
 *  and its unstarted attempt (ON DELETE CASCADE), so the subscriber is due again and nothing says it was tried. */
export function unclaimDigest(db: Db, id: number, owner: string): boolean {
  return sql(db, "DELETE FROM digests WHERE id = ? AND state = 'sending' AND lease_owner = ? AND attempts = 1").run(id, owner).changes > 0;
}

/** Records that a subscriber's digest for the day is skipped (e.g. 'suspended'); false when that day already has a row. */
export function skipDigest(db: Db, subscriberId: number, date: string, reason: string, now = new Date()): boolean {
  // A skipped day still takes the day's row, so the count of due digests stays whole.
  return sql(db, `
    INSERT INTO digests (subscriber_id, digest_date, state, skip_reason, created_at, updated_at)
    VALUES (?, ?, 'skipped', ?, ?, ?) ON CONFLICT (subscriber_id, digest_date) DO NOTHING`)
    .run(subscriberId, date, reason, now.toISOString(), now.toISOString()).changes > 0;
}

function startAttempt(db: Db, id: number, attempt: number, owner: string, at: string): void {
  // One row per hand-off attempt, open until its outcome is known.
  sql(db, 'INSERT INTO delivery_attempts (digest_id, attempt, owner, started_at) VALUES (?, ?, ?, ?)').run(id, attempt, owner, at);
}

/**
 * Takes a queued, due-for-retry or uncertain digest for sending, in one transaction.
 * Returns the attempt number, or null when another worker holds it or it is not takeable.
 */
export function leaseDigest(db: Db, id: number, lease: Lease, maxAttempts: number, now = new Date()): number | null {
  return atomically(db, () => {
    const at = now.toISOString();
    // The WHERE clause is the lock: only one UPDATE can move the row out of a takeable state.
    const row = sql(db, `
      UPDATE digests SET state = 'sending', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
      WHERE id = ? AND attempts < ?
        AND (state IN ('queued', 'uncertain') OR (state = 'retry' AND next_attempt_at <= ?))
      RETURNING attempts`).get(lease.owner, new Date(now.getTime() + lease.ms).toISOString(), at, id, maxAttempts, at) as
      { attempts: number } | undefined;
    if (!row) return null;
    startAttempt(db, id, row.attempts, lease.owner, at);
    return row.attempts;
  });
}

/** A digest that may be taken now (queued, retry due, uncertain) with its subscriber's timezone. */
export interface OpenDigest {
  id: number;
  subscriberId: number;
  date: string;
  timezone: string;
}

/** Digests waiting to be (re)sent, in id order, a page at a time. */
export function* openDigests(db: Db, now: Date, maxAttempts: number, pageSize = 500): Generator<OpenDigest> {
  // Keyset pagination over the outbox: queued, uncertain and due retries with attempts left.
  const page = sql(db, `
    SELECT d.id, d.subscriber_id AS subscriberId, d.digest_date AS date, s.timezone
    FROM digests d JOIN subscribers s ON s.id = d.subscriber_id
    WHERE d.id > ? AND d.attempts < ?
      AND (d.state IN ('queued', 'uncertain') OR (d.state = 'retry' AND d.next_attempt_at <= ?))
    ORDER BY d.id LIMIT ?`);
  for (let after = 0; ;) {
    const rows = page.all(after, maxAttempts, now.toISOString(), pageSize) as OpenDigest[];
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].id;
  }
}

/** When the earliest pending retry falls due, or null when none waits. */
export function nextRetryAt(db: Db, maxAttempts: number): Date | null {
  // Retries still inside their day's budget of attempts.
  const at = sql(db, "SELECT min(next_attempt_at) FROM digests WHERE state = 'retry' AND attempts < ?").pluck().get(maxAttempts) as string | null;
  return at ? new Date(at) : null;
}

/**
 * Marks as 'uncertain' every 'sending' digest whose worker is gone: lease expired, or its owner
 * reported dead by `isDead`. Their open attempts become 'interrupted'. Returns how many.
 */
export function releaseStale(db: Db, now: Date, isDead: (owner: string) => boolean): number {
  return db.transaction(() => {
    const at = now.toISOString();
    // Who holds leases right now; few rows (one per live or dead worker).
    const owners = sql(db, "SELECT DISTINCT lease_owner FROM digests WHERE state = 'sending'").pluck().all() as string[];
    const dead = JSON.stringify(owners.filter(isDead));
    // The worker may have handed the mail over before it died: we cannot know, hence 'uncertain'.
    const ids = sql(db, `
      UPDATE digests SET state = 'uncertain', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?,
        smtp_response = 'interrupted: the sending worker stopped before the server answered'
      WHERE state = 'sending' AND (lease_expires_at < ? OR lease_owner IN (SELECT value FROM json_each(?)))
      RETURNING id`).pluck().all(at, at, dead) as number[];
    // Close their open attempts.
    const close = sql(db, `
      UPDATE delivery_attempts SET outcome = 'interrupted', finished_at = ? WHERE digest_id = ? AND finished_at IS NULL`);
    for (const id of ids) close.run(at, id);
    return ids.length;
  })();
}

/** Skips a claimed digest that must not go out any more (its subscriber left or was suspended); false when it was not waiting. */
export function skipClaimed(db: Db, id: number, reason: string, now = new Date()): boolean {
  // Only rows no worker holds.
  return sql(db, `
    UPDATE digests SET state = 'skipped', skip_reason = ?, updated_at = ?
    WHERE id = ? AND state IN ('queued', 'retry', 'uncertain')`).run(reason, now.toISOString(), id).changes > 0;
}

/** Gives up a queued or retrying digest of a day that is over: it is never sent late. */
export function expireDigest(db: Db, id: number, now = new Date()): void {
  // 'uncertain' rows keep their state: they may well have been delivered.
  sql(db, `
    UPDATE digests SET state = 'failed', smtp_response = 'expired: its day ended before it could be sent', updated_at = ?
    WHERE id = ? AND state IN ('queued', 'retry')`).run(now.toISOString(), id);
}

/**
 * Records an attempt's reply and the digest's next state, in one transaction, if `owner` still holds
 * the lease. Returns false when the lease had been lost (the row is left to its new holder).
 */
export function recordAttempt(db: Db, r: { id: number; owner: string; attempt: number; reply: AttemptReply; next: AfterAttempt }, now = new Date()): boolean {
  // Part of the caller's transaction when it holds one (the sender commits a group of outcomes at once).
  return atomically(db, () => {
    const at = now.toISOString();
    const { outcome, smtpCode, smtpResponse } = r.reply;
    // Close this attempt with the server's reply.
    sql(db, `
      UPDATE delivery_attempts SET outcome = ?, smtp_code = ?, smtp_response = ?, finished_at = ?
      WHERE digest_id = ? AND attempt = ?`).run(outcome, smtpCode, smtpResponse, at, r.id, r.attempt);
    // Move the digest on, only while we still hold it.
    return sql(db, `
      UPDATE digests SET state = ?, smtp_code = ?, smtp_response = ?, next_attempt_at = ?, sent_at = ?,
        lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
      WHERE id = ? AND state = 'sending' AND lease_owner = ?`).run(r.next.state, smtpCode, smtpResponse,
      r.next.state === 'retry' ? r.next.at.toISOString() : null, r.next.state === 'sent' ? at : null, at, r.id, r.owner).changes > 0;
  });
}

/** The stored digest row the sender needs to (re)send it. */
export interface StoredDigest {
  id: number;
  subscriberId: number;
  date: string;
  messageId: string;
  subject: string;
  items: RankedPaper[];
}

/** Loads a claimed digest with its papers in order, to send (or resend) exactly what was claimed. */
export function loadDigest(db: Db, id: number): StoredDigest | undefined {
  // The row itself.
  const d = sql(db, `
    SELECT id, subscriber_id AS subscriberId, digest_date AS date, message_id AS messageId, subject
    FROM digests WHERE id = ?`).get(id) as Omit<StoredDigest, 'items'> | undefined;
  if (!d) return undefined;
  // Its papers in the claimed order, with their scores and reasons.
  const rows = sql(db, `
    SELECT p.*, i.score AS item_score, i.why AS item_why FROM digest_items i JOIN papers p ON p.id = i.paper_id
    WHERE i.digest_id = ? ORDER BY i.position`).all(id) as (Parameters<typeof rowToPaper>[0] & { item_score: number; item_why: string })[];
  return { ...d, items: rows.map((r) => ({ paper: rowToPaper(r), score: r.item_score, why: JSON.parse(r.item_why) })) };
}

/** One digest's line in the deliveries report. */
export interface DeliveryRow {
  id: number;
  email: string;
  state: DigestState;
  attempts: number;
  smtpCode: number | null;
  smtpResponse: string | null;
  skipReason: string | null;
}

/** Every digest of a local day, with the subscriber's address. */
export function deliveriesOn(db: Db, date: string): DeliveryRow[] {
  // The day's outbox, in claim order.
  return sql(db, `
    SELECT d.id, s.email, d.state, d.attempts, d.smtp_code AS smtpCode, d.smtp_response AS smtpResponse, d.skip_reason AS skipReason
    FROM digests d JOIN subscribers s ON s.id = d.subscriber_id
    WHERE d.digest_date = ? ORDER BY d.id`).all(date) as DeliveryRow[];
}

/** Number of digests of a day in each state. */
export function stateCounts(db: Db, date: string): Record<DigestState, number> {
  const counts: Record<DigestState, number> = { queued: 0, sending: 0, sent: 0, retry: 0, failed: 0, uncertain: 0, skipped: 0 };
  // Served by the (state, digest_date) index.
  const rows = sql(db, 'SELECT state, count(*) AS n FROM digests WHERE digest_date = ? GROUP BY state').all(date) as { state: DigestState; n: number }[];
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

/** Papers first seen since `since`: the candidate pool of a delivery run, read once per run. */
export function recentPapers(db: Db, since: Date): Paper[] {
  // Served by papers_first_seen.
  const rows = sql(db, 'SELECT * FROM papers WHERE first_seen >= ? ORDER BY first_seen, id').all(since.toISOString());
  return (rows as Parameters<typeof rowToPaper>[0][]).map(rowToPaper);
}

/** The state of recentPapers(since) in one line: how many there are, their latest update and the row ids they hold
 *  (a paper stored, changed, merged or aged out changes it), and the last change to any paper's text (a seed's too). */
export function recentPapersState(db: Db, since: Date): string {
  const r = sql(db, `
    SELECT count(*) AS n, max(updated_at) AS updated, total(rowid) AS rows,
      COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'paper_changes'), 0) AS seq
    FROM papers WHERE first_seen >= ?`).get(since.toISOString()) as { n: number; updated: string | null; rows: number; seq: number };
  return `${r.n}|${r.updated}|${r.rows}|${r.seq}`;
}

/** Ids of the papers a subscriber's digests already held (recent ones are enough: the pool is a week). */
export function shownPaperIds(db: Db, subscriberId: number): Set<string> {
  // Served by UNIQUE (subscriber_id, paper_id).
  return new Set(sql(db, 'SELECT paper_id FROM digest_items WHERE subscriber_id = ?').pluck().all(subscriberId) as string[]);
}
