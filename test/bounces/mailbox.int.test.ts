import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBounceMailbox } from '../../src/bounces/mailbox.js';
import { printDeliveries } from '../../src/mail/deliveries.js';
import { deliver } from '../../src/mail/sender.js';
import { emailHash } from '../../src/store/address-guard.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { startDovecot, type TestImap } from '../helpers/dovecot.js';
import { ingestListingFile } from '../helpers/papers.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addSubscribers } from '../helpers/subscribers.js';

// Digests go out through a real SMTP server with a VERP envelope sender; real-shaped bounces, an abuse report and
// other mail addressed to those senders sit in a real Dovecot; one pass of the mailbox job reads them over IMAP.
const DAY = new Date('2026-11-29T09:00:00Z');
const BOUNCES = 'bounces@lab.example.org';
const TOKEN = 'operator-token-0123456789abcdef';

let imap: TestImap;
let smtp: TestSmtp;
let pb: TestPaperboy;
beforeAll(async () => { imap = await startDovecot(); });
afterAll(async () => { await imap?.close(); });
afterEach(async () => {
  await pb?.close();
  await smtp?.close();
});

/** One digest as it went out: its subscriber, recipient, envelope sender and Message-ID. */
interface Sent { subscriberId: number; rcpt: string; verp: string; messageId: string }

/** Sends today's digests to `n` subscribers with BOUNCE_ADDRESS set; returns each mail's envelope, by subscriber id. */
async function sendDigests(n: number, env: Record<string, string> = {}): Promise<Sent[]> {
  smtp = await startSmtp();
  pb = await startPaperboy({ SMTP_URL: smtp.url, BOUNCE_ADDRESS: BOUNCES, BOUNCE_IMAP_URL: imap.url(), METRICS_TOKEN: TOKEN, ...env });
  ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt', new Date(DAY.getTime() - 3_600_000));
  const ids = addSubscribers(pb.ctx.db, n);
  expect(await deliver(pb.ctx, DAY)).toMatchObject({ sent: n });
  return smtp.raw.map((raw, i) => {
    const text = raw.toString();
    const rcpt = /^To: (.+)$/m.exec(text)![1].trim();
    return { subscriberId: ids[Number(/^sub(\d+)@/.exec(rcpt)![1])], rcpt, verp: smtp.mailFrom[i], messageId: /^Message-ID: (.+)$/m.exec(text)![1].trim() };
  }).sort((a, b) => a.subscriberId - b.subscriberId);
}

/** A fixture filled in for one digest. */
const mail = (name: string, s: Sent) => readFileSync(`test/fixtures/bounces/${name}.eml`, 'utf8')
  .replaceAll('{{VERP}}', s.verp).replaceAll('{{RCPT}}', s.rcpt).replaceAll('{{MSGID}}', s.messageId);

const row = (id: number) => pb.ctx.db.prepare('SELECT status, hard_bounces, soft_bounces, suspended_reason FROM subscribers WHERE id = ?').get(id);
const events = () => pb.ctx.db.prepare('SELECT source, kind, subscriber_id, digest_id, day, status FROM mail_events ORDER BY id').all();

/** Empties both folders between tests (the server lives for the whole file). */
async function emptyMailbox(): Promise<void> {
  const { ImapFlow } = await import('imapflow');
  const c = new ImapFlow({ host: '127.0.0.1', port: imap.port, secure: false, auth: { user: imap.user, pass: imap.password }, logger: false });
  await c.connect();
  for (const folder of ['INBOX', 'Paperboy-handled']) {
    if (!(await c.list()).some((b) => b.path === folder)) continue;
    const lock = await c.getMailboxLock(folder);
    try {
      if (c.mailbox && c.mailbox.exists) await c.messageDelete('1:*');
    } finally {
      lock.release();
    }
  }
  await c.logout();
}
beforeEach(emptyMailbox);

describe('the bounce mailbox, read over IMAP from a real Dovecot', () => {
  it('each digest goes out from its own bounce address, which shows no subscriber id', async () => {
    const sent = await sendDigests(3);
    expect(sent.map((s) => s.verp)).toEqual(sent.map(() => expect.stringMatching(/^bounces\+[0-9a-f]{32}@lab\.example\.org$/)));
    expect(new Set(sent.map((s) => s.verp)).size).toBe(3);
    // A sign-up's confirmation mail names no digest: its bounce comes back to the plain address.
    await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'new@example.org' } });
    await smtp.waitFor(4);
    expect(smtp.mailFrom[3]).toBe(BOUNCES);
  });

  it('acts on Postfix and Exim bounces and an abuse report, moves them, and leaves the rest in the mailbox, counted', async () => {
    const [hard, soft, complainer, exim] = await sendDigests(4);
    const forged = { ...hard, verp: 'bounces+00112233445566778899aabbccddeeff@lab.example.org' };
    await imap.append('INBOX',
      mail('postfix-hard', hard), mail('postfix-delayed', soft), mail('postfix-soft', soft), mail('arf-complaint', complainer),
      mail('exim-hard', exim), mail('out-of-office', hard), mail('junk', hard), mail('malformed-dsn', exim),
      mail('postfix-hard', forged).replace('4NYQ2j6xKSz9sVZ@', 'forged@'));

    const lines: { level: number; msg: string; why: string }[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => { lines.push(JSON.parse(l)); } });
    const pass = await readBounceMailbox({ ...pb.ctx, log });
    expect(pass).toEqual({ read: 9, handled: 5, recorded: 4, repeats: 0, unknown: 3, malformed: 1 });
    // Each mail left behind is logged with why; the broken report as a warning.
    expect(lines.filter((l) => l.level === 40).map((l) => l.why)).toEqual(['a recipient without a valid Action and Status (no action, no status)']);
    expect(lines.filter((l) => l.level === 30).map((l) => l.why)).toEqual([
      'not a delivery status notification or an abuse report', 'not a delivery status notification or an abuse report',
      'a bounce report about no digest of ours',
    ]);

    expect(row(hard.subscriberId)).toEqual({ status: 'active', hard_bounces: 1, soft_bounces: 0, suspended_reason: '1 hard bounce' });
    expect(row(soft.subscriberId)).toEqual({ status: 'active', hard_bounces: 0, soft_bounces: 1, suspended_reason: null });
    expect(row(complainer.subscriberId)).toMatchObject({ status: 'unsubscribed', hard_bounces: 0, suspended_reason: null });
    expect(row(exim.subscriberId)).toMatchObject({ hard_bounces: 1, suspended_reason: '1 hard bounce' });
    const suppressed = pb.ctx.db.prepare('SELECT email_hash FROM suppressions').pluck().all();
    expect(suppressed).toEqual([emailHash(pb.ctx.secret, complainer.rcpt)]);

    const digestOf = (s: Sent) => pb.ctx.db.prepare('SELECT id FROM digests WHERE subscriber_id = ?').pluck().get(s.subscriberId);
    expect(events()).toEqual([
      { source: 'mailbox', kind: 'hard', subscriber_id: hard.subscriberId, digest_id: digestOf(hard), day: '2026-11-29', status: '5.1.1' },
      { source: 'mailbox', kind: 'soft', subscriber_id: soft.subscriberId, digest_id: digestOf(soft), day: '2026-11-29', status: '4.4.1' },
      { source: 'mailbox', kind: 'complaint', subscriber_id: complainer.subscriberId, digest_id: digestOf(complainer), day: '2026-11-29', status: null },
      { source: 'mailbox', kind: 'hard', subscriber_id: exim.subscriberId, digest_id: digestOf(exim), day: '2026-11-29', status: '5.0.0' },
    ]);

    // Handled reports were moved; the out-of-office reply, spam, the forged token and the broken report stay.
    expect((await imap.messageIds('Paperboy-handled')).sort()).toEqual([
      '<20261130090113.4NYQ2j6xKSz9sVZ@mail.lab.example.org>', '<20261130130120.4NYVfq2cT6z9sWG@mail.lab.example.org>',
      '<20261205090344.4NZ8Jm1Qk1z9sW4@mail.lab.example.org>', '<E1vQ3kq-000ZrT-2b@mx2.uni.example.de>',
      '<arf.20261201071255.7f3a9c@feedback.mail.example.net>',
    ]);
    expect((await imap.messageIds('INBOX')).sort()).toEqual([
      '<20261130090113.forged@mail.lab.example.org>', '<8a7d6e5f.junk@deals.example.com>', '<broken-dsn.1@broken.example.com>',
      '<ooo.20261130090140.51ab@mail.example.com>',
    ]);
    expect(pb.ctx.db.prepare('SELECT handled, unknown, malformed, error FROM bounce_mailboxes').get())
      .toEqual({ handled: 5, unknown: 3, malformed: 1, error: null });

    // `paperboy deliveries` shows them under the day of their digests; /metrics counts them.
    const out: string[] = [];
    printDeliveries(pb.ctx.db, '2026-11-29', { all: false, now: DAY }, (l) => out.push(l));
    expect(out.slice(2)).toEqual([
      'came back later: hard bounces 2, soft bounces 1, complaints 1',
      `  #${digestOf(hard)} ${hard.rcpt} hard bounce 5.1.1 via mailbox: smtp; 550 5.1.1 <s…@example.org>: Recipient address rejected: User unknown in virtual mailbox table`,
      `  #${digestOf(soft)} ${soft.rcpt} soft bounce 4.4.1 via mailbox: X-Postfix; connect to mx.slow.example.net[203.0.113.9]:25: Connection timed out`,
      `  #${digestOf(complainer)} ${complainer.rcpt} complaint via mailbox: abuse (ExampleMail-FBL/2.1)`,
      `  #${digestOf(exim)} ${exim.rcpt} hard bounce 5.0.0 via mailbox: smtp; 550 5.1.1 <s…@example.org>: mailbox unavailable: account closed`,
    ]);
    const metrics = (await pb.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;
    expect(metrics).toContain('paperboy_mail_events{kind="hard",source="mailbox"} 2');
    expect(metrics).toContain('paperboy_mail_events{kind="complaint",source="mailbox"} 1');
    expect(metrics).toContain('paperboy_bounce_mailbox_messages{outcome="unknown"} 3');
    expect(metrics).toContain('paperboy_bounce_mailbox_failing 0');

    // The next pass reads nothing again; the next day, the suspended and the unsubscribed get no digest.
    expect(await readBounceMailbox(pb.ctx)).toMatchObject({ read: 0 });
    const next = await deliver(pb.ctx, new Date(DAY.getTime() + 86_400_000));
    expect(next).toMatchObject({ due: 3, sent: 1, skipped: 2 });
  });

  it('the same report arriving twice is recorded once: the counters move once', async () => {
    const [sub] = await sendDigests(1, { BOUNCE_HARD_LIMIT: '3' });
    await imap.append('INBOX', mail('postfix-hard', sub));
    expect(await readBounceMailbox(pb.ctx)).toMatchObject({ handled: 1, recorded: 1, repeats: 0 });
    await imap.append('INBOX', mail('postfix-hard', sub));
    expect(await readBounceMailbox(pb.ctx)).toMatchObject({ read: 1, handled: 1, recorded: 0, repeats: 1 });
    expect(row(sub.subscriberId)).toMatchObject({ hard_bounces: 1, suspended_reason: null });
    expect(events()).toHaveLength(1);
    expect(await imap.messageIds('Paperboy-handled')).toHaveLength(2);
  });

  it('BOUNCE_IMAP_MOVE_TO=delete deletes handled reports; a dry run reads and changes nothing; a huge mail is left unread', async () => {
    const [sub] = await sendDigests(1, { BOUNCE_IMAP_MOVE_TO: 'delete' });
    // A 3 MB mail is not even downloaded: no report is that large.
    const huge = mail('junk', sub).replace('<8a7d6e5f.junk@', '<huge.junk@').replace('</body>', `${'<p>win</p>\n'.repeat(300_000)}</body>`);
    await imap.append('INBOX', mail('exim-hard', sub), mail('junk', sub), huge);
    expect(await readBounceMailbox(pb.ctx, { dryRun: true })).toEqual({ read: 3, handled: 1, recorded: 0, repeats: 0, unknown: 2, malformed: 0 });
    expect(row(sub.subscriberId)).toMatchObject({ hard_bounces: 0 });
    expect(await imap.messageIds('INBOX')).toHaveLength(3);
    expect(await readBounceMailbox(pb.ctx)).toMatchObject({ read: 3, handled: 1, recorded: 1, unknown: 2 });
    expect((await imap.messageIds('INBOX')).sort()).toEqual(['<8a7d6e5f.junk@deals.example.com>', '<huge.junk@deals.example.com>']);
    expect(await imap.messageIds('Paperboy-handled')).toEqual([]);
  });
});
