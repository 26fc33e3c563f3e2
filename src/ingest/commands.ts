// What `paperboy ingest`, `export` and `sources` do, and the scheduled ingest of PAPERBOY_SOURCES.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { progressBar } from '../progress.js';
import type { Db } from '../db/open.js';
import { recentRuns, type IngestRun } from '../store/ingest-runs.js';
import { iteratePapers } from '../store/papers.js';
import type { Format } from './types.js';
import { userAgent } from './fetch.js';
import { paperToJsonl } from './jsonl.js';
import { ingestSource, type IngestDeps, type IngestSummary } from './run.js';

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

/** The scheduled job: ingests every configured source in turn and logs each summary. */
export async function scheduledIngest(deps: CommandDeps, sources: string[], log: Logger): Promise<void> {
  const ingestDeps: IngestDeps = { db: deps.db, fetch: { userAgent: userAgent(deps.publicUrl) } };
  for (const source of sources) {
    const r = await ingestSource(ingestDeps, source);
    const fields = { source, format: r.format, new: r.new, updated: r.updated, rejected: r.rejected, notModified: r.notModified };
    if (r.error) log.warn({ ...fields, error: r.error }, 'ingest failed');
    else log.info(fields, 'ingested');
  }
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

/** `paperboy sources`: the most recent runs, newest first. */
export function sourcesCommand(db: Db, limit = 20): string[] {
  const runs = recentRuns(db, limit);
  return runs.length ? runs.map(runLine) : ['no ingest runs yet: try `paperboy ingest <file-or-url>`'];
}
