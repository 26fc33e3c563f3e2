import { afterEach, describe, expect, it } from 'vitest';
import { ingestListingFile } from '../helpers/papers.js';
import { deliver } from '../../src/mail/sender.js';
import { printDeliveries } from '../../src/mail/deliveries.js';
import { deliveriesOn } from '../../src/store/digests.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { startSmtp, type SmtpScript, type TestSmtp } from '../helpers/smtp.js';
import { addSubscribers } from '../helpers/subscribers.js';

// Each outcome of an SMTP hand-off, produced by a real SMTP server on loopback, lands in the right state.
const DAY = new Date('2026-11-29T09:00:00Z');
// Timeouts generous enough for a loaded CI machine; the stall test sets its own.
const FAST = { SMTP_TIMEOUT_MS: '5000', DELIVERY_LEASE_MS: '20000', SMTP_RETRY_BASE_MS: '30', SMTP_MAX_ATTEMPTS: '3', SMTP_MAX_CONNECTIONS: '2' };

let smtp: TestSmtp;
let pb: TestPaperboy;
afterEach(async () => {
  await pb?.close();
  await smtp?.close();
});

async function setUp(script: SmtpScript, subscribers = 1, env: Record<string, string> = {}) {
  smtp = await startSmtp({ script });
  pb = await startPaperboy({ SMTP_URL: smtp.url, ...FAST, ...env });
  ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt', new Date(DAY.getTime() - 3_600_000));
  return addSubscribers(pb.ctx.db, subscribers);
}

type AttemptRow = { attempt: number; outcome: string; smtp_code: number | null; smtp_response: string };
const attempts = (id = 1) => pb.ctx.db.prepare('SELECT attempt, outcome, smtp_code, smtp_response FROM delivery_attempts WHERE digest_id = ? ORDER BY attempt').all(id) as AttemptRow[];
const digest = (id = 1) => pb.ctx.db.prepare('SELECT * FROM digests WHERE id = ?').get(id) as Record<string, unknown>;
const subscriber = (id = 1) => pb.ctx.db.prepare('SELECT hard_bounces, soft_bounces, suspended_at, suspended_reason FROM subscribers WHERE id = ?').get(id) as Record<string, unknown>;
const messageIds = (raws: Buffer[]) => raws.map((b) => /^Message-ID: (.+)$/im.exec(b.toString())![1].trim());

describe('delivery outcomes against a scripted SMTP server', () => {
  it('451 then 250: retried once after backoff, then sent, both replies stored', async () => {
    await setUp({ rcpt: (n) => (n === 0 ? { code: 451, text: 'Greylisted, try again later' } : 'accept') });
    const report = await deliver(pb.ctx, DAY, { waitForRetries: true });
    expect(report).toEqual({ due: 1, sent: 1, skipped: 0, failed: 0, retrying: 0 });
    expect(digest()).toMatchObject({ state: 'sent', attempts: 2, smtp_code: 250 });
    const a = attempts();
    expect(a.map((x) => [x.outcome, x.smtp_code])).toEqual([['transient', 451], ['sent', 250]]);
    expect(a[0].smtp_response).toContain('Greylisted');
    expect(smtp.raw).toHaveLength(1);
    // Without BOUNCE_ADDRESS, bounces go back to the From address.
    expect(smtp.mailFrom).toEqual(['digest@paperboy.test']);
    expect(subscriber()).toMatchObject({ hard_bounces: 0, soft_bounces: 0, suspended_at: null });
  });

  it('550 5.1.1 at RCPT: no retry, a hard bounce, the subscriber suspended and skipped the next day', async () => {
    await setUp({ rcpt: () => ({ code: 550, text: '5.1.1 No such user here' }) });
    expect(await deliver(pb.ctx, DAY, { waitForRetries: true })).toEqual({ due: 1, sent: 0, skipped: 0, failed: 1, retrying: 0 });
    expect(digest()).toMatchObject({ state: 'failed', attempts: 1, smtp_code: 550 });
    expect(attempts().map((x) => x.outcome)).toEqual(['permanent']);
    expect(subscriber()).toMatchObject({ hard_bounces: 1, suspended_reason: '1 hard bounce' });
    const next = await deliver(pb.ctx, new Date(DAY.getTime() + 86_400_000), { waitForRetries: true });
    expect(next).toEqual({ due: 1, sent: 0, skipped: 1, failed: 0, retrying: 0 });
    expect(deliveriesOn(pb.ctx.db, '2026-11-30')).toMatchObject([{ state: 'skipped', skipReason: 'suspended' }]);
  });

  it('connection closed after DATA: retried with the same Message-ID, sent on the second attempt', async () => {
    await setUp({ data: (n) => (n === 0 ? 'drop' : 'accept') });
    expect(await deliver(pb.ctx, DAY, { waitForRetries: true })).toMatchObject({ due: 1, sent: 1, failed: 0 });
    expect(digest()).toMatchObject({ state: 'sent', attempts: 2 });
    expect(attempts()[0]).toMatchObject({ outcome: 'transient', smtp_code: null });
    expect(attempts()[0].smtp_response).toMatch(/ECONNECTION|ESOCKET|closed/i);
    const ids = messageIds(smtp.received);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(subscriber()).toMatchObject({ soft_bounces: 0, hard_bounces: 0 }); // our network, not their address
  });

  it('a server that stalls: timed out, retried, sent', async () => {
    await setUp({ data: (n) => (n === 0 ? 'stall' : 'accept') }, 1, { SMTP_TIMEOUT_MS: '1500' });
    const t0 = Date.now();
    expect(await deliver(pb.ctx, DAY, { waitForRetries: true })).toMatchObject({ due: 1, sent: 1, failed: 0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(digest()).toMatchObject({ state: 'sent', attempts: 2 });
    expect(attempts()[0]).toMatchObject({ outcome: 'transient' });
    expect(attempts()[0].smtp_response).toMatch(/ETIMEDOUT|timeout/i);
  });

  it('452 4.2.2 (mailbox full) every time: failed after SMTP_MAX_ATTEMPTS; three such days in a row suspend the address', async () => {
    await setUp({ rcpt: () => ({ code: 452, text: '4.2.2 Mailbox full' }) });
    for (let day = 0; day < 3; day++) {
      const r = await deliver(pb.ctx, new Date(DAY.getTime() + day * 86_400_000), { waitForRetries: true });
      expect(r).toEqual({ due: 1, sent: 0, skipped: 0, failed: 1, retrying: 0 });
    }
    expect(digest()).toMatchObject({ state: 'failed', attempts: 3, smtp_code: 452 });
    expect(attempts().map((x) => x.smtp_code)).toEqual([452, 452, 452]);
    expect(subscriber()).toMatchObject({ soft_bounces: 3, suspended_reason: '3 soft-bounced digests in a row' });
    const r = await deliver(pb.ctx, new Date(DAY.getTime() + 3 * 86_400_000), { waitForRetries: true });
    expect(r).toMatchObject({ due: 1, skipped: 1 });
  });

  it('without waiting, a deferred digest stays in retry and the next run sends it', async () => {
    await setUp({ rcpt: (n) => (n === 0 ? { code: 421, text: 'Try later' } : 'accept') }, 1, { SMTP_RETRY_BASE_MS: '200' });
    expect(await deliver(pb.ctx, DAY)).toEqual({ due: 1, sent: 0, skipped: 0, failed: 0, retrying: 1 });
    expect(digest()).toMatchObject({ state: 'retry', attempts: 1 });
    expect(await deliver(pb.ctx, DAY)).toMatchObject({ due: 0, sent: 0 }); // not due yet
    // A minute on, not a second: a run's clock is its start plus the real time it took, over a second on a busy machine.
    expect(await deliver(pb.ctx, new Date(DAY.getTime() + 60_000))).toMatchObject({ due: 1, sent: 1 });
  });

  it("yesterday's unfinished digest is given up, never sent late; today's is sent", async () => {
    await setUp({ rcpt: (n) => (n === 0 ? { code: 451, text: 'later' } : 'accept') }, 1, { SMTP_RETRY_BASE_MS: '3600000' });
    await deliver(pb.ctx, DAY);
    expect(digest()).toMatchObject({ state: 'retry' });
    const tomorrow = new Date(DAY.getTime() + 86_400_000);
    expect(await deliver(pb.ctx, tomorrow)).toMatchObject({ due: 1, sent: 1 });
    expect(digest(1)).toMatchObject({ state: 'failed', smtp_response: expect.stringMatching(/expired/) });
    expect(digest(2)).toMatchObject({ state: 'sent', digest_date: '2026-11-30' });
    expect(smtp.raw).toHaveLength(1);
  });

  it('catches up after downtime: a digest due at 08:00 goes out when the service is back at 22:00', async () => {
    await setUp({});
    pb.ctx.db.prepare('UPDATE subscribers SET hour = 8').run();
    expect(await deliver(pb.ctx, new Date('2026-11-29T07:59:00Z'))).toMatchObject({ due: 0 });
    expect(await deliver(pb.ctx, new Date('2026-11-29T22:00:00Z'))).toMatchObject({ due: 1, sent: 1 });
    expect(digest()).toMatchObject({ digest_date: '2026-11-29', state: 'sent' });
  });
});

describe('paperboy deliveries', () => {
  it("lists a day's outcome with totals sent + failed + uncertain + skipped = due", async () => {
    await setUp({ rcpt: (_n, to) => (to.startsWith('sub0@') ? { code: 550, text: 'No such user' } : 'accept') }, 4);
    pb.ctx.db.prepare("UPDATE subscribers SET suspended_at = '2026-11-01' WHERE email = 'sub3@example.org'").run();
    await deliver(pb.ctx, DAY, { waitForRetries: true });
    const lines: string[] = [];
    const totals = printDeliveries(pb.ctx.db, '2026-11-29', { all: false, now: DAY }, (l) => lines.push(l));
    expect(totals).toEqual({ due: 4, sent: 2, failed: 1, uncertain: 0, skipped: 1, inProgress: 0, unclaimed: 0 });
    expect(lines[1]).toBe('due 4 = sent 2 + failed 1 + uncertain 0 + skipped 1');
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^ {2}#\d+ sub0@example.org failed attempts=1 code=550 550 No such user/),
      expect.stringMatching(/^ {2}#\d+ sub3@example.org skipped attempts=0 suspended$/),
    ]);
  });
});

describe('crashes, stops and two workers', () => {
  it("a digest left 'sending' by a dead worker becomes uncertain and is resent with the same Message-ID", async () => {
    await setUp({});
    const [sub] = [1];
    const dead = `${(await import('node:os')).hostname()}:999999:dead`;
    pb.ctx.db.prepare(`INSERT INTO digests (subscriber_id, digest_date, state, message_id, subject, attempts, lease_owner, lease_expires_at, created_at)
      VALUES (?, '2026-11-29', 'sending', '<digest.1.kept@paperboy.test>', 's', 1, ?, '2999-01-01T00:00:00Z', '2026-11-29T08:00:00Z')`).run(sub, dead);
    pb.ctx.db.prepare(`INSERT INTO digest_items (digest_id, subscriber_id, paper_id, position, score, why) SELECT 1, 1, id, 1, 1, '["kept"]' FROM papers LIMIT 1`).run();
    pb.ctx.db.prepare(`INSERT INTO delivery_attempts (digest_id, attempt, owner, started_at) VALUES (1, 1, ?, '2026-11-29T08:00:00Z')`).run(dead);
    expect(await deliver(pb.ctx, DAY)).toMatchObject({ due: 1, sent: 1 });
    expect(messageIds(smtp.raw)).toEqual(['<digest.1.kept@paperboy.test>']);
    expect(attempts().map((a) => a.outcome)).toEqual(['interrupted', 'sent']);
    expect(digest()).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('two workers on one database never send the same digest', async () => {
    await setUp({}, 60);
    const other = await startPaperboy({ SMTP_URL: smtp.url, ...FAST, PAPERBOY_DB: pb.config.PAPERBOY_DB });
    try {
      const [a, b] = await Promise.all([deliver(pb.ctx, DAY), deliver(other.ctx, DAY)]);
      expect(a.sent + b.sent).toBe(60);
      const ids = messageIds(smtp.raw);
      expect(new Set(ids).size).toBe(60);
      expect(ids).toHaveLength(60);
    } finally {
      await other.close();
    }
  });

  it('a stop takes no new work, finishes what is in flight and leaves nothing in sending', async () => {
    await setUp({}, 300);
    const stop = new AbortController();
    let seen = 0;
    smtp.raw.push = new Proxy(smtp.raw.push, {
      apply(target, self, args) { if (++seen === 5) stop.abort(); return Reflect.apply(target, self, args); },
    });
    const r = await deliver(pb.ctx, DAY, { signal: stop.signal });
    expect(r.sent).toBeGreaterThanOrEqual(5);
    expect(r.sent).toBeLessThan(300);
    const states = pb.ctx.db.prepare('SELECT state, count(*) AS n FROM digests GROUP BY state').all();
    expect(states).toEqual([{ state: 'sent', n: r.sent }]);
    expect(smtp.raw).toHaveLength(r.sent);
  });
});

describe('claimed but no longer wanted', () => {
  it('a deferred digest whose subscriber unsubscribes before the retry is skipped, not sent', async () => {
    await setUp({ rcpt: (n) => (n === 0 ? { code: 451, text: 'later' } : 'accept') }, 1, { SMTP_RETRY_BASE_MS: '50' });
    await deliver(pb.ctx, DAY);
    expect(digest()).toMatchObject({ state: 'retry' });
    pb.ctx.db.prepare("UPDATE subscribers SET status = 'unsubscribed'").run();
    // A minute on: the retry is due even when the first run took over a second of a busy machine's time.
    expect(await deliver(pb.ctx, new Date(DAY.getTime() + 60_000))).toEqual({ due: 1, sent: 0, skipped: 1, failed: 0, retrying: 0 });
    expect(digest()).toMatchObject({ state: 'skipped', skip_reason: 'unsubscribed' });
    expect(smtp.raw).toHaveLength(0);
  });
});
