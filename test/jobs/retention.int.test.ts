// The daily prune on a real SQLite file: what goes, what every reader of history still finds, how it shares the
// database with a send run, and that the space comes back.
import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, MIN_RETENTION_DAYS } from '../../src/config.js';
import type { Db } from '../../src/db/open.js';
import { pruneHistory } from '../../src/jobs/retention.js';
import { recordOutcome } from '../../src/mail/record-outcome.js';
import { makeRanker, WINDOW_DAYS } from '../../src/digest/choose.js';
import type { Paper } from '../../src/model.js';
import { emailHash, recordSignupAttempt } from '../../src/store/address-guard.js';
import { sentDigest } from '../../src/store/digest-view.js';
import { claimDigest, skipDigest } from '../../src/store/digests.js';
import { finishRun, startRun } from '../../src/store/ingest-runs.js';
import { insertEvent } from '../../src/store/mail-events.js';
import { upsertPapers } from '../../src/store/papers.js';
import { catchUpIndex } from '../../src/store/search.js';
import { getSubscriber, signUp } from '../../src/store/subscribers.js';
import { recordVote } from '../../src/store/votes.js';
import { ranked, samplePapers } from '../helpers/digest.js';
import { addSubscribers } from '../helpers/subscribers.js';
import { tempDb } from '../helpers/ingest-db.js';

const NOW = new Date('2026-11-29T09:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const LEASE = { owner: 'test:1:retention', ms: 300_000 };
const count = (db: Db, sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args) as number;

/** Claims and sends subscriber `sub`'s digest of the day `days` ago (UTC) with `papers`, as the sender does; returns its id. */
function sendOn(db: Db, sub: number, days: number, papers: Paper[]): number {
  const at = ago(days);
  const id = claimDigest(db, { subscriberId: sub, date: at.toISOString().slice(0, 10), messageId: `<d${sub}.${days}@t>`, subject: 's', items: ranked(papers) }, at, LEASE)!;
  recordOutcome(db, { id, subscriberId: sub, owner: LEASE.owner, attempt: 1, outcome: { kind: 'sent', code: 250, text: '250 ok', bounce: false }, next: { state: 'sent' } }, { hard: 1, soft: 3 }, at);
  return id;
}

/** A new address's sign-up row, as the sign-up form writes it; returns its id. */
function signUpRow(db: Db, email: string): number {
  return signUp(db, { email, keywords: [], categories: [], authors: [], about: '', papers: [], timezone: 'UTC', hour: 8, frequency: 'daily', weekday: 1 }, NOW).subscriber.id;
}

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

describe('the daily prune', () => {
  it('cannot be set shorter than the week a paper stays a candidate (never-twice reads that far back)', () => {
    expect(MIN_RETENTION_DAYS).toBeGreaterThan(WINDOW_DAYS);
    expect(() => loadConfig({ RETENTION_DAYS: String(MIN_RETENTION_DAYS - 1) })).toThrow(/^Invalid RETENTION_DAYS: must be at least 14 days: "never the same paper twice"/);
  });

  it('deletes digests (with their papers and attempts), ingest runs, sign-up attempts and indexed change-log rows past their windows', async () => {
    const papers = samplePapers();
    upsertPapers(t.db, papers, ago(40));
    const [sub] = addSubscribers(t.db, 1);
    const ids = [40, 16, 15, 14, 13, 1].map((days, i) => sendOn(t.db, sub, days, papers.slice(i * 3, i * 3 + 3)));
    for (const days of [15, 13]) finishRun(t.db, startRun(t.db, `feed-${days}`, ago(days)), { format: 'jsonl', fetched: 1, new: 0, updated: 0, rejected: 0, notModified: false, error: null, rejections: [] }, ago(days));
    for (const hours of [25, 23]) recordSignupAttempt(t.db, emailHash('s', `x${hours}@example.org`), 3, new Date(NOW.getTime() - hours * 3_600_000));
    catchUpIndex(t.db);
    upsertPapers(t.db, [{ ...papers[19], id: '2611.99999', title: 'Not indexed yet' }], ago(0));

    const r = await pruneHistory(t.db, { days: 14, now: NOW });

    // Kept: every digest of the 14 days before today's (UTC) day, and one more for subscribers west of UTC.
    expect(r).toMatchObject({ digests: 2, ingestRuns: 1, signupAttempts: 1, changes: 20, kept: { digestsFrom: '2026-11-14' } });
    expect(t.db.prepare('SELECT id FROM digests ORDER BY id').pluck().all()).toEqual(ids.slice(2));
    expect(count(t.db, 'SELECT count(*) FROM digest_items WHERE digest_id IN (?, ?)', ids[0], ids[1])).toBe(0);
    expect(count(t.db, 'SELECT count(*) FROM delivery_attempts WHERE digest_id IN (?, ?)', ids[0], ids[1])).toBe(0);
    expect(count(t.db, 'SELECT count(*) FROM digest_items')).toBe(12);
    expect(t.db.prepare('SELECT source FROM ingest_runs').pluck().all()).toEqual(['feed-13']);
    expect(count(t.db, 'SELECT count(*) FROM signup_attempts')).toBe(1);
    // The row the index has not read yet stays.
    expect(count(t.db, 'SELECT count(*) FROM paper_changes')).toBe(1);
    expect(await pruneHistory(t.db, { days: 14, now: NOW })).toMatchObject({ digests: 0, ingestRuns: 0, signupAttempts: 0, changes: 0 });
  });

  it('at the shortest retention still keeps what never-twice, votes and view-in-browser read', async () => {
    const papers = samplePapers();
    upsertPapers(t.db, papers, ago(6));
    const [a, b] = addSubscribers(t.db, 2, { keywords: ['reinforcement learning', 'benchmark', 'language models', 'reasoning'] });
    t.db.prepare("UPDATE subscribers SET weak_day = 'note'").run();
    const rank = (id: number) => makeRanker(t.db, NOW, { memo: false })(getSubscriber(t.db, id)!).map((r) => r.paper.id);
    const top = rank(a).slice(0, 3);
    expect(top).toHaveLength(3);
    const onTop = papers.filter((p) => top.includes(p.id));
    const rest = papers.filter((p) => !top.includes(p.id));
    const thirteen = sendOn(t.db, a, 13, rest.slice(0, 2));
    const sixteen = sendOn(t.db, a, 16, rest.slice(2, 4));
    sendOn(t.db, a, 6, onTop);

    await pruneHistory(t.db, { days: 14, now: NOW });

    // Never twice: the papers of 6 days ago are still candidates (b gets them) but not for a.
    expect(rank(b).slice(0, 3)).toEqual(top);
    expect(rank(a).filter((id) => top.includes(id))).toEqual([]);
    // The vote links and the browser view of a digest 13 days old.
    expect(recordVote(t.db, a, rest[0].id, 1)).toBe('recorded');
    expect(sentDigest(t.db, thirteen, a)?.ranked.map((r) => r.paper.id)).toEqual(rest.slice(0, 2).map((p) => p.id));
    // Older than that: gone, and said so.
    expect(sentDigest(t.db, sixteen, a)).toBeNull();
    expect(recordVote(t.db, a, rest[2].id, 1)).toBe('not-sent');
  });

  it('erases sign-ups never confirmed once RETENTION_DAYS have passed since their last request, never reusing their ids', async () => {
    const add = (email: string, status: string, days: number, requestDays?: number) => {
      const id = Number(t.db.prepare('INSERT INTO subscribers (email, status, created_at) VALUES (?, ?, ?)').run(email, status, ago(days).toISOString()).lastInsertRowid);
      if (requestDays !== undefined) t.db.prepare("INSERT INTO signup_requests (subscriber_id, kind, created_at, mail) VALUES (?, 'confirm', ?, 'sent')").run(id, ago(requestDays).toISOString());
      return id;
    };
    add('never@example.org', 'pending', 40, 40);
    add('asked-again@example.org', 'pending', 40, 5);
    add('recent@example.org', 'pending', 5, 5);
    add('active@example.org', 'active', 40);
    const last = add('never-either@example.org', 'pending', 20);

    expect(await pruneHistory(t.db, { days: 14, now: NOW })).toMatchObject({ unconfirmed: 2 });

    expect(t.db.prepare('SELECT email FROM subscribers ORDER BY id').pluck().all()).toEqual(['asked-again@example.org', 'recent@example.org', 'active@example.org']);
    expect(count(t.db, 'SELECT count(*) FROM signup_requests')).toBe(2);
    expect(t.db.prepare("SELECT value FROM settings WHERE key = 'deleted_subscriber_max_id'").pluck().get()).toBe(String(last));
    // The next sign-up gets an id above every erased one, so links mailed to an erased address stay dead.
    expect(signUpRow(t.db, 'new@example.org')).toBeGreaterThan(last);
  });

  it('keeps bounce and complaint reports 30 days even when RETENTION_DAYS is shorter, and past a pruned digest', async () => {
    const [sub] = addSubscribers(t.db, 1);
    const paper = samplePapers()[0];
    upsertPapers(t.db, [paper], ago(30));
    const digest = sendOn(t.db, sub, 20, [paper]);
    const report = (key: string, days: number, digestId: number | null) => insertEvent(t.db, {
      source: 'mailbox', key, kind: 'hard', subscriberId: sub, digestId, day: ago(days).toISOString().slice(0, 10), status: '5.1.1', detail: 'no such user', occurredAt: null,
    }, ago(days));
    report('old', 31, null);
    report('recent', 19, digest);

    expect(await pruneHistory(t.db, { days: 14, now: NOW })).toMatchObject({ digests: 1, mailEvents: 1 });

    // The report of the pruned digest stays, no longer pointing at it.
    expect(t.db.prepare('SELECT event_key AS key, digest_id AS digestId FROM mail_events').all()).toEqual([{ key: 'recent', digestId: null }]);
  });

  it('works in short transactions: writes of a send run in the same process go through between them', async () => {
    const [sub] = addSubscribers(t.db, 1);
    for (let d = 20; d < 120; d++) sendOn(t.db, sub, d, []);
    const late = addSubscribers(t.db, 50, { prefix: 'late' });
    let done = false;
    let between = 0;
    // A "send run": one claim per turn of the event loop, as long as the prune runs.
    const claim = () => {
      if (done || between === late.length) return;
      expect(skipDigest(t.db, late[between], '2026-11-29', 'empty', NOW)).toBe(true);
      between++;
      setImmediate(claim);
    };
    setImmediate(claim);
    const r = await pruneHistory(t.db, { days: 14, now: NOW, batch: 10 });
    done = true;
    expect(r.digests).toBe(100);
    expect(r.transactions).toBeGreaterThanOrEqual(11);
    expect(between).toBeGreaterThanOrEqual(10);
  });

  it('gives the space of what it deleted back to the file system', async () => {
    const papers = samplePapers();
    upsertPapers(t.db, papers, ago(60));
    const subs = addSubscribers(t.db, 300);
    // Two papers a day, never the same one twice to a subscriber.
    t.db.transaction(() => { for (let d = 20; d < 30; d++) for (const s of subs) sendOn(t.db, s, d, papers.slice(2 * (d - 20), 2 * (d - 19))); })();
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(t.db.name).size;

    const r = await pruneHistory(t.db, { days: 14, now: NOW });
    t.db.pragma('wal_checkpoint(TRUNCATE)');

    expect(r.digests).toBe(3000);
    expect(r.pagesReturned).toBeGreaterThan(0);
    expect(r.pagesKept).toBe(0);
    expect(statSync(t.db.name).size).toBeLessThan(before / 4);
    expect(t.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('the prune\'s log line', () => {
  it('says nothing at start-up when there was nothing to delete, and only what was deleted otherwise', async () => {
    const { Writable } = await import('node:stream');
    const pino = (await import('pino')).default;
    const { startScheduler } = await import('../../src/jobs/scheduler.js');
    const { startPaperboy } = await import('../helpers/app.js');
    const lines: { level: number; msg: string }[] = [];
    const pb = await startPaperboy({ PAPERBOY_SOURCES: 'none' });
    const ctx = { ...pb.ctx, log: pino({ level: 'info' }, new Writable({ write(c, _e, done) { lines.push(JSON.parse(String(c))); done(); } })) };
    const scheduler = startScheduler(ctx, async () => {});
    try {
      await scheduler.pruneNow();
      expect(lines).toEqual([]);
      // Old history is there to delete: one line, naming only what went.
      const papers = samplePapers().slice(0, 3);
      upsertPapers(ctx.db, papers, ago(40));
      const [sub] = addSubscribers(ctx.db, 1);
      sendOn(ctx.db, sub, 40, papers);
      await scheduler.pruneNow();
      expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/^pruned 1 digests of days before \d{4}-\d\d-\d\d \(with their papers and delivery attempts\)(; gave [\d.]+ MB back to the file system)?; \d+ transactions, the longest \d+ ms$/)]);
    } finally {
      await scheduler.stop();
      await pb.close();
    }
  });
});
