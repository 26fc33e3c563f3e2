// One ingest run: fetch a source, detect its format, parse, store in batches, record the run.
// A run never throws for bad input: whatever went wrong is in the summary and the ingest_runs row.
import { checkpointAfter, type Db } from '../db/open.js';
import type { Paper } from '../model.js';
import { finishRun, startRun, type RunOutcome } from '../store/ingest-runs.js';
import { upsertPapers } from '../store/papers.js';
import { indexInBackground } from '../store/search.js';
import { getValidators, saveValidators } from '../store/source-cache.js';
import { parseArxivAtom } from './arxiv-atom.js';
import { feedTitle } from './journal-feed.js';
import { detectFormat, parserFor, refuseHtml, type Format } from './detect.js';
import { fetchSource, FetchError, isUrl, type FetchOptions } from './fetch.js';

/** What a run needs from the rest of the program. */
export interface IngestDeps {
  db: Db;
  fetch?: Partial<FetchOptions>;
  now?: () => Date;
}

/** Per-run switches. */
export interface IngestOptions {
  /** Skip detection and use this parser. */
  format?: Format;
  /** Papers per transaction. */
  batchSize?: number;
  /** Called after each stored batch. */
  onProgress?: (stored: number, total: number) => void;
  /** A category every paper of this source gets: the `journal.<…>` code of a journal feed, which subscribers follow. */
  tag?: string;
  /** Keeps only the papers this says yes to (a bioRxiv page's records of other subjects are dropped). */
  keep?: (p: Paper) => boolean;
  /** Called with the text of a parsed source (the details API's paging is read from it). */
  onText?: (text: string) => void;
}

/** The outcome of one run, as recorded in ingest_runs. */
export interface IngestSummary extends RunOutcome {
  runId: number;
  source: string;
  /** A journal feed's own title, when the source was one. */
  feedTitle?: string;
}

/** Stores papers one transaction per batch; a failing batch is retried paper by paper so only bad records are lost.
 *  After each batch the full-text index catches up on the worker thread, beside the next batch. */
function storeBatches(db: Db, papers: Paper[], o: IngestOptions, now: Date, out: RunOutcome): boolean {
  const size = o.batchSize ?? 5000;
  let clean = true;
  for (let i = 0; i < papers.length; i += size) {
    const batch = papers.slice(i, i + size);
    try {
      const c = upsertPapers(db, batch, now);
      out.new += c.added;
      out.updated += c.updated;
    } catch {
      clean = false;
      for (const p of batch) storeAlone(db, p, now, out);
    }
    indexInBackground(db);
    o.onProgress?.(Math.min(i + size, papers.length), papers.length);
  }
  return clean;
}

/** Stores one paper in its own transaction, turning a failure into a rejection. */
function storeAlone(db: Db, p: Paper, now: Date, out: RunOutcome): void {
  try {
    const c = upsertPapers(db, [p], now);
    out.new += c.added;
    out.updated += c.updated;
  } catch (err) {
    out.rejections.push({ where: `paper ${p.id}`, reason: `could not be stored: ${(err as Error).message}` });
  }
}

/** Fetches, parses and stores one source; returns (and records) what happened. */
export async function ingestSource(deps: IngestDeps, source: string, opts: IngestOptions = {}): Promise<IngestSummary> {
  const now = deps.now ?? (() => new Date());
  const runId = startRun(deps.db, source, now());
  let title: string | undefined;
  const out: RunOutcome = { format: opts.format ?? null, fetched: 0, new: 0, updated: 0, rejected: 0, notModified: false, error: null, rejections: [] };
  try {
    const url = isUrl(source);
    const got = await fetchSource(source, { ...deps.fetch, validators: url ? getValidators(deps.db, source) : null });
    if (got.notModified) {
      out.notModified = true;
    } else {
      // A forced format (the named sources, --format) still refuses an HTML page rather than rejecting it record by record.
      if (opts.format) refuseHtml(got.text);
      const format = opts.format ?? detectFormat(got.text, got.name);
      out.format = format;
      const parsed = parserFor(format)(got.text);
      opts.onText?.(got.text);
      if (opts.tag) for (const p of parsed.papers) p.categories = [opts.tag, ...p.categories.filter((c) => c !== opts.tag)];
      if (format === 'journal') title = feedTitle(got.text);
      out.fetched = parsed.papers.length + parsed.rejected.length;
      if (opts.keep) parsed.papers = parsed.papers.filter(opts.keep);
      out.rejections.push(...parsed.rejected);
      const clean = checkpointAfter(deps.db, () => storeBatches(deps.db, parsed.papers, opts, now(), out));
      if (url && clean) saveValidators(deps.db, source, got.validators, now());
    }
  } catch (err) {
    out.error = describe(err);
  }
  out.rejected = out.rejections.length;
  finishRun(deps.db, runId, out, now());
  return { ...out, runId, source, ...(title ? { feedTitle: title } : {}) };
}

/** A one-line reason for a failed run, with the arXiv error text when arXiv sent one. */
function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (!(err instanceof FetchError) || !err.body?.includes('<feed')) return msg;
  try {
    // arXiv answers a bad query with HTTP 400 and an Atom feed whose one entry explains it.
    const apiError = parseArxivAtom(err.body).rejected.find((r) => r.reason.startsWith('arXiv API error: '));
    return apiError ? `${msg}: arXiv says "${apiError.reason.slice('arXiv API error: '.length)}"` : msg;
  } catch {
    return msg;
  }
}
