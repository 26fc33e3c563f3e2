import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startMailboxJob, type MailboxJob } from '../../src/jobs/bounce-mailbox.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { startDovecot, type TestImap } from '../helpers/dovecot.js';

// The mailbox job against a real Dovecot that is down, then refuses the login, then comes back: each failure is
// logged and recorded, the waits between tries grow, the HTTP app answers meanwhile, and a good pass clears it.
const TOKEN = 'operator-token-0123456789abcdef';

let imap: TestImap;
let pb: TestPaperboy;
let job: MailboxJob | undefined;
afterEach(async () => {
  await job?.stop();
  job = undefined;
  await pb?.close();
  await imap?.close();
});

/** A job over the test instance whose log lines are kept. */
function startJob(): { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line)); } });
  job = startMailboxJob({ db: pb.ctx.db, config: pb.ctx.config, secret: pb.ctx.secret, log });
  return { lines };
}

const failures = (lines: Record<string, unknown>[]) => lines.filter((l) => l.msg === 'bounce mailbox could not be read; trying again later');
const status = () => pb.ctx.db.prepare('SELECT error, checked_at FROM bounce_mailboxes').get() as { error: string | null; checked_at: string | null } | undefined;

describe('the bounce mailbox job when the IMAP server fails', () => {
  it('server down: each try is logged and recorded, the waits double, the app keeps answering; once it is back, a pass clears the error', async () => {
    imap = await startDovecot();
    await imap.stop();
    pb = await startPaperboy({ BOUNCE_ADDRESS: 'bounces@lab.example.org', BOUNCE_IMAP_URL: imap.url(), BOUNCE_IMAP_INTERVAL_MS: '100', METRICS_TOKEN: TOKEN });
    const { lines } = startJob();
    await expect.poll(() => failures(lines).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const [a, b, c] = failures(lines);
    expect([a.retryInMs, b.retryInMs, c.retryInMs]).toEqual([200, 400, 800]);
    expect(a.why).toMatch(new RegExp(`^cannot reach 127\\.0\\.0\\.1:${imap.port} \\(ECONNREFUSED`));
    expect(JSON.stringify(lines)).not.toContain(imap.password);
    expect(status()?.error).toMatch(/^cannot reach/);

    // The rest of Paperboy does not wait for the mailbox; the operator sees why in /healthz.
    expect((await pb.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const details = (await pb.app.inject({ url: '/healthz', headers: { authorization: `Bearer ${TOKEN}` } })).json();
    expect(details.warnings).toContainEqual(expect.stringMatching(/^bounce mailbox bounces@127\.0\.0\.1:\d+\/INBOX: the last pass failed at .+: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/));

    await imap.start();
    await expect.poll(() => status()?.error, { timeout: 10_000 }).toBeNull();
    expect(status()?.checked_at).not.toBeNull();
    const after = (await pb.app.inject({ url: '/healthz', headers: { authorization: `Bearer ${TOKEN}` } })).json();
    expect(after.warnings.filter((w: string) => w.startsWith('bounce mailbox'))).toEqual([]);
    expect(after.bounceMailboxes).toEqual([expect.objectContaining({ error: null, handled: 0, unknown: 0, malformed: 0 })]);
  });

  it('serve\'s scheduler reads the mailbox at start when BOUNCE_IMAP_URL is set, and stops the job with the rest', async () => {
    imap = await startDovecot();
    pb = await startPaperboy({ BOUNCE_ADDRESS: 'bounces@lab.example.org', BOUNCE_IMAP_URL: imap.url() });
    const scheduler = startScheduler(pb.ctx, async () => {});
    try {
      await expect.poll(() => status()?.checked_at, { timeout: 10_000 }).toBeTruthy();
    } finally {
      await scheduler.stop();
    }
  });

  it('login refused: logged and recorded as such, with no password, and a try scheduled', async () => {
    imap = await startDovecot();
    pb = await startPaperboy({ BOUNCE_ADDRESS: 'bounces@lab.example.org', BOUNCE_IMAP_URL: imap.url('not-the-password'), BOUNCE_IMAP_INTERVAL_MS: '100' });
    const { lines } = startJob();
    // One failure is enough: Dovecot answers a second failed login from the same address only after seconds.
    await expect.poll(() => failures(lines).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(failures(lines)[0]).toMatchObject({ retryInMs: 200, why: expect.stringMatching(/^127\.0\.0\.1 refused the login of bounces: check the user and password in BOUNCE_IMAP_URL/) });
    expect(status()?.error).toMatch(/refused the login/);
    expect(JSON.stringify(lines)).not.toContain('not-the-password');
  });
});
