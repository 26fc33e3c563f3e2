// What an SMTP hand-off ended in, and what to do next: pure functions over replies, errors and counters.
import type { BounceCounts } from '../store/bounces.js';

/** How one attempt ended: accepted, worth retrying, or refused for good. */
export type AttemptKind = 'sent' | 'transient' | 'permanent';

/** One attempt's result as stored on the digest: the kind, the reply code when the server answered, and the text. */
export interface AttemptOutcome {
  kind: AttemptKind;
  code: number | null;
  text: string;
  /** True when the refusal is about the recipient's address (counts as a bounce). */
  bounce: boolean;
}

/** The reply code at the start of an SMTP reply line, or null. */
export function replyCode(text: string): number | null {
  const m = /^([2-5]\d\d)[\s-]/.exec(text);
  return m ? Number(m[1]) : null;
}

/** The outcome of an accepted hand-off (the server's 2xx reply). */
export function acceptedOutcome(response: string): AttemptOutcome {
  return { kind: 'sent', code: replyCode(response), text: response, bounce: false };
}

/** Error fields nodemailer sets: code (ECONNECTION, ETIMEDOUT, …), responseCode, response, command. */
interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/**
 * Classifies a failed hand-off. 5xx: permanent (a bounce when it answered the recipient or the message).
 * 4xx, timeouts, refused and dropped connections: transient. Anything else (a bug, a bad address
 * format): permanent, since sending the same bytes again would fail the same way.
 */
export function failureOutcome(err: unknown): AttemptOutcome {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SmtpError;
  const code = e.responseCode ?? (e.response ? replyCode(e.response) : null);
  const text = e.response ?? `${e.code ?? 'Error'}: ${e.message ?? String(err)}`;
  if (code !== null && code >= 500 && code !== 503) {
    return { kind: 'permanent', code, text, bounce: e.command === 'RCPT TO' || e.command === 'DATA' };
  }
  if (code !== null && code >= 400) return { kind: 'transient', code, text, bounce: e.command === 'RCPT TO' || e.command === 'DATA' };
  const network = ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'ECONNREFUSED', 'ECONNRESET'];
  const transient = e.code !== undefined && network.includes(e.code);
  return { kind: transient ? 'transient' : 'permanent', code, text, bounce: false };
}

/** Retry limits. */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** What happens to a digest after a failed attempt: retry at a time, or give up. */
export type NextStep = { state: 'retry'; at: Date } | { state: 'failed' };

/** Exponential backoff: the wait after `attempts` tries, base × 2^(attempts-1), at most `maxMs`. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** The backoff of the retry policy; no retry after a permanent failure or the last attempt. */
export function nextStep(outcome: AttemptOutcome, attempts: number, policy: RetryPolicy, now: Date): NextStep {
  if (outcome.kind !== 'transient' || attempts >= policy.maxAttempts) return { state: 'failed' };
  return { state: 'retry', at: new Date(now.getTime() + backoffMs(attempts, policy.baseMs, policy.maxMs)) };
}

/** Thresholds after which a subscriber is suspended. */
export interface BounceLimits {
  hard: number;
  soft: number;
}

/**
 * New counters after a digest's final outcome: a delivery resets the soft streak, a hard bounce
 * adds one hard, a digest that ran out of retries on 4xx replies adds one soft. Network trouble
 * on our side counts against nobody.
 */
export function countBounce(c: BounceCounts, final: AttemptOutcome): BounceCounts {
  if (final.kind === 'sent') return { hard: c.hard, soft: 0 };
  if (!final.bounce) return c;
  return final.kind === 'permanent' ? { hard: c.hard + 1, soft: c.soft } : { hard: c.hard, soft: c.soft + 1 };
}

/** Why a subscriber must be suspended, or null. */
export function suspension(c: BounceCounts, limits: BounceLimits): string | null {
  if (c.hard >= limits.hard) return `${c.hard} hard bounce${c.hard === 1 ? '' : 's'}`;
  if (c.soft >= limits.soft) return `${c.soft} soft-bounced digests in a row`;
  return null;
}
