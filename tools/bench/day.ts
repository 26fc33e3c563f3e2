// A whole day for a large list (issue 25, `npm run bench:scale -- --day`): N subscribers in eight zones at every
// hour (a fifth with a library), the week's real papers, then each of the day's 1,440 minute ticks run in turn
// (`sendDueDigests` at that minute, every digest ranked, rendered and handed to Postfix's smtp-sink) with the
// daily prune at 03:17; then the file's size, what 31 days at RETENTION_DAYS=30 make of it, and a backup's time.
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { backupDatabase } from '#paperboy/db/backup.js';
import { migrate } from '#paperboy/db/migrate.js';
import { openDb } from '#paperboy/db/open.js';
import { pruneHistory } from '#paperboy/jobs/retention.js';
import { sendDueDigests } from '#paperboy/mail/sender.js';
import type { LibraryEntry, Paper } from '#paperboy/model.js';
import { replaceLibrary } from '#paperboy/store/library.js';
import { refreshSpace, type SpaceRefresh } from '#paperboy/semantic-space.js';
import { upsertPapers } from '#paperboy/store/papers.js';
import { closeContext, type Context } from '#paperboy/context.js';
import { startSink } from './sink.js';
import { benchContext, insertSubscribers, seeded, serveUntil } from './tick.js';

/** What a whole day cost. */
export interface DayReport {
  sent: number;
  skipped: number;
  failed: number;
  wallSeconds: number;
  /** The longest single tick, and the ticks that sent something. */
  longestTickSeconds: number;
  busyTicks: number;
  pruneMs: number;
  peakRss: number;
  fileBytes: number;
  /** Bytes the day's digests added with their papers and attempts, indexes included (SQLite's dbstat), per digest. */
  bytesPerDigest: number;
  backupSeconds: number;
}

/** Stores the week's papers, gives every fifth subscriber a library of `entries` text examples drawn from them, then
 *  learns the store's semantic space as serve does after an ingest, which folds in the library entries digests read
 *  (their terms and rows kept). Returns what the learning took. */
export function addPapersAndLibraries(file: string, papers: Paper[], day: Date, entries: number): SpaceRefresh | null {
  const db = openDb(file);
  migrate(db);
  // Seen over the six days before: the week's window holds them all.
  const slice = Math.ceil(papers.length / 6);
  for (let d = 0; d < 6; d++) upsertPapers(db, papers.slice(d * slice, (d + 1) * slice), new Date(day.getTime() - (6 - d) * 86_400_000));
  const rnd = seeded(7);
  const ids = db.prepare("SELECT id FROM subscribers WHERE status = 'active' AND id % 5 = 0").pluck().all() as number[];
  // 1,000 libraries a transaction: one transaction for all would hold every page in the WAL until it commits.
  for (let start = 0; start < ids.length; start += 1000) {
    db.transaction(() => {
      for (const id of ids.slice(start, start + 1000)) {
        const lib: LibraryEntry[] = Array.from({ length: entries }, (_, i) => {
          const p = papers[Math.floor(rnd() * papers.length)];
          return { where: `line ${i + 1}`, title: `${p.title} (earlier work)`, abstract: p.abstract, authors: p.authors, arxivId: null, doi: null, titleKeys: [], added: '2026-06-01' };
        });
        replaceLibrary(db, id, lib, day);
      }
    })();
  }
  const learned = refreshSpace(db, new Date(day.getTime() - 86_400_000));
  db.close();
  return learned;
}

/** Builds the store for `n` subscribers, served up to the day's start (as a list running for a while is). */
export function buildDayStore(file: string, n: number, papers: Paper[], day: Date, entries: number): SpaceRefresh | null {
  insertSubscribers(file, n, day);
  serveUntil(file, day);
  return addPapersAndLibraries(file, papers, day, entries);
}

/** Bytes of the digest history: digests, digest_items and delivery_attempts with their indexes. */
function historyBytes(file: string): number {
  const db = openDb(file);
  try {
    // dbstat lists every page by the table or index it belongs to.
    return db.prepare(`
      SELECT sum(s.pgsize) FROM dbstat s JOIN sqlite_master m ON m.name = s.name
      WHERE m.tbl_name IN ('digests', 'digest_items', 'delivery_attempts')`).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** The figures of one simulated day's ticks. */
type DayTicks = Pick<DayReport, 'sent' | 'skipped' | 'failed' | 'wallSeconds' | 'longestTickSeconds' | 'busyTicks' | 'pruneMs'>;

/**
 * Runs `days` days from `day` (00:00 UTC) over a store buildDayStore made, against a fresh smtp-sink, and reports
 * the last: with 2 or more, the first day's one-off work (every library entry's term vectors counted once) is
 * behind it, as on any day of a list that has run for a while. `first` holds the first day's figures.
 */
export async function runDay(file: string, day: Date, opts: { threads: number; backupTo: string; days?: number }): Promise<DayReport & { first: DayTicks }> {
  const sink = await startSink();
  const ctx = await benchContext(file, { SMTP_URL: sink.url, SEND_THREADS: String(opts.threads), RETENTION_DAYS: '30' });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 200);
  let first: DayTicks | undefined;
  let r!: DayTicks;
  let history = 0;
  try {
    for (let d = 0; d < (opts.days ?? 1); d++) {
      history = historyBytes(file);
      r = await ticksOfDay(ctx, new Date(day.getTime() + d * 86_400_000));
      first ??= r;
    }
  } finally {
    clearInterval(sampler);
    peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
    await closeContext(ctx);
    sink.stop();
  }
  const fileBytes = statSync(file).size;
  const b = performance.now();
  await backupDatabase(file, opts.backupTo);
  return { ...r, first: first!, peakRss: peak, fileBytes, bytesPerDigest: (historyBytes(file) - history) / Math.max(1, r.sent + r.skipped), backupSeconds: (performance.now() - b) / 1000 };
}

/** The 1,440 minute ticks of one day in turn, with the daily prune at 03:17. */
async function ticksOfDay(ctx: Context, day: Date): Promise<DayTicks> {
  const r = { sent: 0, skipped: 0, failed: 0, wallSeconds: 0, longestTickSeconds: 0, busyTicks: 0, pruneMs: 0 };
  const t0 = performance.now();
  for (let minute = 0; minute < 1440; minute++) {
    const at = new Date(day.getTime() + minute * 60_000);
    const t = performance.now();
    const c = await sendDueDigests(ctx, at);
    const s = (performance.now() - t) / 1000;
    r.longestTickSeconds = Math.max(r.longestTickSeconds, s);
    if (c.due) r.busyTicks++;
    r.sent += c.sent;
    r.skipped += c.skipped;
    r.failed += c.failed;
    if (minute === 3 * 60 + 17) r.pruneMs = (await pruneHistory(ctx.db, { days: 30, now: at })).ms;
  }
  r.wallSeconds = (performance.now() - t0) / 1000;
  return r;
}
