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
 * Enhanced status codes (RFC 3463) about the recipient's own address or mailbox: X.1.x (a bad address: 5.1.1 no such
 * user, 5.1.2 no such domain, 5.1.10 null MX) and X.2.1, X.2.2 (mailbox disabled, full). Refusals for policy (X.7.x:
 * relaying denied, a blocked sender), of the mail system (X.3), routing (X.4), protocol (X.5) or content (X.6) are
 * about the sender, the relay or the message, and a reply without an enhanced code does not say: none is a bounce.
 */
const RECIPIENT_STATUS = /^[245]\d\d[ -][45]\.(?:1\.\d{1,3}|2\.[12])(?!\d)/;

/** True when a reply refuses the recipient's address or mailbox (RECIPIENT_STATUS). */
export function aboutRecipient(reply: string): boolean {
  return RECIPIENT_STATUS.test(reply);
}

/**
 * Classifies a failed hand-off. 5xx: permanent; 4xx, timeouts, refused and dropped connections: transient. Either
 * is a bounce only when it answered the recipient or the message and its enhanced status code is about the
 * recipient (aboutRecipient). Anything else (a bug, a bad address format): permanent, since sending the same bytes
 * again would fail the same way.
 */
export function failureOutcome(err: unknown): AttemptOutcome {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SmtpError;
  const code = e.responseCode ?? (e.response ? replyCode(e.response) : null);
  const text = e.response ?? `${e.code ?? 'Error'}: ${e.message ?? String(err)}`;
  const bounce = (e.command === 'RCPT TO' || e.command === 'DATA') && aboutRecipient(text);
  if (code !== null && code >= 500 && code !== 503) return { kind: 'permanent', code, text, bounce };
  if (code !== null && code >= 400) return { kind: 'transient', code, text, bounce };
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

/** A refusal as runs tell them apart: its reply code and enhanced code ("550 5.7.1"), or its error's code. */
export function refusalKind(o: AttemptOutcome): string {
  const m = /^([245]\d\d)(?:[ -]([245]\.\d{1,3}\.\d{1,3}))?/.exec(o.text);
  return m ? [m[1], m[2]].filter(Boolean).join(' ') : (/^[A-Z]+(?=:)/.exec(o.text)?.[0] ?? 'error');
}

/** A run's final outcomes so far: how many, and its failures that are no recipient's bounce, by kind. */
export interface RunTally {
  finished: number;
  refusals: Map<string, number>;
}

/**
 * Counts a digest's final outcome (sent or failed) into its run's tally. Returns the kind of refusal that must stop
 * the run, or null: at least `min` failures alike that are about no recipient, and most of what the run finished.
 * A relay that refuses everyone (relaying denied, a policy block, a full disk) looks so; a list's bad addresses do not.
 */
export function tallyOutcome(t: RunTally, final: AttemptOutcome, min: number): string | null {
  t.finished++;
  if (final.kind === 'sent' || final.bounce) return null;
  const kind = refusalKind(final);
  const n = (t.refusals.get(kind) ?? 0) + 1;
  t.refusals.set(kind, n);
  return n >= min && 2 * n > t.finished ? kind : null;
}
