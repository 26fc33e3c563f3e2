// `npm run bench:scale`: how Paperboy's fixed costs grow with the list (issue 25). The minute tick with nobody due at
// each size in BENCH_SUBSCRIBERS (default 10,000, 100,000 and 1,000,000), in one run, beside the pass over every
// subscriber row that the tick made before migration 017. Prints wall and CPU time and the ratio largest ÷ smallest.
// With --day, a whole day instead at each size (tools/bench/day.ts): BENCH_THREADS digest threads (default 2),
// BENCH_LIBRARY_ENTRIES entries in each library (default 50, the number a digest reads); --days=N runs N days in
// turn and prints the last (the first day counts every library entry's vectors once).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { buildDayStore, runDay, type DayReport } from './day.js';
import { benchPapers } from './fixture.js';
import { insertSubscribers, serveUntil, timeTick } from './tick.js';

/** 03:30 UTC: 23:30 in New York, 12:30 in Tokyo; in every zone whoever's hour has come is served already. */
const NOW = new Date('2026-12-07T03:30:00Z');
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const sizes = (arg('subscribers') ?? process.env.BENCH_SUBSCRIBERS ?? '10000,100000,1000000').split(',').map(Number);
const runs = Number(arg('runs') ?? 5);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Builds each size's store, times its tick and prints one line per size, then the ratio of the largest to the smallest. */
async function main(): Promise<void> {
  console.log(`bench:scale — minute tick with nobody due at ${NOW.toISOString()}; sizes ${sizes.join(', ')}; medians of ${runs} after a warm-up; load ${load()}`);
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-scale-'));
  const ticks: { n: number; wall: number; cpu: number }[] = [];
  try {
    for (const n of sizes) {
      const file = join(dir, `${n}.db`);
      const t = performance.now();
      insertSubscribers(file, n, NOW);
      const rows = serveUntil(file, NOW);
      const built = (performance.now() - t) / 1000;
      const r = await timeTick(file, NOW, runs);
      ticks.push({ n, ...r.tick });
      console.log(`${n.toLocaleString('en')} subscribers (${rows.toLocaleString('en')} digest rows, ${(statSync(file).size / 2 ** 20).toFixed(0)} MB, built in ${built.toFixed(0)} s): ` +
        `tick ${ms(r.tick.wall)} wall, ${ms(r.tick.cpu)} CPU (due: ${r.due}); the pass over every row it replaced ${ms(r.scan.wall)} wall, ${ms(r.scan.cpu)} CPU; load ${load()}`);
      rmSync(file, { force: true });
    }
    const [small, large] = [ticks[0], ticks[ticks.length - 1]];
    if (ticks.length > 1) {
      console.log(`tick at ${large.n.toLocaleString('en')} ÷ at ${small.n.toLocaleString('en')}: wall ${(large.wall / small.wall).toFixed(2)}×, CPU ${(large.cpu / small.cpu).toFixed(2)}× ` +
        `(targets: under 50 ms at a million, ratio under 2)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The day bench simulates 2026-12-07, 00:00 to 24:00 UTC. */
const DAY = new Date('2026-12-07T00:00:00Z');

/** Runs the day in a child process (this script with --day-child) and returns its report. */
function dayChild(file: string, threads: number, backupTo: string, days: number): Promise<DayReport & { first: DayReport }> {
  return new Promise((ok, fail) => {
    const c = fork(new URL(import.meta.url).pathname, ['--day-child', file, String(threads), backupTo, String(days)]);
    c.on('message', (m) => ok(m as DayReport & { first: DayReport }));
    c.on('exit', (code) => { if (code) fail(new Error(`day child exited with ${code}`)); });
  });
}

/** A whole day at each size: one line of figures per size. */
async function day(): Promise<void> {
  const threads = Number(process.env.BENCH_THREADS ?? 2);
  const entries = Number(process.env.BENCH_LIBRARY_ENTRIES ?? 50);
  // --days=2: the figures are the second day's, the first day's one-off counting of library vectors behind it.
  const days = Number(arg('days') ?? 1);
  const { papers, source } = benchPapers(Number(arg('papers') ?? 2000));
  console.log(`bench:scale --day — 2026-12-07, ${papers.length} papers of the week from ${source}; sizes ${sizes.join(', ')}; SEND_THREADS=${threads}; ` +
    `a fifth of subscribers with a library of ${entries}; load ${load()}`);
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-day-'));
  try {
    for (const n of sizes) {
      const file = join(dir, `${n}.db`);
      const learned = buildDayStore(file, n, papers, DAY, entries);
      if (learned) console.log(`${n.toLocaleString('en')} subscribers: the store's space learned from ${learned.papers} papers (${learned.width} dimensions) with ` +
        `${learned.entries.toLocaleString('en')} library entries folded in, in ${learned.secs.toFixed(1)} s (serve does this after each ingest that stored papers, on a worker thread)`);
      // In a child process, so that its peak RSS is the day's own, not the building's.
      const r = await dayChild(file, threads, join(dir, `${n}.backup.db`), days);
      const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
      // 31 days at RETENTION_DAYS=30: the prune keeps 31 days of digests (32 before it runs); each of the 30 more days adds what this one did.
      const month = r.fileBytes + 30 * r.bytesPerDigest * (r.sent + r.skipped);
      if (days > 1) console.log(`${n.toLocaleString('en')} subscribers, day 1 of ${days}: sent ${r.first.sent}, its ticks took ${r.first.wallSeconds.toFixed(0)} s → ${(r.first.sent / r.first.wallSeconds).toFixed(0)} messages/s; figures below are of day ${days}`);
      console.log(`${n.toLocaleString('en')} subscribers: sent ${r.sent}, skipped ${r.skipped}, failed ${r.failed}; the day's 1,440 ticks took ${r.wallSeconds.toFixed(0)} s ` +
        `(${r.busyTicks} sent something, the longest ${r.longestTickSeconds.toFixed(1)} s) → ${(r.sent / r.wallSeconds).toFixed(0)} messages/s over the day; ` +
        `daily prune ${r.pruneMs.toFixed(0)} ms; peak RSS of the day ${mb(r.peakRss)}; file ${mb(r.fileBytes)} after the day, its history ${(r.bytesPerDigest / 1024).toFixed(2)} KB a digest; ` +
        `about ${mb(month)} after 31 days at RETENTION_DAYS=30 (this file plus 30 more days of such history); backup ${r.backupSeconds.toFixed(1)} s; load ${load()}`);
      rmSync(file, { force: true });
      rmSync(join(dir, `${n}.backup.db`), { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const child = process.argv.indexOf('--day-child');
if (child >= 0) {
  const [file, threads, backupTo, days] = process.argv.slice(child + 1);
  process.send!(await runDay(file, DAY, { threads: Number(threads), backupTo, days: Number(days) }));
} else await (process.argv.includes('--day') ? day() : main());
