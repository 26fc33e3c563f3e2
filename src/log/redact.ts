import { basename } from 'node:path';
import { LEGACY_TOKEN_PATTERN, TOKEN_PATTERN } from '../links/tokens.js';

// Logs must never hold a link token or a full email address: both are keys to someone's subscription.

// The local part may hold any RFC 5322 atext character (o'neil, a+b, x/y, {z}, #1…), and letters of any script.
// Every run of such characters is one match, with its `@domain` when one follows: a long run without `@` is passed
// over once (a pattern that needed the `@` tried each start of the run again, quadratic in its length).
const EMAIL = /([\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-])[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]*(?:@([\p{L}\p{N}.-]+))?/gu;
// A link token, alone or inside a URL path: today's form, and the old `<id base36>.<MAC>` form.
const TOKEN = new RegExp(`\\b(?:${TOKEN_PATTERN}|${LEGACY_TOKEN_PATTERN})(?![A-Za-z0-9_-])`, 'g');

/** Masks email addresses (first character and domain kept: `a…@example.org`) and link tokens in a text. */
export function scrub(text: string): string {
  return text.replace(TOKEN, '[token]').replace(EMAIL, (run: string, first: string, domain?: string) => (domain === undefined ? run : `${first}…@${domain}`));
}

/** A source as operators may show it over HTTP: a URL without credentials, query or fragment; a file by its name only. */
export function publicSource(source: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return basename(source);
  try {
    const u = new URL(source);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '[url]';
  }
}

/** A message (an ingest error) with every URL and absolute path in it made public as publicSource does. */
export function publicText(text: string): string {
  // A scheme is short (bounded, so a long dotted word is not tried from each of its letters).
  return text.replace(/\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s'"<>]+/gi, (url) => publicSource(url))
    .replace(/(?<![\w.~:/-])(?:\/[^\s'"/:]+)+/g, (path) => basename(path));
}

/** A log-safe copy of an error: type, scrubbed message and stack. */
export function scrubError(err: unknown): { type: string; message: string; stack?: string } {
  if (!(err instanceof Error)) return { type: typeof err, message: scrub(String(err)) };
  return { type: err.name, message: scrub(err.message), ...(err.stack ? { stack: scrub(err.stack) } : {}) };
}

/** pino serializers that scrub errors and request lines wherever they are logged. */
export const logSerializers = {
  err: scrubError,
  error: scrubError,
  req: (req: { method?: string; url?: string }) => ({ method: req.method, url: scrub(req.url ?? '') }),
  // SMTP replies often quote the recipient ("550 5.1.1 <ada@example.org>: unknown user").
  reply: (text: unknown) => scrub(String(text)),
};
