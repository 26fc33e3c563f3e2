// Sign-up requests (migration 009): what a sign-up asked for, kept aside until its own confirmation link is
// used, and the queue of the mails sign-ups cause (a confirmation link, or an active address's preferences link).
import type { Db } from '../db/open.js';
import type { Frequency, Interests, LibraryEntry } from '../model.js';
import { stmt } from './statements.js';

/** How long a confirmation link works. */
export const CONFIRM_DAYS = 7;

/** What a confirmation applies: a sign-up's interests and schedule. */
export interface Asked extends Interests {
  frequency: Frequency;
  weekday: number;
  /** A library sent with the sign-up, most recently added first: it replaces the subscriber's library on
   *  confirmation. Absent: the library is left as it is. */
  library?: LibraryEntry[];
}

/** Which mail a request sends: a confirmation link, or the preferences link of an address already subscribed. */
export type RequestKind = 'confirm' | 'manage';

/** One request of one subscriber row. */
export interface SignupRequest {
  id: number;
  subscriberId: number;
  kind: RequestKind;
  /** What a 'confirm' request applies when its link is used; null for 'manage'. */
  asked: Asked | null;
  createdAt: string;
  /** Made by the admin's `paperboy subscribers invite`: its mail is an invitation. */
  invited: boolean;
  /** When its confirmation link was used, or set aside by another of the address's (ISO); null while open. */
  usedAt: string | null;
}

interface RequestRow {
  id: number; subscriber_id: number; kind: RequestKind; asked: string | null; created_at: string; mail_attempts: number; invited: number; used_at: string | null;
}

const toRequest = (r: RequestRow): SignupRequest => ({
  id: r.id, subscriberId: r.subscriber_id, kind: r.kind, asked: r.asked === null ? null : JSON.parse(r.asked) as Asked, createdAt: r.created_at,
  invited: r.invited === 1, usedAt: r.used_at,
});

/** Queues a request and its mail; returns its id. `asked` makes it a confirmation, null a preferences-link mail;
 *  `invited` marks one the admin's invite made. */
export function queueRequest(db: Db, subscriberId: number, asked: Asked | null, now: Date, invited = false): number {
  pruneRequests(db, now);
  const { keywords, categories, authors, about, papers, timezone, hour, frequency, weekday, library } = asked ?? {};
  // Only the fields a confirmation applies are kept (not the address, which is on the subscriber row).
  const json = asked && JSON.stringify({ keywords, categories, authors, about, papers, timezone, hour, frequency, weekday, library });
  return Number(stmt(db, 'INSERT INTO signup_requests (subscriber_id, kind, asked, created_at, invited) VALUES (?, ?, ?, ?, ?)')
    .run(subscriberId, asked ? 'confirm' : 'manage', json, now.toISOString(), invited ? 1 : 0).lastInsertRowid);
}

/** One request by id. */
export function getRequest(db: Db, id: number): SignupRequest | undefined {
  const row = stmt(db, 'SELECT * FROM signup_requests WHERE id = ?').get(id) as RequestRow | undefined;
  return row && toRequest(row);
}

/** True when a request's confirmation link no longer works. */
export function isExpired(r: SignupRequest, now = new Date()): boolean {
  return !(now.getTime() - Date.parse(r.createdAt) < CONFIRM_DAYS * 86_400_000);
}

/** Closes a subscriber's open confirmation requests: one of them was used (or the address came back another way), the
 *  others have nothing left to do. Their links then say "already subscribed"; mails still queued are not sent. */
export function closeConfirmations(db: Db, subscriberId: number, now = new Date()): void {
  // Open confirmations of the subscriber; a mail still queued is given up, and one being handed over keeps its outcome.
  stmt(db, `
    UPDATE signup_requests SET used_at = @now,
      mail = CASE mail WHEN 'queued' THEN 'failed' ELSE mail END,
      mail_reply = CASE mail WHEN 'queued' THEN 'not sent: the address was confirmed first' ELSE mail_reply END
    WHERE subscriber_id = @id AND kind = 'confirm' AND used_at IS NULL`).run({ id: subscriberId, now: now.toISOString() });
}

const lastPrune = new WeakMap<Db, number>();

/** Forgets requests a month old, at most once a minute per connection; expired links are told apart from forged ones until then. */
function pruneRequests(db: Db, now: Date): void {
  if (now.getTime() - (lastPrune.get(db) ?? 0) < 60_000) return;
  lastPrune.set(db, now.getTime());
  // Old requests whose mail is done, through the index on created_at.
  stmt(db, "DELETE FROM signup_requests WHERE created_at < ? AND mail <> 'queued'").run(new Date(now.getTime() - 30 * 86_400_000).toISOString());
}

/** A request whose mail was claimed for sending, and which attempt this is (1 = the first). */
export interface ClaimedMail {
  request: SignupRequest;
  attempts: number;
}

/** Claims up to `limit` due mails for `leaseMs` (another process skips them meanwhile) and counts the attempt. */
export function claimMails(db: Db, now: Date, leaseMs: number, limit: number): ClaimedMail[] {
  const rows = stmt(db, `
    UPDATE signup_requests SET mail_next_at = @lease, mail_attempts = mail_attempts + 1
    WHERE id IN (SELECT id FROM signup_requests
                 WHERE mail = 'queued' AND (mail_next_at IS NULL OR mail_next_at <= @now)
                 ORDER BY mail_next_at, id LIMIT @limit)
    RETURNING *`).all({ now: now.toISOString(), lease: new Date(now.getTime() + leaseMs).toISOString(), limit }) as RequestRow[];
  return rows.map((r) => ({ request: toRequest(r), attempts: r.mail_attempts }));
}

/** How a claimed mail ended: handed over, to be tried again at a time, or given up. */
export type MailOutcome = { state: 'sent' } | { state: 'queued'; at: Date } | { state: 'failed' };

/** Records the outcome of a claimed mail and its SMTP reply; false when the request is gone (confirmed or erased meanwhile). */
export function finishMail(db: Db, requestId: number, outcome: MailOutcome, reply: string): boolean {
  return stmt(db, `
    UPDATE signup_requests SET mail = @state, mail_next_at = @at, mail_reply = @reply
    WHERE id = @id AND mail = 'queued'`).run({
    id: requestId, state: outcome.state, reply, at: outcome.state === 'queued' ? outcome.at.toISOString() : null,
  }).changes > 0;
}

/** When the next queued mail is due (null: none queued). */
export function nextMailAt(db: Db): Date | null {
  const at = stmt(db, "SELECT min(COALESCE(mail_next_at, '')) FROM signup_requests WHERE mail = 'queued'").pluck().get() as string | null;
  return at === null ? null : new Date(at || 0);
}
