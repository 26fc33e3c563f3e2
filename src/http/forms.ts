// The sign-up and preferences forms as a person sees them: what each field shows (as typed, or as stored),
// and what is wrong with a refused form, next to the field, in plain words. Pure: no request, no database.
import { PROFILE_LIMITS, DEFAULT_DIGEST_SIZE } from '../rank/limits.js';
import type { SubscriberRecord } from '../store/subscribers.js';

/** What the fields of a form show; every value as the form sends it (lists as "a, b"), categories as the boxes ticked. */
export interface FormValues {
  email: string;
  keywords: string;
  categories: string[];
  /** The sources ticked (preferences only; none ticked: every source). */
  sources: string[];
  authors: string;
  about: string;
  papers: string;
  timezone: string;
  hour: string;
  frequency: string;
  weekday: string;
  digestSize: string;
  weakDay: string;
  pausedUntil: string;
  /** A pasted library (an uploaded file is not shown again: browsers ask for it anew). */
  library: string;
}

/** What is wrong with a refused form, by field name; one sentence each. */
export type FieldErrors = Record<string, string>;

/** One validation issue as fastify-type-provider-zod reports it. */
export interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** A blank sign-up form: a daily digest at 08:00 UTC (the page's script puts the browser's timezone in). */
export const BLANK_FORM: FormValues = {
  email: '', keywords: '', categories: [], sources: [], authors: '', about: '', papers: '', timezone: 'UTC', hour: '8', frequency: 'daily',
  weekday: '1', digestSize: String(DEFAULT_DIGEST_SIZE), weakDay: 'skip', pausedUntil: '', library: '',
};

/** A pasted library longer than this is not put back into a refused form (the error says what to send instead). */
const PASTED_SHOWN_MAX = 64 * 1024;

/** The fields in the order the forms show them, with the name each has on the page. */
const LABELS: [field: keyof FormValues | 'confirm', label: string][] = [
  ['email', 'Email'], ['keywords', 'Topics'], ['categories', 'Categories'], ['authors', 'Authors you follow'],
  ['about', 'About your work'], ['papers', 'Papers you liked'], ['hour', 'Delivery time'], ['timezone', 'Timezone'],
  ['frequency', 'How often'], ['weekday', 'Day of the week'], ['digestSize', 'Papers per digest'], ['pausedUntil', 'Pause until'],
  ['weakDay', 'On a quiet day'], ['sources', 'Sources'], ['library', 'Your library'], ['confirm', 'Confirmation'],
];

/** Sentences that say it better than the schema's message, for fields a person cannot get wrong by typing. */
const PLAIN: Record<string, string> = {
  timezone: 'Choose your timezone from the list, such as Europe/Paris.',
  hour: 'Choose a delivery time from the list.',
  weekday: 'Choose a day of the week from the list.',
  frequency: 'Choose every day or once a week.',
  weakDay: 'Choose what a quiet day sends.',
  digestSize: `Choose a number from ${PROFILE_LIMITS.digestSizeMin} to ${PROFILE_LIMITS.digestSizeMax}.`,
};

/** A form value as text: a list joined with ", ", nothing as "". */
function text(v: unknown): string {
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join(', ');
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** A form value as a list of strings (a single ticked box arrives as a string). */
function strings(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

/** The values of a refused form, as typed: shown again so nothing typed is lost, but for a pasted library past
 *  PASTED_SHOWN_MAX (and an uploaded file, which browsers ask for anew). */
export function valuesFromBody(body: unknown, defaults: FormValues = BLANK_FORM): FormValues {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out = { ...defaults, categories: strings(b.categories), sources: strings(b.sources) };
  for (const key of Object.keys(defaults) as (keyof FormValues)[]) {
    if (key !== 'categories' && key !== 'sources' && b[key] !== undefined) out[key] = text(b[key]);
  }
  if (out.library.length > PASTED_SHOWN_MAX) out.library = '';
  return out;
}

/** The values of a subscriber's preferences form. */
export function valuesOf(sub: SubscriberRecord): FormValues {
  const p = sub.profile;
  return {
    email: sub.email, keywords: p.keywords.join(', '), categories: p.categories, sources: sub.sources ?? [], authors: p.authors.join(', '), about: p.about,
    papers: p.papers.join(', '), timezone: sub.timezone, hour: String(sub.hour), frequency: sub.frequency, weekday: String(sub.weekday),
    digestSize: String(sub.digestSize), weakDay: sub.weakDay, pausedUntil: sub.pausedUntil ?? '', library: '',
  };
}

/** The first issue of each field as a sentence naming the field as the page does; an entry of a list is quoted. */
export function fieldErrors(issues: ValidationIssue[], body: unknown): FieldErrors {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: FieldErrors = {};
  for (const issue of issues) {
    const [field, index] = issue.instancePath.replace(/^\//, '').split('/');
    out[field] ??= PLAIN[field] ?? sentence(field, issue, entryOf(b[field], index));
  }
  return out;
}

/** "Papers you liked: “foo” is not an arXiv id…", "Email is required." */
function sentence(field: string, issue: ValidationIssue, entry: string | null): string {
  const label = LABELS.find(([f]) => f === field)?.[1] ?? 'This field';
  const message = (issue.message ?? 'is not valid').replace(/\.$/, '');
  if (field === 'email' && issue.keyword === 'invalid_type') return 'Enter your email address.';
  return entry !== null ? `${label}: “${entry}” ${message}.` : `${label} ${message}.`;
}

/** The list entry an issue points at (the form sends "a, b" as one string), or null. */
function entryOf(value: unknown, index: string | undefined): string | null {
  if (index === undefined || !/^\d+$/.test(index)) return null;
  const entries = typeof value === 'string' ? value.split(/[,\n]/).map((s) => s.trim()).filter(Boolean) : Array.isArray(value) ? value : [];
  const entry = entries[Number(index)];
  return typeof entry === 'string' ? (entry.length > 60 ? `${entry.slice(0, 60)}…` : entry) : null;
}

/** The errors as the summary above a form lists them, in the order the fields appear. */
export function errorList(errors: FieldErrors): { field: string; message: string }[] {
  const order = LABELS.map(([f]) => f as string);
  return Object.entries(errors).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([field, message]) => ({ field, message }));
}
