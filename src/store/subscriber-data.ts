// Everything Paperboy keeps about one subscriber, as their own "download my data" gives it: the row, the digests
// and their papers, the votes, the bounces and complaints that came back about the address, and their library.
import type { Db } from '../db/open.js';
import { eventsOf, type EventLine } from './mail-events.js';
import { stmt } from './statements.js';

/** One subscriber's data. */
export interface SubscriberData {
  subscriber: Record<string, unknown>;
  digests: { date: string; state: string; subject: string | null; sentAt: string | null; papers: string[] }[];
  votes: { paperId: string; vote: number; at: string }[];
  mailEvents: Omit<EventLine, 'email'>[];
  /** The library, most recently added first: each entry as it was read, and the stored paper it matched. */
  library: LibraryLine[];
  /** The library kept one step back (before the last upload or removal), in the same form; empty when none. */
  previousLibrary: LibraryLine[];
}

/** One library entry as the data gives it. */
type LibraryLine = { title: string; abstract: string; authors: string[]; arxivId: string | null; doi: string | null; added: string | null;
  addedFrom: string | null; paperId: string | null; matchedBy: string | null };

/** The subscriber's data, or undefined when there is no such subscriber. */
export function subscriberData(db: Db, id: number): SubscriberData | undefined {
  // The row without what only signs links (versions): address, status, dates, interests, schedule, bounce counters.
  const subscriber = stmt(db, `
    SELECT email, status, created_at AS createdAt, confirmed_at AS confirmedAt, unsubscribed_at AS unsubscribedAt,
      json(keywords) AS keywords, json(categories) AS categories, json(authors) AS authors, about, json(papers) AS papers,
      timezone, hour, frequency, weekday, digest_size AS digestSize, weak_day AS weakDay, paused_until AS pausedUntil,
      json(sources) AS sources, hard_bounces AS hardBounces, soft_bounces AS softBounces, suspended_at AS suspendedAt, suspended_reason AS suspendedReason
    FROM subscribers WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
  if (!subscriber) return undefined;
  for (const k of ['keywords', 'categories', 'authors', 'papers', 'sources']) subscriber[k] = JSON.parse(subscriber[k] as string);
  // Each digest with the ids of its papers in order (group_concat keeps the ORDER BY of the subquery).
  const digests = (stmt(db, `
    SELECT d.digest_date AS date, d.state, d.subject, d.sent_at AS sentAt,
      (SELECT json_group_array(paper_id) FROM (SELECT paper_id FROM digest_items WHERE digest_id = d.id ORDER BY position)) AS papers
    FROM digests d WHERE d.subscriber_id = ? ORDER BY d.digest_date`).all(id) as (SubscriberData['digests'][number] & { papers: string })[])
    .map((d) => ({ ...d, papers: JSON.parse(d.papers) as string[] }));
  const votes = stmt(db, 'SELECT paper_id AS paperId, vote, created_at AS at FROM votes WHERE subscriber_id = ? ORDER BY created_at').all(id) as SubscriberData['votes'];
  const mailEvents = eventsOf(db, id).map(({ email: _, ...e }) => e);
  // The library and the one kept a step back, the same columns of both tables.
  const entries = (table: 'library_entries' | 'library_previous') => (stmt(db, `
    SELECT title, abstract, authors, arxiv_id AS arxivId, doi, added, added_from AS addedFrom, paper_id AS paperId, matched_by AS matchedBy
    FROM ${table} WHERE subscriber_id = ? ORDER BY position`).all(id) as (LibraryLine & { authors: string })[])
    .map((e) => ({ ...e, authors: JSON.parse(e.authors) as string[] }));
  return { subscriber, digests, votes, mailEvents, library: entries('library_entries'), previousLibrary: entries('library_previous') };
}
