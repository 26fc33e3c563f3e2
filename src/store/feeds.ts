// Journal feeds the operator added: `paperboy feeds`, OPML imports and PAPERBOY_FEEDS (migrations/016).
import type { Db } from '../db/open.js';
import { stmt } from './statements.js';

/** A journal feed and the category code its papers carry. */
export interface Feed {
  url: string;
  code: string;
  title: string | null;
  origin: 'command' | 'opml' | 'env';
  addedAt: string;
}

/** Row shape of feeds. */
interface FeedRow { url: string; code: string; title: string | null; origin: Feed['origin']; added_at: string }

const toFeed = (r: FeedRow): Feed => ({ url: r.url, code: r.code, title: r.title, origin: r.origin, addedAt: r.added_at });

/** Letters of a URL's host and path as a code: `https://www.nature.com/nphys.rss` → `journal.nature-nphys-rss`. */
export function codeFor(url: string): string {
  const u = new URL(url);
  const host = u.hostname.replace(/^www\./, '').split('.').slice(0, -1).join('-');
  const slug = `${host}-${u.pathname}${u.search}`.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return `journal.${slug || 'feed'}`;
}

/** Every feed, oldest first. */
export function listFeeds(db: Db): Feed[] {
  // All feeds in the order they were added.
  return (stmt(db, 'SELECT url, code, title, origin, added_at FROM feeds ORDER BY id').all() as FeedRow[]).map(toFeed);
}

/** Adds a feed (a code of its own, made unique with a letter suffix); returns it and whether it is new. */
export function addFeed(db: Db, url: string, origin: Feed['origin'], now: Date, title: string | null = null): { feed: Feed; added: boolean } {
  const known = stmt(db, 'SELECT url, code, title, origin, added_at FROM feeds WHERE url = ?').get(url) as FeedRow | undefined;
  if (known) return { feed: toFeed(known), added: false };
  const base = codeFor(url);
  const taken = new Set(stmt(db, "SELECT code FROM feeds WHERE code = ? OR code LIKE ? || '-%'").pluck().all(base, base) as string[]);
  let code = base;
  for (let i = 0; taken.has(code); i++) code = `${base}-${String.fromCharCode(98 + (i % 25)).repeat(1 + Math.floor(i / 25))}`;
  // A new feed; its title is the one given, else the feed's own once fetched.
  stmt(db, 'INSERT INTO feeds (url, code, title, origin, added_at) VALUES (?, ?, ?, ?, ?)').run(url, code, title, origin, now.toISOString());
  return { feed: { url, code, title, origin, addedAt: now.toISOString() }, added: true };
}

/** Removes the feed of this URL or code; its papers stay. Returns the feed removed, or null. */
export function removeFeed(db: Db, urlOrCode: string): Feed | null {
  const row = stmt(db, 'SELECT url, code, title, origin, added_at FROM feeds WHERE url = ? OR code = ?').get(urlOrCode, urlOrCode) as FeedRow | undefined;
  if (!row) return null;
  stmt(db, 'DELETE FROM feeds WHERE url = ?').run(row.url);
  return toFeed(row);
}

/** Records a feed's own title when none was given. */
export function noteFeedTitle(db: Db, url: string, title: string): void {
  // Only fills a missing title: a name the operator gave wins.
  stmt(db, 'UPDATE feeds SET title = ? WHERE url = ? AND title IS NULL').run(title, url);
}

/** Makes the env feeds those of PAPERBOY_FEEDS: adds the new ones, drops those no longer listed. */
export function syncConfiguredFeeds(db: Db, urls: readonly string[], now: Date): void {
  db.transaction(() => {
    for (const url of urls) addFeed(db, url, 'env', now);
    // Env feeds the setting no longer lists.
    stmt(db, "DELETE FROM feeds WHERE origin = 'env' AND url NOT IN (SELECT value FROM json_each(?))").run(JSON.stringify(urls));
  })();
}
