import { describe, expect, it } from 'vitest';
import { countBounce, failureOutcome, nextStep, replyCode, suspension } from '../../src/mail/outcome.js';

const policy = { maxAttempts: 4, baseMs: 1000, maxMs: 3000 };
const now = new Date('2026-11-29T08:00:00Z');

describe('classifying SMTP replies', () => {
  it('reads the reply code', () => {
    expect(replyCode('250 2.0.0 Ok: queued as 12345')).toBe(250);
    expect(replyCode('451-4.7.1 greylisted')).toBe(451);
    expect(replyCode('written /tmp/x.eml')).toBeNull();
  });

  it('5xx at RCPT is a permanent bounce; 503 and 4xx are transient; network errors count against nobody', () => {
    expect(failureOutcome({ responseCode: 550, response: '550 no such user', command: 'RCPT TO' })).toEqual({ kind: 'permanent', code: 550, text: '550 no such user', bounce: true });
    expect(failureOutcome({ responseCode: 554, response: '554 denied', command: 'MAIL FROM' })).toMatchObject({ kind: 'permanent', bounce: false });
    expect(failureOutcome({ responseCode: 503, response: '503 bad sequence', command: 'DATA' })).toMatchObject({ kind: 'transient' });
    expect(failureOutcome({ responseCode: 452, response: '452 mailbox full', command: 'RCPT TO' })).toMatchObject({ kind: 'transient', bounce: true });
    expect(failureOutcome({ code: 'ETIMEDOUT', message: 'Timeout' })).toEqual({ kind: 'transient', code: null, text: 'ETIMEDOUT: Timeout', bounce: false });
    expect(failureOutcome(new TypeError('template bug'))).toMatchObject({ kind: 'permanent', bounce: false });
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
