// A relay that answers 5xx to every recipient (relaying denied, a policy block) is not a list of bad addresses
// (issue 21): against a real SMTP server on loopback, the run stops, nobody is suspended, the next runs go one
// digest at a time until one is accepted, and `paperboy subscribers unsuspend` lifts suspensions.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { relayRefusal } from '../../src/mail/relay.js';
import { deliver } from '../../src/mail/sender.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { ingestListingFile } from '../helpers/papers.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addSubscribers } from '../helpers/subscribers.js';

const DAY = new Date('2026-11-29T09:00:00Z');
const FAST = { SMTP_TIMEOUT_MS: '5000', DELIVERY_LEASE_MS: '20000', SMTP_RETRY_BASE_MS: '30', SMTP_MAX_ATTEMPTS: '3', SMTP_MAX_CONNECTIONS: '2', BOUNCE_HARD_LIMIT: '1' };
const run = promisify(execFile);
const TOKEN = 'operator-token-0123456789abcdef';

let smtp: TestSmtp;
let pb: TestPaperboy;
afterEach(async () => {
  await pb?.close();
  await smtp?.close();
});

const suspended = () => pb.ctx.db.prepare('SELECT count(*) FROM subscribers WHERE suspended_at IS NOT NULL').pluck().get() as number;
const states = () => Object.fromEntries((pb.ctx.db.prepare('SELECT state, count(*) AS n FROM digests GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));

describe('a relay that refuses every recipient', () => {
  it('stops the run, suspends nobody, sends one at a time while it refuses, and everything once it accepts again', async () => {
    let relayDenies = true;
    smtp = await startSmtp({ script: { rcpt: (_n, to) => (relayDenies ? { code: 550, text: `5.7.1 <${to}>: Relay access denied` } : 'accept') } });
    pb = await startPaperboy({ SMTP_URL: smtp.url, ...FAST, METRICS_TOKEN: TOKEN });
    ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt', new Date(DAY.getTime() - 3_600_000));
    addSubscribers(pb.ctx.db, 200);

    const first = await deliver(pb.ctx, DAY, { waitForRetries: true });
    expect(first.relayRefused).toMatch(/^1\d of 1\d digests refused alike: 550 5\.7\.1 <.…@example\.org>: Relay access denied$/);
    expect(first.sent).toBe(0);
    expect(first.failed).toBeGreaterThanOrEqual(10);
    expect(first.failed).toBeLessThanOrEqual(10 + 4); // the workers' digests in flight when it stopped
    expect(suspended()).toBe(0); // with BOUNCE_HARD_LIMIT 1, every one of them was suspended before
    expect(relayRefusal(pb.ctx.db)).toMatchObject({ refused: 10, reply: expect.stringContaining('5.7.1') });
    const health = await pb.app.inject({ url: '/healthz', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(health.json().warnings).toContainEqual(expect.stringMatching(/^the SMTP relay refused 1\d digests alike at .*: not their recipients' addresses, so nobody was suspended/));

    // Still refusing: the next run tries one digest and stops.
    const second = await deliver(pb.ctx, new Date(DAY.getTime() + 60_000), { waitForRetries: true });
    expect(second).toMatchObject({ sent: 0, failed: 1, relayRefused: expect.stringMatching(/^1 of 1 digests refused alike/) });
    expect(suspended()).toBe(0);

    // Fixed: the next run sends everyone not reached yet, and lifts the hold.
    relayDenies = false;
    const third = await deliver(pb.ctx, new Date(DAY.getTime() + 120_000), { waitForRetries: true });
    expect(third.relayRefused).toBeUndefined();
    expect(third.sent).toBe(200 - first.failed - 1);
    expect(relayRefusal(pb.ctx.db)).toBeNull();
    expect(states()).toEqual({ sent: 200 - first.failed - 1, failed: first.failed + 1 });
    expect(suspended()).toBe(0);
  }, 60_000);

  it('bad addresses among good ones are bounces, as before, and never stop the run', async () => {
    smtp = await startSmtp({ script: { rcpt: (_n, to) => (/^sub\d*[05]@/.test(to) ? { code: 550, text: '5.1.1 No such user' } : 'accept') } });
    pb = await startPaperboy({ SMTP_URL: smtp.url, ...FAST });
    ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt', new Date(DAY.getTime() - 3_600_000));
    addSubscribers(pb.ctx.db, 100);
    const r = await deliver(pb.ctx, DAY, { waitForRetries: true });
    expect(r).toEqual({ due: 100, sent: 80, skipped: 0, failed: 20, retrying: 0 });
    expect(suspended()).toBe(20);
    expect(relayRefusal(pb.ctx.db)).toBeNull();
  });

  it('`paperboy subscribers unsuspend` lifts one address, or every suspension made since a date', async () => {
    smtp = await startSmtp();
    pb = await startPaperboy({ SMTP_URL: smtp.url, ...FAST });
    addSubscribers(pb.ctx.db, 5);
    const suspend = pb.ctx.db.prepare("UPDATE subscribers SET suspended_at = ?, suspended_reason = '1 hard bounce', hard_bounces = 1 WHERE email = ?");
    suspend.run('2026-11-20T08:00:00.000Z', 'sub0@example.org');
    for (const n of [1, 2, 3]) suspend.run('2026-11-29T09:00:05.000Z', `sub${n}@example.org`);
    const env = { ...process.env, PAPERBOY_DB: pb.config.PAPERBOY_DB, PUBLIC_URL: 'http://paperboy.test', LOG_LEVEL: 'silent' };
    const cli = (...args: string[]) => run(process.execPath, ['bin/paperboy.js', 'subscribers', 'unsuspend', ...args], { env })
      .then((r) => ({ code: 0, out: r.stdout + r.stderr }), (e) => ({ code: e.code as number, out: `${e.stdout}${e.stderr}` }));

    const since = await cli('--all-since', '2026-11-29');
    expect(since.code, since.out).toBe(0);
    expect(since.out.trim().split('\n')).toEqual([
      'unsuspended sub1@example.org (suspended 2026-11-29 09:00: 1 hard bounce)', 'unsuspended sub2@example.org (suspended 2026-11-29 09:00: 1 hard bounce)',
      'unsuspended sub3@example.org (suspended 2026-11-29 09:00: 1 hard bounce)',
      '3 suspensions made since 2026-11-29T00:00:00.000Z lifted; their digests go out again from their next due day',
    ]);
    expect(suspended()).toBe(1);
    expect((await cli('sub0@example.org')).out.trim()).toBe('unsuspended sub0@example.org (suspended 2026-11-20 08:00: 1 hard bounce)');
    expect((await cli('sub0@example.org')).out.trim()).toBe('sub0@example.org is not suspended');
    expect(pb.ctx.db.prepare('SELECT sum(hard_bounces) FROM subscribers').pluck().get()).toBe(0);
    expect(suspended()).toBe(0);
    expect(await cli()).toMatchObject({ code: 1, out: expect.stringContaining('give an address or --all-since DATE') });
    expect(await cli('nobody@example.org')).toMatchObject({ code: 1, out: expect.stringContaining('no subscriber nobody@example.org') });
  });
});
