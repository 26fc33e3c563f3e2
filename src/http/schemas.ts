import { z } from 'zod';
import { localDayHour } from '../digest/due.js';
import { canonicalTimezone } from '../timezones.js';
import { CATEGORY, MAX_CATEGORY_LENGTH } from '../arxiv.js';
import { normalizeArxivId } from '../ingest/normalize.js';
import { isOfferedCategory } from '../taxonomy.js';
import { SOURCE_KEY } from '../rank/sources.js';
import { PROFILE_LIMITS as LIMITS } from '../rank/limits.js';
import { cleanLine, cleanParagraph } from '../text.js';

// Forms send strings: "a, b" for lists and "" for fields left blank; JSON sends arrays and numbers.
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const splitList = (v: unknown) => (typeof v === 'string' ? v.split(/[,\n]/).map((s) => s.trim()).filter(Boolean) : v);
const list = (item: z.ZodType<string, string>, max: number) => z.preprocess(splitList, z.array(item).max(max, `at most ${max} entries`)).default([]);
// Control and bidi/format characters are dropped (cleanLine) after CR, LF, tab and NUL are refused: an entry
// made of invisible characters only is then empty, and refused as such.
const singleLine = (max: number, form?: [RegExp, string]) => z.string().max(max, `must be at most ${max} characters`)
  .regex(/^[^\r\n\t\0]*$/, 'must be a single line').regex(/^[^<>]*$/, 'must not contain < or >')
  .transform(cleanLine).pipe(form ? z.string().min(1, 'must not be empty').regex(...form) : z.string().min(1, 'must not be empty'));

/** The bare arXiv id in what people paste as a paper: `2406.01234`, `arXiv:2406.01234v2`, an arxiv.org abs/pdf/html
 *  link or a huggingface.co/papers link; null when it names no arXiv paper. */
export function seedPaperId(text: string): string | null {
  const s = text.trim().replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/^https?:\/\/(?:www\.)?huggingface\.co\/papers\//i, '');
  return normalizeArxivId(s);
}

/** A seed paper, stored as its bare arXiv id (papers are stored without version). */
const seedPaper = z.string().max(200, 'must be at most 200 characters').regex(/^[^<>]*$/, 'must not contain < or >')
  .transform((v, ctx) => seedPaperId(cleanLine(v))
    ?? (ctx.addIssue({ code: 'custom', message: 'is not an arXiv id or link, such as 2406.01234 or https://arxiv.org/abs/2406.01234' }), z.NEVER));

/** A whole number in a range: a JSON integer, or a form's decimal digits. Nothing else is read as a number (no `true`, `[]`, `0x10`). */
const wholeNumberOrNone = (min: number, max: number, message: string) => z.preprocess(
  (v) => (v === '' || v === undefined ? undefined : typeof v === 'string' && /^-?\d{1,9}$/.test(v) ? Number(v) : v),
  z.number({ error: message }).int(message).min(min, message).max(max, message).optional());
const wholeNumber = (min: number, max: number, def: number, message: string) => wholeNumberOrNone(min, max, message).transform((v) => v ?? def);

/** An IANA timezone in any letter case, stored in its canonical and current spelling (`europe/paris` → `Europe/Paris`,
 *  `Asia/Calcutta` → `Asia/Kolkata`); undefined when not given. */
const timezoneOrNone = z.preprocess(blankToUndefined, z.string().max(64, 'is not a known IANA timezone such as Europe/Paris')
  .transform((tz, ctx) => canonicalTimezone(tz) ?? (ctx.addIssue({ code: 'custom', message: 'is not a known IANA timezone such as Europe/Paris' }), z.NEVER))
  .optional());
const timezone = timezoneOrNone.transform((tz) => tz ?? 'UTC');

const interests = {
  keywords: list(singleLine(LIMITS.keywordLength), LIMITS.keywords),
  // Only categories arXiv lists (each one followed is an announcement feed fetched every hour) and journals added here.
  categories: list(singleLine(MAX_CATEGORY_LENGTH, [CATEGORY, 'is not an arXiv category such as cs.CV'])
    .refine(isOfferedCategory, 'is not an arXiv category such as cs.CV'), LIMITS.categories),
  authors: list(singleLine(LIMITS.authorLength), LIMITS.authors),
  about: z.string().max(LIMITS.aboutLength, `must be at most ${LIMITS.aboutLength} characters`).transform(cleanParagraph).default(''),
  papers: list(seedPaper, LIMITS.papers),
  timezone,
  hour: wholeNumber(0, 23, 8, 'must be 0–23'),
  frequency: z.preprocess(blankToUndefined, z.enum(['daily', 'weekly'], 'must be daily or weekly').default('daily')),
  weekday: wholeNumber(0, 6, 1, 'must be 0 (Sunday) to 6 (Saturday)'),
  library: z.string({ error: 'must be text: the content of the export, or one id, DOI or title a line' }).optional().meta({
    description: `Your library: the text of a BibTeX (.bib), RIS (.ris) or CSL-JSON export (Zotero, Mendeley, JabRef, Google Scholar), `
      + `or a list of arXiv ids, arXiv or DOI links, DOIs or titles, one a line. Entries are matched to stored papers by arXiv id, then DOI, `
      + `then title; the others with a title are kept as text examples. At most ${LIMITS.libraryBytes / 1024 / 1024} MB and `
      + `${LIMITS.libraryEntries} references (413 past either; the other fields stay within 16 KB); text that cannot be read at all is a 400 `
      + `naming the line or entry. Nothing is stored when refused. Given, it replaces the library (on confirmation, for a sign-up).`,
  }),
};

/** The body of POST /api/subscriptions and of the sign-up form. A timezone or hour not given is the lab's
 *  (DEFAULT_TIMEZONE, DEFAULT_HOUR), filled in by the sign-up (signup/subscriptions.ts). */
export const subscriptionBody = z.strictObject({
  email: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).trim().max(254, 'is too long')
    .superRefine((v, ctx) => { const problem = emailProblem(v); if (problem) ctx.addIssue({ code: 'custom', message: problem }); }),
  ...interests,
  timezone: timezoneOrNone.meta({ description: 'An IANA timezone; default: the instance\'s DEFAULT_TIMEZONE (UTC unless set)' }),
  hour: wholeNumberOrNone(0, 23, 'must be 0–23').meta({ description: 'The hour digests go out, 0–23; default: the instance\'s DEFAULT_HOUR (8 unless set)' }),
});

/** What is wrong with an email address, in words a person can act on; null for one that will do. Not every mail server
 *  takes SMTPUTF8, so an international domain must be in its xn-- (punycode) form. */
export function emailProblem(v: string): string | null {
  if (v === '') return 'is required';
  if (/\s/.test(v)) return 'must not contain spaces';
  if (!/^[\x21-\x7e]*$/.test(v)) return 'must be plain ASCII; write an international domain in its xn-- form';
  const at = v.lastIndexOf('@');
  if (at < 0) return `has no @: an address looks like name@lab.example.org`;
  if (v.indexOf('@') !== at) return 'has more than one @';
  const [local, domain] = [v.slice(0, at), v.slice(at + 1)];
  if (!local) return 'has nothing before the @';
  if (!domain) return 'has nothing after the @';
  if (!domain.includes('.')) return `has no domain ending: "${domain}" should be a full domain such as ${domain}.example.org`;
  if (/^\.|\.\.|\.$/.test(domain)) return `has a domain with an empty part: "${domain}"`;
  return z.email().safeParse(v).success ? null : 'is not a valid email address';
}

/** The sign-up form: the API's fields, and the library as an uploaded file (multipart/form-data) beside the pasted one. */
export const subscriptionForm = subscriptionBody.extend({ libraryFile: z.string().optional() });

/** A validated sign-up. */
export type SubscriptionInput = z.output<typeof subscriptionBody>;

/** `?done=…` on a page a form redirected to (Post/Redirect/Get): which of the page's own sentences to show. */
export const doneQuery = z.object({ done: z.string().max(20).optional() });

/** A link token in a path. */
export const tokenParams = z.object({ token: z.string().max(100, 'is too long to be a Paperboy link') });

/** The preferences form: every interest and delivery setting (what is left blank is cleared). */
export const preferencesBody = z.strictObject({
  ...interests,
  digestSize: wholeNumber(1, 50, 10, 'must be 1–50'),
  /** The sources papers are taken from; none ticked: every source. */
  sources: list(z.string().regex(SOURCE_KEY, 'is not a source Paperboy offers'), 50),
  weakDay: z.preprocess(blankToUndefined, z.enum(['skip', 'note'], 'must be skip or note').default('skip')),
  pausedUntil: z.preprocess(blankToUndefined, z.iso.date('must be a date such as 2026-12-24').nullable().default(null)),
  /** The form's file input (multipart/form-data): a library export, read as `library` is. */
  libraryFile: z.string().optional(),
}).superRefine((b, ctx) => {
  // A pause that ended before today (in the subscriber's own timezone) pauses nothing: say so rather than store it.
  if (b.pausedUntil && b.pausedUntil < localDayHour(new Date(), b.timezone).date) {
    ctx.addIssue({ code: 'custom', path: ['pausedUntil'], message: 'is in the past: choose today or a later day, or leave it empty to not pause' });
  }
});

/** The library forms of the preferences page: remove one entry (its id), or all of them; put back the library kept a
 *  step back (undo), or forget it. */
export const libraryEditBody = z.strictObject({
  remove: z.preprocess(blankToUndefined, z.coerce.number().int().positive('is not an entry of your library').optional()),
  clear: z.literal('yes').optional(),
  undo: z.literal('yes').optional(),
  forget: z.literal('yes').optional(),
});

/** The page of the library list on the preferences page, beside the `?done=` of a redirect. */
export const preferencesQuery = doneQuery.extend({ page: z.coerce.number().int().min(1).max(1000).optional() });

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

/** A day of the public archive. */
export const archiveParams = z.object({
  date: z.iso.date('must be a date such as 2026-11-29'),
});

/** The archive's filters: search words, a category, a page (forms send "" for a field left blank). */
export const archiveQuery = z.object({
  q: z.preprocess(blankToUndefined, z.string().max(200, 'must be at most 200 characters').transform(cleanLine).optional()),
  category: z.preprocess(blankToUndefined, z.string().max(MAX_CATEGORY_LENGTH).regex(CATEGORY, 'is not an arXiv category such as cs.CV').optional()),
  page: wholeNumber(1, 1_000_000, 1, 'must be a page number: 1, 2, 3…'),
});

/** The one-click unsubscribe body (RFC 8058) or the button's empty form. */
export const unsubscribeBody = z.strictObject({
  'List-Unsubscribe': z.literal('One-Click', 'must be One-Click').optional(),
}).nullish();
