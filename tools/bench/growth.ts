// `npm run bench:growth`: a year of daily digests for 10,000 subscribers on one SQLite file, written the way the sender
// writes them (claims 16 to a transaction with their papers, lease and first attempt; outcomes committed in groups; a
// deferred digest retried; a few bounce reports), beside the day's other writes: new papers and their search index,
// hourly ingest runs, sign-up attempts, votes; then the daily prune of RETENTION_DAYS (--retention=off skips it).
// Ranking, rendering and SMTP are skipped: a digest holds 10 of the day's real papers with scores and reasons taken
// from real rankings. Prints bytes per subscriber-day and, at the days asked for, the file size, the rows per table,
// the time of the due query and of a `paperboy deliveries` call, and what the prunes since the last report cost.
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '#paperboy/config.js';
import { backupDatabase } from '#paperboy/db/backup.js';
import { migrate } from '#paperboy/db/migrate.js';
import { openDb, type Db } from '#paperboy/db/open.js';
import { digestSubject } from '#paperboy/digest/compose.js';
import { closeContext, createContext, type Context } from '#paperboy/context.js';
import { printDeliveries } from '#paperboy/mail/deliveries.js';
import { sendDueDigests } from '#paperboy/mail/sender.js';
import { newMessageId } from '#paperboy/mail/message.js';
import { acceptedOutcome, failureOutcome, nextStep, type AttemptOutcome } from '#paperboy/mail/outcome.js';
import { recordOutcome } from '#paperboy/mail/record-outcome.js';
import { makeRanker } from '#paperboy/digest/choose.js';
import type { Paper, RankedPaper } from '#paperboy/model.js';
import { emailHash, recordSignupAttempt } from '#paperboy/store/address-guard.js';
import { claimDigest, leaseDigest, type Lease } from '#paperboy/store/digests.js';
import { finishRun, startRun } from '#paperboy/store/ingest-runs.js';
import { insertEvent } from '#paperboy/store/mail-events.js';
import { upsertPapers } from '#paperboy/store/papers.js';
import { catchUpIndex } from '#paperboy/store/search.js';
import { activeSubscribers } from '#paperboy/store/subscribers.js';
import { recordVote } from '#paperboy/store/votes.js';
import { pruneHistory, type PruneReport } from '#paperboy/jobs/retention.js';
import { benchPapers, INTERESTS } from './fixture.js';

const arg = (name: string, def: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const DAY_MS = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');
/** The hour (UTC) every simulated subscriber is due. */
const SEND_HOUR = 8;
const DIGEST_SIZE = 10;
const CLAIM_BATCH = 16;
const LIMITS = { hard: 1, soft: 3 };
const RETRY = { maxAttempts: 5, baseMs: 60_000, maxMs: 3_600_000 };
/** What the day's hourly ingest fetches: Hugging Face and five arXiv feeds. */
const FEEDS = ['cs.CV', 'cs.LG', 'cs.CL', 'cs.AI', 'cs.RO'].map((c) => `https://rss.arxiv.org/rss/${c}`);

/** What the prunes since the last report cost. */
interface PruneTotals {
  days: number;
  ms: number;
  longestMs: number;
  transactions: number;
  slow: number;
  returnedPages: number;
}

/** Everything the simulated days share. */
interface World {
  ctx: Context;
  prunes: PruneTotals;
  db: Db;
  subscribers: number[];
  papers: Paper[];
  perDay: number;
  /** Real rankings' scores and reasons, reused position by position. */
  reasons: { score: number; why: string[] }[][];
  lease: Lease;
  seed: number;
}

/** A deterministic pseudo-random number in [0, 1). */
function random(w: World): number {
  w.seed = (w.seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return w.seed / 2 ** 31;
}

/** Scores and reasons of real rankings: 40 subscribers with the bench interests ranked over 400 real papers. */
function realReasons(papers: Paper[]): { score: number; why: string[] }[][] {
  const db = openDb(':memory:');
  migrate(db);
  const now = new Date(START);
  upsertPapers(db, papers.slice(0, 400), new Date(START - 3_600_000));
  const rank = makeRanker(db, now, { memo: false });
  const lists = INTERESTS.slice(0, 40).map((k, i) => rank({
    id: i + 1, email: `r${i}@bench.example.org`, status: 'active', timezone: 'UTC', hour: 0, tokenVersion: 1, manageVersion: 1,
    frequency: 'daily', weekday: 1, digestSize: DIGEST_SIZE, weakDay: 'note', pausedUntil: null,
    profile: { keywords: [k, INTERESTS[(i + 7) % INTERESTS.length]], categories: [], authors: [], about: '', papers: [], votes: [] },
  }).map((r) => ({ score: r.score, why: r.why })));
  db.close();
  return lists.filter((l) => l.length > 0);
}

/** Creates the database with `n` active subscribers due at SEND_HOUR UTC, and a context over it as serve has one. */
async function setUp(file: string, n: number): Promise<Context> {
  const ctx = await createContext(loadConfig({ PAPERBOY_DB: file, LOG_LEVEL: 'silent', PAPERBOY_OUTBOX: join(dirname(file), 'outbox') }));
  const db = ctx.db;
  const ins = db.prepare(`INSERT INTO subscribers (email, status, keywords, timezone, hour, created_at, confirmed_at)
    VALUES (?, 'active', ?, 'UTC', ?, ?, ?)`);
  const at = new Date(START).toISOString();
  db.transaction(() => {
    for (let i = 0; i < n; i++) ins.run(`reader${i}@bench.example.org`, JSON.stringify([INTERESTS[i % INTERESTS.length]]), SEND_HOUR, at, at);
  })();
  return ctx;
}

/** The 10 papers of subscriber `s` on day `d`: the day's new papers, from an offset of its own. */
function digestOf(w: World, d: number, s: number): RankedPaper[] {
  const day = w.papers.slice(d * w.perDay, (d + 1) * w.perDay);
  const reasons = w.reasons[s % w.reasons.length];
  return Array.from({ length: Math.min(DIGEST_SIZE, day.length) }, (_, i) => ({
    paper: day[(s + i) % day.length], ...reasons[i % reasons.length],
  }));
}

/** The SMTP reply smtp-sink gives an accepted message. */
const accepted = (w: World): AttemptOutcome => acceptedOutcome(`250 2.0.0 Ok: queued as ${Math.floor(random(w) * 2 ** 48).toString(36).toUpperCase()}`);

/** A bounce report about an accepted digest, as the bounce mailbox records one (0.5% of them, an hour later). */
function bounced(w: World, c: { id: number; subscriberId: number }, date: string, now: Date): void {
  insertEvent(w.db, {
    source: 'mailbox', key: `<dsn.${c.id}@mx.example.org>`, kind: 'soft', subscriberId: c.subscriberId, digestId: c.id, day: date,
    status: '4.2.2', detail: 'mailbox full', occurredAt: now.toISOString(),
  }, new Date(now.getTime() + 3_600_000));
}

/** One day's digests: claims 16 to a transaction, their outcomes in groups; 5% empty (skipped), 1% deferred then sent,
 *  0.5% of the rest bounced back later. */
function sendDay(w: World, d: number, date: string, now: Date): void {
  const deferred: { id: number; subscriberId: number }[] = [];
  for (let i = 0; i < w.subscribers.length; i += CLAIM_BATCH) {
    const chunk = w.subscribers.slice(i, i + CLAIM_BATCH);
    const claimed = w.db.transaction(() => chunk.map((s) => {
      const items = random(w) < 0.05 ? [] : digestOf(w, d, s);
      const messageId = newMessageId(`digest.${s}.${date}`, 'paperboy.example.org');
      const id = claimDigest(w.db, { subscriberId: s, date, messageId, subject: digestSubject(items), items }, now, w.lease);
      return items.length && id !== null ? { id, subscriberId: s } : null;
    }))();
    w.db.transaction(() => {
      for (const c of claimed) {
        if (c === null) continue;
        const late = random(w) < 0.01;
        const outcome = late ? failureOutcome({ responseCode: 451, response: '451 4.3.0 Try again later', command: 'DATA' }) : accepted(w);
        const next = late ? nextStep(outcome, 1, RETRY, now) : { state: 'sent' as const };
        recordOutcome(w.db, { ...c, owner: w.lease.owner, attempt: 1, outcome, next }, LIMITS, now);
        if (late) deferred.push(c);
        else if (random(w) < 0.005) bounced(w, c, date, now);
      }
    })();
  }
  const later = new Date(now.getTime() + 120_000);
  for (const c of deferred) {
    const attempt = leaseDigest(w.db, c.id, w.lease, RETRY.maxAttempts, later)!;
    recordOutcome(w.db, { ...c, owner: w.lease.owner, attempt, outcome: accepted(w), next: { state: 'sent' } }, LIMITS, later);
  }
}

/** The day's other writes: its new papers (and the index catch-up), 144 ingest runs, 20 sign-up attempts, votes from 1% of subscribers. */
function otherWrites(w: World, d: number, date: string, dayStart: number): void {
  upsertPapers(w.db, w.papers.slice(d * w.perDay, (d + 1) * w.perDay), new Date(dayStart + 6 * 3_600_000));
  catchUpIndex(w.db);
  for (let h = 0; h < 24; h++) {
    for (const source of [`https://huggingface.co/api/daily_papers?date=${date}&limit=100`, ...FEEDS]) {
      const at = new Date(dayStart + h * 3_600_000);
      const run = startRun(w.db, source, at);
      const rejections = random(w) < 0.1 ? [{ where: 'entry 17', reason: 'no title' }, { where: 'entry 42', reason: 'no abstract' }] : [];
      finishRun(w.db, run, { format: 'arxiv-rss', fetched: 60, new: h === 6 ? 12 : 0, updated: 0, rejected: rejections.length,
        notModified: h !== 6, error: null, rejections }, new Date(at.getTime() + 900));
    }
  }
  for (let i = 0; i < 20; i++) recordSignupAttempt(w.db, emailHash('bench', `new${d}.${i}@bench.example.org`), 3, new Date(dayStart + i * 60_000));
  // Clicks on yesterday's digests.
  const voteAt = new Date(dayStart + 12 * 3_600_000);
  if (d > 0) for (const s of w.subscribers) if (random(w) < 0.01) recordVote(w.db, s, digestOf(w, d - 1, s)[0].paper.id, 1, voteAt);
}

/** Median wall and CPU milliseconds of `fn` over five calls. */
async function median(fn: () => unknown): Promise<{ ms: number; cpuMs: number }> {
  const runs: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(cpu);
    runs.push({ ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000 });
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[2];
  return { ms: mid(runs.map((r) => r.ms)), cpuMs: mid(runs.map((r) => r.cpuMs)) };
}

/** Bytes held by each table and its indexes (SQLite's dbstat). */
function bytesByTable(db: Db): Map<string, number> {
  const rows = db.prepare(`
    SELECT COALESCE(m.tbl_name, s.name) AS t, sum(s.pgsize) AS bytes FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name
    GROUP BY t`).all() as { t: string; bytes: number }[];
  return new Map(rows.map((r) => [r.t, r.bytes]));
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const count = (db: Db, table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const PER_SUBSCRIBER_DAY = ['digests', 'digest_items', 'delivery_attempts'];

/** One line of figures for the day just simulated. */
async function report(w: World, d: number, date: string, now: Date): Promise<void> {
  w.db.pragma('wal_checkpoint(TRUNCATE)');
  w.db.pragma('search.wal_checkpoint(TRUNCATE)');
  const file = statSync(w.db.name).size;
  const search = statSync(`${w.db.name}-search`).size;
  const bytes = bytesByTable(w.db);
  const held = count(w.db, 'digests');
  const perSubDay = PER_SUBSCRIBER_DAY.reduce((s, t) => s + (bytes.get(t) ?? 0), 0) / held;
  // The scheduler's minute tick once everyone has had today's digest: what serve does 1,440 times a day.
  const tick = await median(() => sendDueDigests(w.ctx, now));
  const deliveries = await median(() => printDeliveries(w.db, date, { all: false, now }, () => undefined));
  const rows = ['digests', 'digest_items', 'delivery_attempts', 'mail_events', 'ingest_runs', 'signup_attempts', 'paper_changes', 'votes', 'papers']
    .map((t) => `${t} ${count(w.db, t)}`).join(', ');
  const free = (w.db.pragma('freelist_count', { simple: true }) as number) * (w.db.pragma('page_size', { simple: true }) as number);
  const p = w.prunes;
  const prunes = p.days ? `; daily prune ${(p.ms / p.days).toFixed(0)} ms on average, ${p.transactions} transactions, ` +
    `the longest ${p.longestMs.toFixed(0)} ms, ${p.slow} over 100 ms; ` +
    `${mb(p.returnedPages * 4096)} given back to the file system since the last report` : '';
  const papers = count(w.db, 'papers');
  console.log(`day ${d + 1}: file ${mb(file)} (free pages ${mb(free)}; search index file ${mb(search)}); ` +
    `digests with their items and attempts ${Math.round(perSubDay)} B per subscriber-day held; ` +
    `papers ${Math.round((bytes.get('papers') ?? 0) / papers)} B each (+ ${Math.round(search / papers)} B in the search index); ` +
    `due query (a scheduler tick with nobody due) ${tick.ms.toFixed(0)} ms, ${tick.cpuMs.toFixed(0)} ms CPU; ` +
    `deliveries ${deliveries.ms.toFixed(0)} ms; rows: ${rows}${prunes}`);
  w.prunes = { days: 0, ms: 0, longestMs: 0, transactions: 0, slow: 0, returnedPages: 0 };
}

/** The day's prune, as the scheduler runs it (at 03:17 the next morning), added to the totals. */
async function prune(w: World, days: number, at: Date): Promise<void> {
  const r: PruneReport = await pruneHistory(w.db, { days, now: at });
  w.prunes.days++;
  w.prunes.ms += r.ms;
  w.prunes.longestMs = Math.max(w.prunes.longestMs, r.longestMs);
  w.prunes.transactions += r.transactions;
  w.prunes.slow += r.slow;
  w.prunes.returnedPages += r.pagesReturned;
}

/** Simulates `days` days for `subscribers` subscribers, reporting at the days in `at`. */
async function main(): Promise<void> {
  const subscribers = Number(arg('subscribers', '10000'));
  const days = Number(arg('days', '365'));
  const at = new Set(arg('at', '30,90,365').split(',').map(Number));
  const retention = arg('retention', 'on') === 'on' ? loadConfig({ RETENTION_DAYS: arg('retention-days', '') }).RETENTION_DAYS : null;
  // The shared set holds 20,437 papers of one quarter; 55 a day lasts a year.
  const perDay = Number(arg('papers-per-day', '55'));
  const { papers, source } = benchPapers(perDay * days);
  console.log(`bench:growth — ${subscribers} subscribers, ${days} days, ${perDay} new papers a day from ${source}; ` +
    (retention ? `pruned daily to RETENTION_DAYS=${retention}` : 'nothing pruned'));
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-growth-'));
  try {
    const ctx = await setUp(join(dir, 'paperboy.db'), subscribers);
    const db = ctx.db;
    const w: World = {
      ctx, db, papers, perDay, reasons: realReasons(papers), seed: 7, prunes: { days: 0, ms: 0, longestMs: 0, transactions: 0, slow: 0, returnedPages: 0 },
      subscribers: [...activeSubscribers(db)].map((s) => s.id), lease: { owner: 'bench:1:growth', ms: 300_000 },
    };
    let writeMs = 0;
    let cpuMs = 0;
    for (let d = 0; d < days; d++) {
      const dayStart = START + d * DAY_MS;
      const date = new Date(dayStart).toISOString().slice(0, 10);
      const now = new Date(dayStart + SEND_HOUR * 3_600_000);
      otherWrites(w, d, date, dayStart);
      const t = performance.now();
      const cpu = process.cpuUsage();
      sendDay(w, d, date, now);
      writeMs += performance.now() - t;
      const used = process.cpuUsage(cpu);
      cpuMs += (used.user + used.system) / 1000;
      if (retention) await prune(w, retention, new Date(dayStart + DAY_MS + 3 * 3_600_000 + 17 * 60_000));
      if (at.has(d + 1)) await report(w, d, date, new Date(dayStart + 10 * 3_600_000));
    }
    console.log(`the sender's writes: ${(writeMs / days / 1000).toFixed(2)} s a day on average, ` +
      `${(1000 * cpuMs / days / subscribers).toFixed(0)} µs CPU per subscriber-day`);
    const copy = await backupDatabase(db.name, join(dir, 'backup.db'));
    console.log(`paperboy backup of the final file: ${mb(copy.bytes)} in ${(copy.ms / 1000).toFixed(1)} s, integrity check included`);
    await closeContext(ctx);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
