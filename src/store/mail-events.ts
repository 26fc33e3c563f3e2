// Bounces and complaints that came back after hand-off (migration 010), and what the bounce mailbox job has read.
// What a report means and what it does to its subscriber is decided in src/bounces/; this file reads and writes.
import type { Db } from '../db/open.js';
import { stmt } from './statements.js';

/** Where a report came from: the bounce mailbox, or an ESP's webhook. */
export type EventSource = 'mailbox' | 'ses' | 'postmark' | 'sendgrid' | 'mailgun';

/** What a report says happened: a hard bounce, a soft bounce, or a complaint (marked as spam). */
export type EventKind = 'hard' | 'soft' | 'complaint';

/** One report as stored. */
export interface EventRecord {
  source: EventSource;
  key: string;
  kind: EventKind;
  subscriberId: number | null;
  digestId: number | null;
  day: string;
  status: string | null;
  detail: string;
  occurredAt: string | null;
}

/** Stores a report once; false when one with the same source and key was stored before (a repeat). */
export function insertEvent(db: Db, e: EventRecord, now = new Date()): boolean {
  // UNIQUE (source, event_key): a repeat inserts nothing.
  return stmt(db, `
    INSERT INTO mail_events (source, event_key, kind, subscriber_id, digest_id, day, status, detail, occurred_at, received_at)
    VALUES (@source, @key, @kind, @subscriberId, @digestId, @day, @status, @detail, @occurredAt, @now)
    ON CONFLICT (source, event_key) DO NOTHING`).run({ ...e, now: now.toISOString() }).changes > 0;
}

/** A digest as a report names it: its id, subscriber and local day. */
export interface DigestRef {
  id: number;
  subscriberId: number;
  date: string;
}

/** The digest with this id, or undefined (retention may have pruned it). */
export function digestRef(db: Db, id: number): DigestRef | undefined {
  return stmt(db, 'SELECT id, subscriber_id AS subscriberId, digest_date AS date FROM digests WHERE id = ?').get(id) as DigestRef | undefined;
}

/** The digest that went out with this Message-ID (with or without its angle brackets), or undefined. */
export function digestByMessageId(db: Db, messageId: string): DigestRef | undefined {
  const id = `<${messageId.trim().replace(/^<|>$/g, '')}>`;
  // Served by digests_message_id.
  return stmt(db, 'SELECT id, subscriber_id AS subscriberId, digest_date AS date FROM digests WHERE message_id = ?').get(id) as DigestRef | undefined;
}

/** A report as `paperboy deliveries` and the subscriber's own data show it. */
export interface EventLine {
  kind: EventKind;
  source: EventSource;
  digestId: number | null;
  email: string | null;
  day: string;
  status: string | null;
  detail: string;
  receivedAt: string;
}

const LINE = `SELECT e.kind, e.source, e.digest_id AS digestId, s.email, e.day, e.status, e.detail, e.received_at AS receivedAt
  FROM mail_events e LEFT JOIN subscribers s ON s.id = e.subscriber_id`;

/** The reports of a day (the digest's local day, or the day received when no digest is known), oldest first. */
export function eventsOn(db: Db, day: string): EventLine[] {
  // Served by mail_events_day.
  return stmt(db, `${LINE} WHERE e.day = ? ORDER BY e.id`).all(day) as EventLine[];
}

/** Every report about one subscriber, oldest first (their data export). */
export function eventsOf(db: Db, subscriberId: number): EventLine[] {
  // Served by mail_events_subscriber.
  return stmt(db, `${LINE} WHERE e.subscriber_id = ? ORDER BY e.id`).all(subscriberId) as EventLine[];
}

/** Stored reports by kind and source (the /metrics gauge). */
export function eventCounts(db: Db): { kind: EventKind; source: EventSource; n: number }[] {
  return stmt(db, 'SELECT kind, source, count(*) AS n FROM mail_events GROUP BY kind, source').all() as { kind: EventKind; source: EventSource; n: number }[];
}

/** Where the mailbox job is in one mailbox. */
export interface MailboxMark {
  uidValidity: string;
  lastUid: number;
}

/** Where the job stopped reading `mailbox`, or undefined before its first pass. */
export function mailboxMark(db: Db, mailbox: string): MailboxMark | undefined {
  return stmt(db, 'SELECT uid_validity AS uidValidity, last_uid AS lastUid FROM bounce_mailboxes WHERE mailbox = ?').get(mailbox) as MailboxMark | undefined;
}

/** What one batch of a pass read: counts to add, and the highest UID read. */
export interface MailboxProgress extends MailboxMark {
  handled: number;
  unknown: number;
  malformed: number;
}

/** Records a batch read from `mailbox`: the new mark, the counts added, and that the mailbox answered. */
export function saveMailboxProgress(db: Db, mailbox: string, p: MailboxProgress, now = new Date()): void {
  // A new UIDVALIDITY replaces the mark; the counts keep adding up.
  stmt(db, `
    INSERT INTO bounce_mailboxes (mailbox, uid_validity, last_uid, handled, unknown, malformed, checked_at)
    VALUES (@mailbox, @uidValidity, @lastUid, @handled, @unknown, @malformed, @now)
    ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
      handled = handled + excluded.handled, unknown = unknown + excluded.unknown, malformed = malformed + excluded.malformed,
      checked_at = excluded.checked_at, error = NULL, failed_at = NULL`).run({ mailbox, ...p, now: now.toISOString() });
}

/** Records that a pass over `mailbox` failed (the mark is kept). */
export function saveMailboxError(db: Db, mailbox: string, error: string, now = new Date()): void {
  stmt(db, `
    INSERT INTO bounce_mailboxes (mailbox, uid_validity, error, failed_at) VALUES (?, '', ?, ?)
    ON CONFLICT (mailbox) DO UPDATE SET error = excluded.error, failed_at = excluded.failed_at`).run(mailbox, error, now.toISOString());
}

/** A mailbox's counts and last pass, for /metrics and the detailed /healthz. */
export interface MailboxStatus {
  mailbox: string;
  handled: number;
  unknown: number;
  malformed: number;
  checkedAt: string | null;
  error: string | null;
  failedAt: string | null;
}

/** Every mailbox the job has read. */
export function mailboxStatuses(db: Db): MailboxStatus[] {
  return stmt(db, `SELECT mailbox, handled, unknown, malformed, checked_at AS checkedAt, error, failed_at AS failedAt
    FROM bounce_mailboxes ORDER BY mailbox`).all() as MailboxStatus[];
}
