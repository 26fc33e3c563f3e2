// The scheduler's minute tick at growing sizes (issue 25): a store of N subscribers in eight zones at every hour,
// everyone whose hour has come already served today and yesterday's digests held, then the real tick
// (`sendDueDigests`, nobody due) timed, wall and CPU, beside the pass over every row it replaced, in the same run.
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '#paperboy/config.js';
import { closeContext, createContext, type Context } from '#paperboy/context.js';
import { migrate } from '#paperboy/db/migrate.js';
import { openDb } from '#paperboy/db/open.js';
import { localDayHour, scheduledDay } from '#paperboy/digest/due.js';
import { sendDueDigests } from '#paperboy/mail/sender.js';
import { hasDigest } from '#paperboy/store/digests.js';
import { activeSubscribers } from '#paperboy/store/subscribers.js';
import { INTERESTS } from './fixture.js';

/** The zones of the bench's subscribers: a lab's or a company's list spans a few. */
export const ZONES = ['UTC', 'Europe/London', 'Europe/Paris', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Shanghai', 'Asia/Tokyo'];

/** A deterministic pseudo-random source in [0, 1). */
export function seeded(seed: number): () => number {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

/**
 * Inserts `n` subscribers with realistic profiles: one to three interests, an hour anywhere in the day, one of
 * ZONES; 15% weekly, 2% paused for a month, 3% still pending. Returns nothing: the rows are the result.
 */
export function insertSubscribers(file: string, n: number, now: Date): void {
  const db = openDb(file);
  migrate(db);
  const rnd = seeded(42);
  const ins = db.prepare(`INSERT INTO subscribers (email, status, keywords, timezone, hour, frequency, weekday, paused_until, created_at, confirmed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const at = now.toISOString();
  const pause = new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  for (let start = 0; start < n; start += 50_000) {
    db.transaction(() => {
      for (let i = start; i < Math.min(n, start + 50_000); i++) {
        const kw = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => INTERESTS[Math.floor(rnd() * INTERESTS.length)]))];
        const r = rnd();
        ins.run(`reader${i}@bench.example.org`, r < 0.03 ? 'pending' : 'active', JSON.stringify(kw), ZONES[Math.floor(rnd() * ZONES.length)],
          Math.floor(rnd() * 24), r > 0.85 ? 'weekly' : 'daily', Math.floor(rnd() * 7), r > 0.03 && r < 0.05 ? pause : null, at, at);
      }
    })();
  }
  db.close();
}

/** Writes the day rows a served list has at `now`: yesterday's for everyone daily, last week's day for everyone weekly,
 *  today's for whoever is due by now. */
export function serveUntil(file: string, now: Date): number {
  const db = openDb(file);
  const ins = db.prepare(`INSERT INTO digests (subscriber_id, digest_date, state, created_at, updated_at, sent_at)
    VALUES (?, ?, 'sent', ?, ?, ?) ON CONFLICT DO NOTHING`);
  const at = now.toISOString();
  let rows = 0;
  const subs = [...activeSubscribers(db, 5000)].map((s) => ({ id: s.id, due: scheduledDay(now, s), frequency: s.frequency, tz: s.timezone, weekday: s.weekday }));
  for (let start = 0; start < subs.length; start += 50_000) {
    db.transaction(() => {
      for (const s of subs.slice(start, start + 50_000)) {
        const today = localDayHour(now, s.tz).date;
        const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        if (s.frequency === 'daily') rows += ins.run(s.id, yesterday, at, at, at).changes;
        else rows += ins.run(s.id, lastWeekday(today, s.weekday), at, at, at).changes;
        if (s.due) rows += ins.run(s.id, s.due, at, at, at).changes;
      }
    })();
  }
  db.close();
  return rows;
}

/** The latest day before `today` that falls on `weekday` (0 = Sunday). */
function lastWeekday(today: string, weekday: number): string {
  const t = Date.parse(`${today}T12:00:00Z`);
  const back = ((new Date(t).getUTCDay() - weekday + 6) % 7) + 1;
  return new Date(t - back * 86_400_000).toISOString().slice(0, 10);
}

/** Wall and CPU milliseconds of `fn`. */
async function timed(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - t, cpu: (used.user + used.system) / 1000 };
}

/** The median of each of wall and CPU over `runs` calls, after one warm-up call. */
export async function medianOf(runs: number, fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  await fn();
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await timed(fn));
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: mid(all.map((x) => x.wall)), cpu: mid(all.map((x) => x.cpu)) };
}

/** A context over a bench database that would write mail to an outbox nobody reads (the tick sends nothing). */
export function benchContext(file: string, env: Record<string, string> = {}): Promise<Context> {
  const config = loadConfig({ PAPERBOY_DB: file, PUBLIC_URL: 'https://paperboy.example.org', LOG_LEVEL: 'silent', PAPERBOY_SOURCES: 'none', ...env });
  return createContext(config, { log: pino({ level: 'silent' }) });
}

/** The tick with nobody due, and the pass over every row it replaced: medians of `runs`, wall and CPU. */
export async function timeTick(file: string, now: Date, runs: number): Promise<{ tick: { wall: number; cpu: number }; scan: { wall: number; cpu: number }; due: number }> {
  const ctx = await benchContext(file);
  try {
    let due = -1;
    const tick = await medianOf(runs, async () => { due = (await sendDueDigests(ctx, now)).due; });
    // What the tick did before migration 017: read every active row, parse it, check its schedule and its day row.
    const scan = await medianOf(runs, () => {
      let n = 0;
      for (const s of activeSubscribers(ctx.db)) { const d = scheduledDay(now, s); if (d && !hasDigest(ctx.db, s.id, d)) n++; }
      return n;
    });
    return { tick, scan, due };
  } finally {
    await closeContext(ctx);
  }
}
