import { z } from 'zod';
import { isTimezone } from '../digest/due.js';

// Forms send strings: "a, b" for lists and "" for fields left blank; JSON sends arrays and numbers.
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const splitList = (v: unknown) => (typeof v === 'string' ? v.split(/[,\n]/).map((s) => s.trim()).filter(Boolean) : v);
const list = (item: z.ZodString, max: number) => z.preprocess(splitList, z.array(item).max(max, `at most ${max} entries`)).default([]);
const singleLine = z.string().trim().min(1).max(200).regex(/^[^\r\n\t\0]*$/, 'must be a single line');

/** Limits on what a subscriber may state (documented in the README). */
export const LIMITS = { keywords: 50, categories: 30, authors: 50, papers: 50, about: 2000 } as const;

/** The body of POST /api/subscriptions and of the sign-up form. */
export const subscriptionBody = z.strictObject({
  email: z.string().trim().max(254, 'is too long').pipe(z.email('is not a valid email address')),
  keywords: list(singleLine, LIMITS.keywords),
  categories: list(singleLine.regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'is not an arXiv category such as cs.CV'), LIMITS.categories),
  authors: list(singleLine, LIMITS.authors),
  about: z.string().max(LIMITS.about, `must be at most ${LIMITS.about} characters`).default(''),
  papers: list(singleLine.regex(/^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})(v\d+)?$/, 'is not an arXiv id'), LIMITS.papers),
  timezone: z.preprocess(blankToUndefined, z.string().refine(isTimezone, 'is not a known IANA timezone such as Europe/Paris').default('UTC')),
  hour: z.preprocess(blankToUndefined, z.coerce.number().int().min(0, 'must be 0–23').max(23, 'must be 0–23').default(8)),
});

/** A validated sign-up. */
export type SubscriptionInput = z.output<typeof subscriptionBody>;

/** A link token in a path. */
export const tokenParams = z.object({ token: z.string().max(100) });
