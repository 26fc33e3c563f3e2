// A category nobody followed before has never been fetched: the hourly ingest would bring its papers only at the next
// hour, after a first digest may have gone out without them. When a subscriber chooses such a category (confirming a
// sign-up, saving preferences) its feed — an arXiv category's announcement feed, a bioRxiv or medRxiv subject's
// details pages — is fetched at once, in the background, one at a time (arXiv's 3 s rule and bioRxiv's 1 s hold
// through the shared host limiters).
import type { Logger } from 'pino';
import type { Db } from '../db/open.js';
import { fetchedLike, fetchedSources } from '../store/ingest-runs.js';
import { isKnownCategory, SUBJECTS } from '../taxonomy.js';
import { ingestSubject, rxivPageUrl } from './rxiv-source.js';
import type { FetchOptions } from './fetch.js';
import { ingestSource } from './run.js';
import { ENDPOINTS, type SourceEndpoints } from './sources.js';

/** Fetches the feeds of newly chosen categories in the background. */
export interface FeedFetcher {
  /** Queues the feeds of those categories never fetched (nor queued) yet; returns the categories queued. */
  request(categories: readonly string[]): string[];
  /** The categories queued or being fetched now. */
  pending(): ReadonlySet<string>;
  /** Resolves once nothing is queued or being fetched. */
  idle(): Promise<void>;
}

/** What the fetcher needs: `sources` is PAPERBOY_SOURCES (a category is fetched only when its source is listed);
 *  `onStored` runs after a feed added papers. */
export interface FeedFetcherDeps {
  db: Db;
  log: Logger;
  sources: readonly string[];
  endpoints?: SourceEndpoints;
  fetch?: Partial<FetchOptions>;
  onStored?: () => unknown;
}

/** The feed URL of a category at `endpoints`. */
export function categoryFeed(category: string, endpoints: SourceEndpoints = ENDPOINTS): string {
  return `${endpoints.arxivRss}${encodeURIComponent(category)}`;
}

/** A fetcher that takes feeds one at a time, in the order they were asked for. */
export function makeFeedFetcher(deps: FeedFetcherDeps): FeedFetcher {
  const endpoints = deps.endpoints ?? ENDPOINTS;
  const queue: string[] = [];
  const pending = new Set<string>();
  let running: Promise<void> = Promise.resolve();
  let busy = false;

  const rxiv = endpoints.rxiv ?? ENDPOINTS.rxiv!;
  /** True when PAPERBOY_SOURCES fetches this category's source at all. */
  const enabled = (c: string) => (isKnownCategory(c) && deps.sources.includes('arxiv')) || deps.sources.includes(SUBJECTS.get(c)?.server ?? '-');
  /** True when a run of the category's source ended well and is still kept. */
  const fetchedBefore = (c: string) => {
    if (isKnownCategory(c)) return fetchedSources(deps.db, [categoryFeed(c, endpoints)]).size > 0;
    // Any interval and cursor: the URL with its dates and cursor as wildcards (LIKE's own characters escaped).
    const like = rxivPageUrl(rxiv, c, 'FROM', 'TO', 0).replace(/[\\%_]/g, (m) => `\\${m}`);
    return fetchedLike(deps.db, like.replace('/FROM/TO/0/', '/%/%/%/'));
  };

  async function drain(): Promise<void> {
    busy = true;
    for (let cat = queue.shift(); cat !== undefined; cat = queue.shift()) {
      const fetchDeps = { db: deps.db, fetch: deps.fetch };
      const source = isKnownCategory(cat) ? categoryFeed(cat, endpoints) : `${SUBJECTS.get(cat)!.server} ${cat}`;
      const r = isKnownCategory(cat) ? await ingestSource(fetchDeps, source, { format: 'arxiv-rss' })
        : await ingestSubject(fetchDeps, rxiv, cat, new Date().toISOString().slice(0, 10));
      pending.delete(cat);
      if (r.error) deps.log.warn({ source, error: r.error }, 'fetching a newly chosen category failed; the hourly ingest tries again');
      else deps.log.info({ source, new: r.new, updated: r.updated, rejected: r.rejected }, 'fetched a newly chosen category');
      if (r.new > 0) await Promise.resolve(deps.onStored?.()).catch((err) => deps.log.error({ err }, 'after fetching a category'));
    }
    busy = false;
  }

  return {
    request(categories) {
      const fresh = [...new Set(categories)].filter((c) => enabled(c) && !pending.has(c) && !fetchedBefore(c));
      for (const c of fresh) { queue.push(c); pending.add(c); }
      if (fresh.length && !busy) running = drain().catch((err) => { busy = false; deps.log.error({ err }, 'fetching newly chosen categories failed'); });
      return fresh;
    },
    pending: () => pending,
    idle: async () => { while (busy || queue.length) await running; },
  };
}
