import { describe, expect, it } from 'vitest';
import { aboutRecipient, countBounce, failureOutcome, nextStep, replyCode, suspension, tallyOutcome, type AttemptOutcome } from '../../src/mail/outcome.js';

const policy = { maxAttempts: 4, baseMs: 1000, maxMs: 3000 };
const now = new Date('2026-11-29T08:00:00Z');

describe('classifying SMTP replies', () => {
  it('reads the reply code', () => {
    expect(replyCode('250 2.0.0 Ok: queued as 12345')).toBe(250);
    expect(replyCode('451-4.7.1 greylisted')).toBe(451);
    expect(replyCode('written /tmp/x.eml')).toBeNull();
  });

  it('5xx at RCPT is permanent, a bounce when about the recipient; 503 and 4xx are transient; network errors count against nobody', () => {
    expect(failureOutcome({ responseCode: 550, response: '550 5.1.1 no such user', command: 'RCPT TO' })).toEqual({ kind: 'permanent', code: 550, text: '550 5.1.1 no such user', bounce: true });
    expect(failureOutcome({ responseCode: 554, response: '554 5.1.1 denied', command: 'MAIL FROM' })).toMatchObject({ kind: 'permanent', bounce: false });
    expect(failureOutcome({ responseCode: 503, response: '503 bad sequence', command: 'DATA' })).toMatchObject({ kind: 'transient' });
    expect(failureOutcome({ responseCode: 452, response: '452 4.2.2 mailbox full', command: 'RCPT TO' })).toMatchObject({ kind: 'transient', bounce: true });
    // Refused at RCPT, but for the relay's policy, not the address (issue 21): no bounce.
    expect(failureOutcome({ responseCode: 550, response: '550 5.7.1 <ada@example.org>: Relay access denied', command: 'RCPT TO' })).toMatchObject({ kind: 'permanent', bounce: false });
    expect(failureOutcome({ responseCode: 550, response: '550 no such user', command: 'RCPT TO' })).toMatchObject({ kind: 'permanent', bounce: false });
    expect(failureOutcome({ code: 'ETIMEDOUT', message: 'Timeout' })).toEqual({ kind: 'transient', code: null, text: 'ETIMEDOUT: Timeout', bounce: false });
    expect(failureOutcome(new TypeError('template bug'))).toMatchObject({ kind: 'permanent', bounce: false });
  });
});

describe('recipient-specific replies (issue 21)', () => {
  it('counts bad addresses and mailboxes, by enhanced status code; not policy, system, routing, protocol or content refusals', () => {
    for (const r of ['550 5.1.1 <x@y>: Recipient address rejected: User unknown', '550-5.1.1 The email account does not exist', '553 5.1.2 bad domain',
      '556 5.1.10 null MX', '550 5.2.1 mailbox disabled', '552 5.2.2 mailbox full', '452 4.2.2 over quota', '450 4.1.8 sender domain?']) {
      expect(aboutRecipient(r), r).toBe(true);
    }
    for (const r of ['550 5.7.1 Relaying denied', '554 5.7.1 Service unavailable; Client host blocked', '550 5.3.0 mail system full',
      '554 5.4.4 unable to route', '552 5.2.3 message too big', '550 5.6.0 content refused', '550 No such user here', '421 4.7.0 try later', '550 5.1']) {
      expect(aboutRecipient(r), r).toBe(false);
    }
  });

  it('stops a run when most of it is refused alike for no recipient, at 10 such refusals, or at the first when held', () => {
    const relay: AttemptOutcome = { kind: 'permanent', code: 550, text: '550 5.7.1 Relaying denied', bounce: false };
    const user: AttemptOutcome = { kind: 'permanent', code: 550, text: '550 5.1.1 unknown', bounce: true };
    const sent: AttemptOutcome = { kind: 'sent', code: 250, text: '250 ok', bounce: false };
    const t = { finished: 0, refusals: new Map<string, number>() };
    for (let i = 0; i < 30; i++) expect(tallyOutcome(t, user, 10)).toBeNull(); // bad addresses never stop a run
    for (let i = 0; i < 9; i++) expect(tallyOutcome(t, relay, 10)).toBeNull();
    expect(tallyOutcome(t, relay, 10)).toBeNull(); // 10 alike, but not most of 40 finished
    const fresh = { finished: 0, refusals: new Map<string, number>() };
    for (let i = 0; i < 5; i++) tallyOutcome(fresh, sent, 10);
    for (let i = 0; i < 9; i++) expect(tallyOutcome(fresh, relay, 10)).toBeNull();
    expect(tallyOutcome(fresh, relay, 10)).toBe('550 5.7.1');
    expect(tallyOutcome({ finished: 0, refusals: new Map() }, relay, 1)).toBe('550 5.7.1');
  });
});

describe('retry policy', () => {
  const transient = { kind: 'transient' as const, code: 451, text: '451', bounce: true };
  it('backs off exponentially, capped, and gives up after the last attempt', () => {
    expect(nextStep(transient, 1, policy, now)).toEqual({ state: 'retry', at: new Date(now.getTime() + 1000) });
    expect(nextStep(transient, 2, policy, now)).toEqual({ state: 'retry', at: new Date(now.getTime() + 2000) });
    expect(nextStep(transient, 3, policy, now)).toEqual({ state: 'retry', at: new Date(now.getTime() + 3000) });
    expect(nextStep(transient, 4, policy, now)).toEqual({ state: 'failed' });
    expect(nextStep({ ...transient, kind: 'permanent', code: 550 }, 1, policy, now)).toEqual({ state: 'failed' });
  });
});

describe('bounces', () => {
  const limits = { hard: 1, soft: 3 };
  it('a delivery resets the soft streak; a hard bounce suspends at once; three soft in a row suspend', () => {
    const soft = { kind: 'transient' as const, code: 452, text: '452', bounce: true };
    let c = { hard: 0, soft: 0 };
    c = countBounce(c, soft);
    c = countBounce(c, soft);
    expect(suspension(c, limits)).toBeNull();
    expect(countBounce(c, { kind: 'sent', code: 250, text: '250', bounce: false })).toEqual({ hard: 0, soft: 0 });
    c = countBounce(c, soft);
    expect(suspension(c, limits)).toBe('3 soft-bounced digests in a row');
    expect(suspension(countBounce({ hard: 0, soft: 0 }, { kind: 'permanent', code: 550, text: '', bounce: true }), limits)).toBe('1 hard bounce');
    expect(countBounce(c, { kind: 'transient', code: null, text: 'ECONNECTION', bounce: false })).toEqual(c);
  });
});
