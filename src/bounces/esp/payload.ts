import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** A webhook body that is not what its ESP documents: answered 400, nothing recorded. */
export class PayloadError extends Error {}

/** Parses `value` with `schema`; a mismatch is a PayloadError naming the first field that is wrong. */
export function payload<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new PayloadError(`${where}${issue.message}`);
}

/** JSON text as a value; not JSON is a PayloadError. */
export function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PayloadError('the body is not JSON');
  }
}

/** An address as ESPs report it. */
export const address = z.string().trim().min(3).max(320).regex(/^[^\s@]+@[^\s@]+$/, 'is not an email address');

/** Constant-time equality of two strings (signatures, credentials). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The kind of a bounce by its SMTP or enhanced status: 4xx/4.x.x soft, anything else hard. */
export function bounceKind(status: string | number | null | undefined): 'hard' | 'soft' {
  return /^4/.test(String(status ?? '').trim()) ? 'soft' : 'hard';
}

/** Seconds since 1970 (what SendGrid and Mailgun send) as a Date; null when absent or not a number. */
export function fromSeconds(s: unknown): Date | null {
  const n = typeof s === 'string' ? Number(s) : s;
  return typeof n === 'number' && Number.isFinite(n) ? new Date(n * 1000) : null;
}

/** How far a signed call's timestamp may be from the clock, either way: past it the call is refused (401), so a
 *  captured call cannot be posted again later. Servers keep their clocks by NTP; ESPs sign each call as they send it. */
export const SIGNED_CALL_MAX_SKEW_MS = 5 * 60_000;

/** True when `seconds` (a signed Unix timestamp, as text) is within SIGNED_CALL_MAX_SKEW_MS of `now`. */
export function freshTimestamp(seconds: string | undefined, now: Date): boolean {
  if (!seconds || !/^\d{1,12}$/.test(seconds)) return false;
  return Math.abs(Number(seconds) * 1000 - now.getTime()) <= SIGNED_CALL_MAX_SKEW_MS;
}
