// A category nobody followed before has never been fetched: the hourly ingest would bring its papers only at the next
// hour, after a first digest may have gone out without them. When a subscriber chooses such a category (confirming a
// sign-up, saving preferences) its feed is fetched at once, in the background, one feed at a time (arXiv's 3 s rule
// holds through the shared host limiter).
import type { Logger } from 'pino';
import type { Db } from '../db/open.js';
import { fetchedSources } from '../store/ingest-runs.js';
import { isKnownCategory } from '../taxonomy.js';
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

/** What the fetcher needs: `enabled` is false unless PAPERBOY_SOURCES fetches arXiv; `onStored` runs after a feed added papers. */
export interface FeedFetcherDeps {
  db: Db;
  log: Logger;
  enabled: boolean;
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

  async function drain(): Promise<void> {
    busy = true;
    for (let cat = queue.shift(); cat !== undefined; cat = queue.shift()) {
      const source = categoryFeed(cat, endpoints);
      const r = await ingestSource({ db: deps.db, fetch: deps.fetch }, source, { format: 'arxiv-rss' });
      pending.delete(cat);
      if (r.error) deps.log.warn({ source, error: r.error }, 'fetching a newly chosen category failed; the hourly ingest tries again');
      else deps.log.info({ source, new: r.new, updated: r.updated, rejected: r.rejected }, 'fetched a newly chosen category');
      if (r.new > 0) await Promise.resolve(deps.onStored?.()).catch((err) => deps.log.error({ err }, 'after fetching a category'));
    }
    busy = false;
  }

  return {
    request(categories) {
      if (!deps.enabled) return [];
      const candidates = [...new Set(categories)].filter((c) => isKnownCategory(c) && !pending.has(c));
      const fetched = fetchedSources(deps.db, candidates.map((c) => categoryFeed(c, endpoints)));
      const fresh = candidates.filter((c) => !fetched.has(categoryFeed(c, endpoints)));
      for (const c of fresh) { queue.push(c); pending.add(c); }
      if (fresh.length && !busy) running = drain().catch((err) => { busy = false; deps.log.error({ err }, 'fetching newly chosen categories failed'); });
      return fresh;
    },
    pending: () => pending,
    idle: async () => { while (busy || queue.length) await running; },
  };
}
