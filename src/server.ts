import { resolve } from 'node:path';
import { outboxWarning, type Config } from './config.js';
import { closeContext, createContext } from './context.js';
import { buildApp } from './http/app.js';
import { scheduledIngest } from './ingest/commands.js';
import { ingestSampleIfEmpty } from './ingest/sample.js';
import { describeSources } from './ingest/sources.js';
import { makeFeedFetcher } from './ingest/on-demand.js';
import { startScheduler } from './jobs/scheduler.js';
import { startSpaceBuilder } from './semantic-space.js';
import { recordPublicUrl } from './store/settings.js';

/** Switches of `paperboy serve`. */
export interface ServeOptions {
  /** Store the bundled sample papers when the store is empty (default true). */
  sample?: boolean;
}

/** `paperboy serve`: database → migrations → sample papers → HTTP → scheduler (a first ingest at once); closes cleanly on SIGTERM/SIGINT. */
export async function serve(config: Config, opts: ServeOptions = {}): Promise<void> {
  // A category chosen for the first time is fetched at once; the space is learned again when it brought papers.
  let learn: () => Promise<void> = async () => {};
  const ctx = await createContext(config, { feeds: (deps) => makeFeedFetcher({ ...deps, onStored: () => learn() }) });
  // Commands run elsewhere compare their PUBLIC_URL with this one before they mail links.
  recordPublicUrl(ctx.db, config.PUBLIC_URL);
  const sample = opts.sample === false ? null : await ingestSampleIfEmpty({ db: ctx.db });
  if (sample) ctx.log.info({ added: sample.new, rejected: sample.rejected }, 'store was empty: ingested the bundled sample papers');
  // The semantic space digests rank in is learned again after every ingest, on a worker thread (seconds of CPU).
  const spaces = startSpaceBuilder(ctx.db);
  learn = () => spaces.refresh().then(
    (r) => { if (r) ctx.log.info(r, `learned the semantic space from ${r.papers} papers in ${r.secs.toFixed(1)} s`); },
    (err) => ctx.log.error({ err }, 'learning the semantic space failed: digests rank by the tf-idf vectors until it is learned'));
  void learn();
  const app = await buildApp(ctx);
  await app.listen({ port: config.PORT, host: config.HOST });
  const scheduler = startScheduler(ctx, async () => {
    await scheduledIngest({ db: ctx.db, publicUrl: config.PUBLIC_URL, log: ctx.log, feeds: config.PAPERBOY_FEEDS }, config.PAPERBOY_SOURCES);
    await learn();
  });
  const database = resolve(config.PAPERBOY_DB);
  const sources = describeSources(config.PAPERBOY_SOURCES);
  ctx.log.info({ database, mail: ctx.transport.describe(), url: config.PUBLIC_URL, sources, from: config.MAIL_FROM },
    `Paperboy is running at ${config.PUBLIC_URL}; database ${database}; mail goes to ${ctx.transport.describe()} from ${config.MAIL_FROM}; sources: ${sources}`);
  const outbox = outboxWarning(config);
  if (outbox) ctx.log.warn(outbox);
  if (config.SMTP_URL && /@localhost>?$/.test(config.MAIL_FROM)) {
    ctx.log.warn('MAIL_FROM is an address at localhost, which mail servers refuse: set MAIL_FROM, or a PUBLIC_URL with a domain name');
  }
  if (config.PAPERBOY_SOURCES.length) void scheduler.ingestNow();
  void scheduler.pruneNow();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    ctx.log.info({ signal }, 'stopping: no new work, finishing what is in flight');
    await app.close();
    // A feed fetch in flight stores its papers and asks for the space while the space builder still runs.
    await ctx.feeds.idle();
    await scheduler.stop();
    spaces.close();
    await closeContext(ctx);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
