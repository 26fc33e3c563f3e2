import { setFlagsFromString } from 'node:v8';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { reportBackgroundErrors } from './db/background.js';
import { migrate } from './db/migrate.js';
import { closeDb, openDb, type Db } from './db/open.js';
import type { DigestModel } from './digest/compose.js';
import type { MailTemplate } from './digest/render.js';
import { makeLinks, type Links } from './links/urls.js';
import { createLogger } from './log/logger.js';
import { mailDomain } from './mail/message.js';
import { createTransport, type Transport, type TransportOptions } from './mail/transport.js';
import { makeConfirmationMailer, type ConfirmationMailer, type ConfirmModel, type InviteModel, type ManageModel } from './mail/confirmations.js';
import { DIGEST_THREAD_IDLE_MS, startDigestThreads, type DigestThreads } from './mail/digest-thread.js';
import { startLibraryReader, type LibraryReader } from './library/citation.js';
import { fresh } from './memo.js';
import { userAgent } from './ingest/fetch.js';
import { makeFeedFetcher, type FeedFetcher, type FeedFetcherDeps } from './ingest/on-demand.js';
import { categoryCounts } from './store/archive.js';
import { listFeeds } from './store/feeds.js';
import { setJournalNames } from './taxonomy.js';
import { indexInBackground } from './store/search.js';
import { tokenSecret } from './store/settings.js';
import { loadMailTemplate } from './templates.js';

/** Everything the commands, the HTTP app and the jobs share, wired in this one place. */
export interface Context {
  config: Config;
  db: Db;
  log: Logger;
  secret: string;
  links: Links;
  domain: string;
  transport: Transport;
  templates: { digest: MailTemplate<DigestModel>; confirm: MailTemplate<ConfirmModel>; invite: MailTemplate<InviteModel>; manage: MailTemplate<ManageModel> };
  /** The sign-up mailer of this process (its timers: jobs/signup-mail.ts, started by serve). */
  mailer: ConfirmationMailer;
  /** Reads library exports on a worker thread of their own, started at the first upload. */
  libraries: LibraryReader;
  /** The categories with papers and their counts, which the forms and the archive offer: the same for every visitor and
   *  changed by ingests only, so reused for CATEGORIES_TTL_MS (reading them also refreshes the journal feeds' names). */
  categories: () => { code: string; papers: number }[];
  /** Fetches the feeds of categories chosen for the first time (arXiv's, bioRxiv's and medRxiv's when PAPERBOY_SOURCES
   *  lists them). */
  feeds: FeedFetcher;
  /** The digest threads of SEND_THREADS (null when 0): each started at its first digest, kept between runs, ended
   *  after DIGEST_THREAD_IDLE_MS with nothing to do. */
  digestThreads: DigestThreads | null;
}

/** What createContext may be given instead of building it: tests' transport, logger and feed fetcher (pointed at local
 *  servers), and serve's feed fetcher (which learns the semantic space after it stored papers). */
export interface ContextOverrides {
  transport?: Transport;
  log?: Logger;
  busyTimeoutMs?: number;
  feeds?: (deps: FeedFetcherDeps) => FeedFetcher;
}

/** How long the list of categories with papers may be reused. */
const CATEGORIES_TTL_MS = 5_000;

/** The part of the context a consumer needs: some of its fields, and some settings of its config. Route plugins and
 *  services declare theirs with it, so each says what it touches. */
export type ContextPart<K extends Exclude<keyof Context, 'config'>, C extends keyof Config = never> = Pick<Context, K> & { config: Pick<Config, C> };

/** How far (percent) V8 lets the old generation grow past what its last full collection kept. V8's own choice
 *  goes up to 300% when collections are cheap: a delivery run's mails outlive a scavenge or two and pile up in
 *  the old generation until then, so peak RSS depended on how long a run lasted (1.07–1.36× from 10,000 to
 *  100,000 subscribers, live heap 39 MB throughout). At 50% the heap stays near its live size; bench:send
 *  measured the same messages/s. V8 reads the flag at every full collection, so setting it at start-up works. */
const HEAP_GROWING_PERCENT = 50;

/** Opens the database (applying migrations), compiles the mail templates and builds the transport, the sign-up mailer,
 *  the library reader, the category cache and the feed fetcher: every shared part, here and nowhere else. */
export async function createContext(config: Config, over: ContextOverrides = {}): Promise<Context> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const log = over.log ?? createLogger(config.LOG_LEVEL);
  const db = openDb(config.PAPERBOY_DB, { busyTimeoutMs: over.busyTimeoutMs });
  // Checkpoints and index catch-ups run unawaited on the worker thread: a failure is logged, and done again later.
  reportBackgroundErrors(db, (task, error) => log.error({ task, error }, `background ${task} failed; it is done again later`));
  const applied = migrate(db);
  if (applied.length) log.info({ applied }, 'applied migrations');
  // A new or outdated search index file is filled from papers on the worker thread, beside start-up.
  indexInBackground(db);
  const secret = tokenSecret(db, config.PAPERBOY_SECRET);
  const wired = {
    config, db, log, secret,
    links: makeLinks(config.PUBLIC_URL, secret),
    domain: mailDomain(config.PUBLIC_URL),
    transport: over.transport ?? createTransport(transportOptions(config)),
    templates: {
      digest: await loadMailTemplate('digest'), confirm: await loadMailTemplate('confirm'), invite: await loadMailTemplate('invite'), manage: await loadMailTemplate('manage'),
    },
  };
  const journals = () => setJournalNames(listFeeds(db).map((f) => [f.code, f.title ?? new URL(f.url).hostname] as const));
  journals();
  return {
    ...wired,
    mailer: makeConfirmationMailer(wired),
    libraries: startLibraryReader(),
    categories: fresh(CATEGORIES_TTL_MS, () => { journals(); return categoryCounts(db); }),
    digestThreads: config.SEND_THREADS > 0 ? startDigestThreads(wired, config.SEND_THREADS, DIGEST_THREAD_IDLE_MS) : null,
    feeds: (over.feeds ?? makeFeedFetcher)({ db, log, sources: config.PAPERBOY_SOURCES, fetch: { userAgent: userAgent(config.PUBLIC_URL) } }),
  };
}

/** Transport settings from the configuration: pool size, rate, timeouts and optional DKIM. */
export function transportOptions(config: Config): TransportOptions {
  const dkim = config.DKIM_PRIVATE_KEY && config.DKIM_DOMAIN && config.DKIM_SELECTOR
    ? { domain: config.DKIM_DOMAIN, selector: config.DKIM_SELECTOR, privateKey: config.DKIM_PRIVATE_KEY } : undefined;
  return {
    smtpUrl: config.SMTP_URL, outbox: config.PAPERBOY_OUTBOX, dkim,
    pool: { maxConnections: config.SMTP_MAX_CONNECTIONS, ratePerSecond: config.SMTP_RATE_PER_SECOND, timeoutMs: config.SMTP_TIMEOUT_MS },
  };
}

/** Waits for the feed fetch and the sign-up mail in flight, stops the library thread, closes the transport and the
 *  database (after its background work). */
export async function closeContext(ctx: Context): Promise<void> {
  await ctx.feeds.idle();
  await ctx.mailer.close();
  ctx.libraries.close();
  await ctx.digestThreads?.close();
  ctx.transport.close();
  await closeDb(ctx.db);
}
