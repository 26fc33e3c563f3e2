// What `paperboy ingest`, `export` and `sources` do, and the scheduled ingest of PAPERBOY_SOURCES.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { listFeeds, noteFeedTitle, syncConfiguredFeeds } from '../store/feeds.js';
import { followedCategories } from '../store/subscribers.js';
import { isKnownCategory, SUBJECTS } from '../taxonomy.js';
import { ingestSubject } from './rxiv-source.js';
import { getSetting, setSetting } from '../store/settings.js';
import { progressBar } from '../progress.js';
import type { Db } from '../db/open.js';
import { recentRuns, type IngestRun } from '../store/ingest-runs.js';
import { iteratePapers } from '../store/papers.js';
import type { Format } from './types.js';
import { userAgent, type FetchOptions } from './fetch.js';
import { ingestWarnings } from './health.js';
import { paperToJsonl } from './jsonl.js';
import { ingestSource, type IngestDeps, type IngestSummary } from './run.js';
import { ENDPOINTS, planSources, type SourceEndpoints } from './sources.js';
import { commandLine } from '../command.js';

/** What the commands need: the database and the public URL (named in the User-Agent). */
export interface CommandDeps {
  db: Db;
  publicUrl: string;
}

const SHOWN_REJECTIONS = 20;

/** The run's summary in a few lines: counts, rejections (the first few) and the error. */
export function summaryLines(r: IngestSummary): string[] {
  const head = r.notModified ? `${r.source}: not modified since the last fetch`
    : `${r.source}: ${r.new} new, ${r.updated} updated, ${r.rejected} rejected${r.format ? ` (${r.format}, ${r.fetched} records)` : ''}`;
  const lines = [head, ...r.rejections.slice(0, SHOWN_REJECTIONS).map((x) => `  rejected ${x.where}: ${x.reason}`)];
  if (r.rejections.length > SHOWN_REJECTIONS) lines.push(`  … and ${r.rejections.length - SHOWN_REJECTIONS} more rejected`);
  if (r.error) lines.push(`  failed: ${r.error}`);
  return lines;
}

/** `paperboy ingest <source…> [--format f]`: ingests each source, prints summaries; returns the number of failed runs. */
export async function ingestCommand(deps: CommandDeps, sources: string[], format?: Format, print = console.log): Promise<number> {
  const ingestDeps: IngestDeps = { db: deps.db, fetch: { userAgent: userAgent(deps.publicUrl) } };
  let failed = 0;
  for (const source of sources) {
    const bar = progressBar(`${source.slice(-40)} [{bar}] {value}/{total} papers`);
    const r = await ingestSource(ingestDeps, source, { format, onProgress: (done, total) => bar.update(done, total) });
    bar.stop();
    summaryLines(r).forEach((l) => print(l));
    if (r.error) failed++;
  }
  return failed;
}

/** What the scheduled job needs beyond the commands' deps; tests point the named sources at local servers. */
export interface ScheduleDeps extends CommandDeps {
  log: Logger;
  /** PAPERBOY_FEEDS: journal feeds fetched besides those `paperboy feeds add` keeps. */
  feeds?: readonly string[];
  endpoints?: SourceEndpoints;
  fetch?: Partial<FetchOptions>;
  now?: () => Date;
}

/** The setting that remembers the latest Hugging Face day fetched without error. */
const HF_LAST_DAY = 'hf_daily_last_day';

/** The scheduled job: fetches every configured source in turn (named ones expanded), logs each summary and any warning. */
export async function scheduledIngest(deps: ScheduleDeps, sources: readonly string[]): Promise<void> {
  const { db, log } = deps;
  const now = deps.now ?? (() => new Date());
  const ingestDeps: IngestDeps = { db, now, fetch: { userAgent: userAgent(deps.publicUrl), ...deps.fetch } };
  const plan = planSources(sources, {
    today: now().toISOString().slice(0, 10), hfLastDay: getSetting(db, HF_LAST_DAY), categories: followedCategories(db).filter((c) => isKnownCategory(c) || SUBJECTS.has(c)), // a category stored before sign-ups were checked fetches nothing
  }, deps.endpoints ?? ENDPOINTS);
  // Journal feeds come with every run that fetches anything: PAPERBOY_FEEDS made current, then each feed kept.
  if (sources.length > 0) {
    syncConfiguredFeeds(db, deps.feeds ?? [], now());
    for (const f of listFeeds(db)) plan.push({ source: f.url, format: 'journal', tag: f.code });
  }
  // A failed Hugging Face day stops the remembered day from moving past it, so the next run asks for it again.
  let hfFailed = false;
  let failed = 0;
  const endpoints = deps.endpoints ?? ENDPOINTS;
  for (const { source, format, hfDay, tag, subject } of plan) {
    const r = subject ? { ...(await ingestSubject(ingestDeps, endpoints.rxiv ?? ENDPOINTS.rxiv!, subject, now().toISOString().slice(0, 10))), format: 'rxiv', notModified: false, feedTitle: undefined }
      : await ingestSource(ingestDeps, source, { format, tag });
    if (tag && r.feedTitle) noteFeedTitle(db, source, r.feedTitle);
    if (r.error) failed++;
    const fields = { source, format: r.format, new: r.new, updated: r.updated, rejected: r.rejected, notModified: r.notModified };
    if (r.error) log.warn({ ...fields, error: r.error }, 'ingest failed');
    else log.info(fields, 'ingested');
    if (hfDay && r.error) hfFailed = true;
    if (hfDay && !hfFailed && hfDay > (getSetting(db, HF_LAST_DAY) ?? '')) setSetting(db, HF_LAST_DAY, hfDay);
  }
  if (plan.length > 1 && failed === plan.length) log.warn({ failed }, allFailed(plan.length));
  for (const warning of ingestWarnings(db, now())) log.warn({ warning }, 'ingest needs attention');
}

/** The one line that says what to check when every source of a run failed: most often no way out to the internet. */
export function allFailed(n: number): string {
  return `all ${n} sources failed: is there a network connection, or an outgoing proxy in the way? This host needs https to huggingface.co, ` +
    `rss.arxiv.org and api.biorxiv.org. Offline, set PAPERBOY_SOURCES=none and add papers with ${commandLine('ingest <file>')}`;
}

/** `paperboy export [--out file]`: writes every stored paper as JSONL; returns how many. */
export async function exportCommand(db: Db, out?: string): Promise<number> {
  const stream = out ? createWriteStream(out) : process.stdout;
  let n = 0;
  for (const p of iteratePapers(db)) {
    // Respect back-pressure so a large store is not buffered in memory.
    if (!stream.write(paperToJsonl(p) + '\n')) await once(stream, 'drain');
    n++;
  }
  if (out) await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return n;
}

/** One line per run for `paperboy sources`. */
export function runLine(r: IngestRun): string {
  const when = r.finished ?? `${r.started} (unfinished)`;
  const what = r.error ? `FAILED: ${r.error}` : r.notModified ? 'not modified'
    : `${r.new} new, ${r.updated} updated, ${r.rejected} rejected of ${r.fetched}`;
  return `${when}  ${r.source}  ${r.format ?? '-'}  ${what}`;
}

/** `paperboy sources`: warnings first, then the most recent runs, newest first. */
export function sourcesCommand(db: Db, limit = 20, now = new Date()): string[] {
  const runs = recentRuns(db, limit);
  const warnings = ingestWarnings(db, now).map((w) => `WARNING: ${w}`);
  return [...warnings, ...(runs.length ? runs.map(runLine) : [`no ingest runs yet: try ${commandLine('ingest <file-or-url>')}`])];
}
