// Confirmation mails are queued with the sign-up and handed over by a mailer: nothing is lost to a
// crash between the commit and the hand-off, 4xx replies are retried, 5xx replies are given up.
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { signUp } from '../../src/store/subscribers.js';
import { linkPath, startPaperboy, submit, type TestPaperboy } from '../helpers/app.js';
import { startSmtp, type SmtpScript, type TestSmtp } from '../helpers/smtp.js';

const FAST = { SMTP_TIMEOUT_MS: '5000', DELIVERY_LEASE_MS: '20000', SMTP_RETRY_BASE_MS: '50', SMTP_MAX_ATTEMPTS: '3' };
const INPUT = { keywords: ['diffusion'], categories: [], authors: [], about: '', papers: [], timezone: 'UTC', hour: 8, frequency: 'daily' as const, weekday: 1 };

let pb: TestPaperboy;
let smtp: TestSmtp;
afterEach(async () => {
  await pb.close();
  await smtp.close();
});

async function setUp(script?: SmtpScript): Promise<void> {
  smtp = await startSmtp({ script });
  pb = await startPaperboy({ SMTP_URL: smtp.url, ...FAST });
}

/** The queue columns of the latest request of one address. */
const queueOf = (email: string) => pb.ctx.db.prepare(`
  SELECT r.mail, r.mail_attempts AS attempts, r.mail_reply AS reply FROM signup_requests r JOIN subscribers s ON s.id = r.subscriber_id
  WHERE s.email = ? ORDER BY r.id DESC LIMIT 1`).get(email) as { mail: string; attempts: number; reply: string };

describe('confirmation mail queue', () => {
  it('sends, at start-up, a confirmation whose process died after the sign-up committed', async () => {
    await setUp();
    signUp(pb.ctx.db, { email: 'crashed@example.org', ...INPUT }); // committed, never handed over
    expect(queueOf('crashed@example.org')).toMatchObject({ mail: 'queued', attempts: 0 });
    const restarted = await buildApp(pb.ctx);
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toMatchObject({ text: 'crashed@example.org' });
    await expect.poll(() => queueOf('crashed@example.org').mail).toBe('sent');
    expect(queueOf('crashed@example.org')).toMatchObject({ attempts: 1, reply: expect.stringMatching(/^250 /) });
    expect((await submit(restarted, { url: linkPath(mail.text!, 'confirm') })).body).toContain('You are subscribed');
    await restarted.close();
  });

  it('retries a 451 with backoff and records the attempts', async () => {
    await setUp({ rcpt: (n) => (n === 0 ? { code: 451, text: 'greylisted, try later' } : 'accept') });
    const res = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'grey@example.org' } });
    expect(res.statusCode).toBe(202);
    await smtp.waitFor(1);
    await expect.poll(() => queueOf('grey@example.org').mail).toBe('sent');
    expect(queueOf('grey@example.org').attempts).toBe(2);
  });

  it('gives up on a 550 at once and keeps the reply', async () => {
    await setUp({ rcpt: () => ({ code: 550, text: 'no such user' }) });
    await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'nobody@example.org' } });
    await expect.poll(() => queueOf('nobody@example.org').mail).toBe('failed');
    expect(queueOf('nobody@example.org')).toMatchObject({ attempts: 1, reply: expect.stringContaining('no such user') });
    await new Promise((r) => setTimeout(r, 300)); // longer than a retry would wait
    expect(smtp.received).toHaveLength(0);
    expect(queueOf('nobody@example.org').attempts).toBe(1);
  });
});
