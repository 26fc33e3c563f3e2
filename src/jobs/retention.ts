// The daily prune: history older than RETENTION_DAYS goes, one short transaction per batch with a turn of the event
// loop between batches (a send run in this process goes on; another process waits for one batch at most), then the
// freed pages go back to the file system a step at a time. Windows: docs/scaling.md#retention.
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { freePages, returnFreePages, returnsSpace } from '../db/maintenance.js';
import type { Db } from '../db/open.js';
import { commandLine } from '../command.js';
import {
  keptFrom, pruneDigests, pruneIndexedChanges, pruneIngestRuns, pruneMailEvents, pruneSignupAttempts, pruneUnconfirmed, type KeptFrom,
} from '../store/retention.js';

/** Rows per transaction: 250 digests take their ~2,500 papers and ~250 attempts along, about 20 ms on the
 *  bench:growth machine (500 took 40–50 ms). */
const BATCH = 250;

/** Pages given back per transaction (4 MB): about 30 ms there (8 MB took 60–80 ms). */
const VACUUM_STEP = 1024;

/** A transaction longer than this is counted as slow in the report. */
const SLOW_MS = 100;

/** What one prune removed, and how long its longest transaction held the write lock. */
export interface PruneReport {
  kept: KeptFrom;
  digests: number;
  ingestRuns: number;
  signupAttempts: number;
  /** Bounce and complaint reports. */
  mailEvents: number;
  /** Subscribers who never confirmed, erased. */
  unconfirmed: number;
  changes: number;
  /** Free pages given back to the file system (0 for a file made without incremental auto-vacuum). */
  pagesReturned: number;
  /** Free pages left in the file: all of them when it cannot give space back. */
  pagesKept: number;
  /** False for a file made before incremental auto-vacuum: its free pages are reused, never given back. */
  returnsSpace: boolean;
  transactions: number;
  longestMs: number;
  /** Transactions that took longer than SLOW_MS (a WAL checkpoint or a slow disk under them, mostly). */
  slow: number;
  ms: number;
  pageSize: number;
}

/** The kinds of rows a prune counts. */
type Pruned = 'digests' | 'ingestRuns' | 'signupAttempts' | 'mailEvents' | 'unconfirmed' | 'changes';

/** Options of one prune. */
export interface PruneOptions {
  /** RETENTION_DAYS. */
  days: number;
  now?: Date;
  /** Aborting stops between two batches; what was pruned stays pruned. */
  signal?: AbortSignal;
  batch?: number;
}

/** Raised when a prune stops on an error: the batch it was on was rolled back, earlier batches stay done. */
export class PruneError extends Error {}

/** Prunes what `days` of history no longer keeps, batch by batch, then gives the freed space back. */
export async function pruneHistory(db: Db, opts: PruneOptions): Promise<PruneReport> {
  const started = performance.now();
  const kept = keptFrom(opts.now ?? new Date(), opts.days);
  const r: PruneReport = {
    kept, digests: 0, ingestRuns: 0, signupAttempts: 0, mailEvents: 0, unconfirmed: 0, changes: 0, pagesReturned: 0, pagesKept: 0,
    returnsSpace: returnsSpace(db), transactions: 0, longestMs: 0, slow: 0, ms: 0, pageSize: db.pragma('page_size', { simple: true }) as number,
  };
  const limit = opts.batch ?? BATCH;
  const steps: [Pruned, () => number][] = [
    ['digests', () => pruneDigests(db, kept.digestsFrom, limit)],
    ['ingestRuns', () => pruneIngestRuns(db, kept.runsFrom, limit)],
    ['signupAttempts', () => pruneSignupAttempts(db, kept.signupsFrom, limit)],
    ['mailEvents', () => pruneMailEvents(db, kept.eventsFrom, limit)],
    ['unconfirmed', () => pruneUnconfirmed(db, kept.runsFrom, limit)],
    ['changes', () => pruneIndexedChanges(db, limit)],
  ];
  for (const [kind, step] of steps) {
    for (let n = limit; n === limit && !opts.signal?.aborted;) {
      n = timed(r, step);
      r[kind] += n;
      await nextTurn();
    }
  }
  await giveSpaceBack(db, r, opts.signal);
  r.ms = performance.now() - started;
  return r;
}

/** Runs one batch (one statement: its own transaction), noting its duration; a failure becomes a PruneError. */
function timed<T>(r: PruneReport, step: () => T): T {
  const t = performance.now();
  try {
    return step();
  } catch (err) {
    throw pruneError(err);
  } finally {
    const ms = performance.now() - t;
    r.transactions++;
    r.longestMs = Math.max(r.longestMs, ms);
    if (ms > SLOW_MS) r.slow++;
  }
}

/** Returns the free pages to the file system, VACUUM_STEP at a time (stops if a step frees nothing). */
async function giveSpaceBack(db: Db, r: PruneReport, signal?: AbortSignal): Promise<void> {
  let free = freePages(db);
  while (r.returnsSpace && free > 0 && !signal?.aborted) {
    timed(r, () => returnFreePages(db, Math.min(free, VACUUM_STEP)));
    const left = freePages(db);
    r.pagesReturned += free - left;
    if (left >= free) break;
    free = left;
    await nextTurn();
  }
  r.pagesKept = freePages(db);
}

/** The error a prune stops with, saying what happened to the data. */
function pruneError(err: unknown): PruneError {
  const e = err as { code?: string; message?: string };
  const what = e.code === 'SQLITE_FULL' ? 'the disk is full' : `the database could not be written (${e.message ?? String(err)})`;
  return new PruneError(`pruning stopped: ${what}. The batch it was on was rolled back and the database is intact; ` +
    `what earlier batches removed stays removed. Free some disk space and run ${commandLine('prune')} again`);
}

/** True when a prune removed nothing people would miss and gave no space back (the change log the search index has
 *  read is pruned at every start: that is housekeeping, not history). */
export function prunedNothing(r: PruneReport): boolean {
  return r.digests + r.ingestRuns + r.signupAttempts + r.mailEvents + r.unconfirmed + r.pagesReturned === 0 && r.returnsSpace;
}

/** One line for the log and the CLI: only what was deleted (a prune that deleted nothing says so in a few words). */
export function describePrune(r: PruneReport): string {
  const mb = (pages: number) => `${((pages * r.pageSize) / 2 ** 20).toFixed(1)} MB`;
  const counts = [[r.digests, `digests of days before ${r.kept.digestsFrom} (with their papers and delivery attempts)`], [r.ingestRuns, 'ingest runs'],
    [r.signupAttempts, 'sign-up attempts'], [r.mailEvents, 'bounce and complaint reports'], [r.unconfirmed, 'sign-ups never confirmed']] as const;
  const parts = counts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  const head = parts.length ? `pruned ${parts.join(', ')}` : 'nothing older than RETENTION_DAYS to prune';
  return head + (r.pagesReturned || r.pagesKept ? `; gave ${mb(r.pagesReturned)} back to the file system` : '') +
    (r.pagesKept ? `, ${mb(r.pagesKept)} free kept for reuse` : '') +
    (parts.length ? `; ${r.transactions} transactions, the longest ${r.longestMs.toFixed(0)} ms` + (r.slow ? ` (${r.slow} over ${SLOW_MS} ms)` : '') : '') +
    (r.returnsSpace ? '' : `. This file was made before Paperboy gave space back: stop Paperboy and run ${commandLine('migrate')} once to convert it`);
}
