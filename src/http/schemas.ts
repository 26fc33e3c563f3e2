import { z } from 'zod';
import { isTimezone } from '../digest/due.js';
import { ARXIV_ID, CATEGORY, PROFILE_LIMITS as LIMITS } from '../rank/limits.js';

// Forms send strings: "a, b" for lists and "" for fields left blank; JSON sends arrays and numbers.
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const splitList = (v: unknown) => (typeof v === 'string' ? v.split(/[,\n]/).map((s) => s.trim()).filter(Boolean) : v);
const list = (item: z.ZodString, max: number) => z.preprocess(splitList, z.array(item).max(max, `at most ${max} entries`)).default([]);
const singleLine = (max: number) => z.string().trim().min(1).max(max, `must be at most ${max} characters`)
  .regex(/^[^\r\n\t\0]*$/, 'must be a single line').regex(/^[^<>]*$/, 'must not contain < or >');

const interests = {
  keywords: list(singleLine(LIMITS.keywordLength), LIMITS.keywords),
  categories: list(singleLine(40).regex(CATEGORY, 'is not an arXiv category such as cs.CV'), LIMITS.categories),
  authors: list(singleLine(LIMITS.authorLength), LIMITS.authors),
  about: z.string().max(LIMITS.aboutLength, `must be at most ${LIMITS.aboutLength} characters`).default(''),
  papers: list(singleLine(40).regex(ARXIV_ID, 'is not an arXiv id such as 2406.01234'), LIMITS.papers),
  timezone: z.preprocess(blankToUndefined, z.string().refine(isTimezone, 'is not a known IANA timezone such as Europe/Paris').default('UTC')),
  hour: z.preprocess(blankToUndefined, z.coerce.number().int().min(0, 'must be 0–23').max(23, 'must be 0–23').default(8)),
  frequency: z.preprocess(blankToUndefined, z.enum(['daily', 'weekly'], 'must be daily or weekly').default('daily')),
  weekday: z.preprocess(blankToUndefined, z.coerce.number().int().min(0, 'must be 0 (Sunday) to 6 (Saturday)').max(6, 'must be 0 (Sunday) to 6 (Saturday)').default(1)),
};

/** The body of POST /api/subscriptions and of the sign-up form. */
export const subscriptionBody = z.strictObject({
  email: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).trim().max(254, 'is too long')
    // Not every mail server takes SMTPUTF8; an international domain works in its xn-- (punycode) form.
    .regex(/^\S*$/, 'must not contain spaces')
    .regex(/^[\x21-\x7e]*$/, 'must be plain ASCII; write an international domain in its xn-- form')
    .pipe(z.email('is not a valid email address')),
  ...interests,
});

/** A validated sign-up. */
export type SubscriptionInput = z.output<typeof subscriptionBody>;

/** A link token in a path. */
export const tokenParams = z.object({ token: z.string().max(100, 'is too long to be a Paperboy link') });

/** The preferences form: every interest and delivery setting (what is left blank is cleared). */
export const preferencesBody = z.strictObject({
  ...interests,
  digestSize: z.preprocess(blankToUndefined, z.coerce.number().int().min(1, 'must be 1–50').max(50, 'must be 1–50').default(10)),
  weakDay: z.preprocess(blankToUndefined, z.enum(['skip', 'note'], 'must be skip or note').default('skip')),
  pausedUntil: z.preprocess(blankToUndefined, z.iso.date('must be a date such as 2026-12-24').nullable().default(null)),
});

/** A validated preferences form. */
export type PreferencesInput = z.output<typeof preferencesBody>;

/** The "delete my data" form: the box must be ticked. */
export const deleteBody = z.strictObject({
  confirm: z.literal('yes', 'tick the box to confirm that everything should be erased'),
});

/** A paper id in a path (arXiv id or title:<hash>). */
const paperId = z.string().min(1).max(100, 'is too long to be a paper id').regex(/^[\w.:/-]+$/, 'is not a paper id');

/** The feedback link: token, paper and vote. */
export const feedbackParams = z.object({ ...tokenParams.shape, paper: paperId, vote: z.enum(['up', 'down'], 'must be up or down') });

/** Buttons that send no fields: an empty form, or nothing. */
export const emptyBody = z.strictObject({}).nullish();

/** The undo button of the feedback page. */
export const undoParams = z.object({ ...tokenParams.shape, paper: paperId });

/** A sent digest viewed in the browser. */
export const digestParams = z.object({ ...tokenParams.shape, id: z.coerce.number('must be a digest number').int('must be a digest number').positive('must be a digest number') });

/** A day of the public archive. */
export const archiveParams = z.object({
  date: z.iso.date('must be a date such as 2026-11-29'),
});

/** The one-click unsubscribe body (RFC 8058) or the button's empty form. */
export const unsubscribeBody = z.strictObject({
  'List-Unsubscribe': z.literal('One-Click', 'must be One-Click').optional(),
}).nullish();
