// A library sent with a sign-up or the preferences form: limited, read (Citation.js on the reader's thread), and
// answered in words ("Matched 212 of 340 entries…"). Nothing is stored here: a refused library refuses the request.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LibraryReader } from '../library/citation.js';
import type { TextSource } from '../library/parse.js';
import { LibraryError, LibraryOverLimit, LibraryTooLarge, datedOn, formatOfName, type LibraryRead } from '../library/read.js';
import type { Rejection } from '../model.js';
import { orderLibrary } from '../rank/library.js';
import { PROFILE_LIMITS } from '../rank/limits.js';
import type { LibrarySummary } from '../store/library.js';
import { ApiError } from '../api-error.js';
import { BODY_LIMIT } from './limits.js';
import { acceptMultipartFields } from './multipart.js';

/** The cookie that carries what a library sent with a form came to, to the page the form redirects to. */
export const LIBRARY_COOKIE = 'paperboy_library';

/** Lets the routes of this plugin take the forms that upload a library: multipart/form-data with the file input
 *  `libraryFile`, the file and the pasted list each up to the library's bytes. */
export function acceptLibraryForms(app: FastifyInstance): void {
  acceptMultipartFields(app, LIBRARY_BODY_LIMIT, { files: ['libraryFile'], fileBytes: PROFILE_LIMITS.libraryBytes, fieldBytes: PROFILE_LIMITS.libraryBytes });
}

/** The body limit of routes that take a library: its 2 MB written out at worst three bytes a byte (a form's
 *  percent-encoding), plus the 16 KB of every other body. Past the read limits the route answers 413 itself. */
export const LIBRARY_BODY_LIMIT = 3 * PROFILE_LIMITS.libraryBytes + BODY_LIMIT;

/** A preValidation hook of the routes that take a library: every field but the library stays within the 16 KB of any
 *  other body (413, before the fields are checked), as if the library were not there. */
export async function otherFieldsWithinLimit(req: FastifyRequest): Promise<void> {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return;
  const { library: _l, libraryFile: _f, ...rest } = body as Record<string, unknown>;
  let json: string;
  try {
    json = JSON.stringify(rest);
  } catch {
    // Only a structure nested past the stack's depth (5,000 levels of lists) fails to print: no field takes one.
    throw new ApiError(400, 'invalid_body', 'The request body is nested too deeply: each field is text, a list of text or a number');
  }
  if (Buffer.byteLength(json) > BODY_LIMIT) throw new ApiError(413, 'body_too_large', 'The request body is too large (limit 16 KB besides the library)');
}

/** What a library came to: usable entries, those matched to stored papers, kept as text examples, waiting for their
 *  paper (an id or DOI without a title), and the references skipped with why. */
export interface LibraryAnswer {
  entries: number;
  matched: number;
  text: number;
  waiting: number;
  /** Entries the export gave no date added (see datedOn: when none has one, the library is dated by the day it was given). */
  undated: number;
  /** True when the export gave no date added at all, so the whole library counts as added the day it was given. */
  uploadDay: boolean;
  skipped: Rejection[];
}

/** The refusal of a library past PROFILE_LIMITS (413, the shared error shape, nothing stored). */
export function libraryTooLarge(what = `more than ${PROFILE_LIMITS.libraryBytes / 1024 / 1024} MB`): ApiError {
  return new ApiError(413, 'library_too_large',
    `The library is too large (${what}): at most ${PROFILE_LIMITS.libraryBytes / 1024 / 1024} MB and ${PROFILE_LIMITS.libraryEntries.toLocaleString('en')} references. Nothing was stored`, 'library');
}

/** A library as a request carries it: a pasted list or export, and an uploaded file with the name it had. */
export interface LibraryTexts {
  pasted?: string;
  file?: string;
  fileName?: string;
}

/**
 * Reads the library texts of a request (a pasted list or export, and an uploaded file, whose extension is trusted for
 * its format). Null when no library was sent. Entries without a date added are dated `today` (YYYY-MM-DD), the day the
 * library was given, and come out most recently added first, as they are stored. Throws the ApiError to answer with:
 * 413 past a limit, 400 for text that cannot be read at all or holds no reference (naming the line, entry or file).
 */
export async function readLibraryField(reader: LibraryReader, texts: LibraryTexts, today: string): Promise<LibraryRead | null> {
  const all: { text: string | undefined; from: TextSource }[] = [
    { text: texts.pasted, from: {} }, { text: texts.file, from: { name: texts.fileName, hint: formatOfName(texts.fileName) } }];
  const given = all.filter((t): t is { text: string; from: TextSource } => typeof t.text === 'string' && t.text.trim() !== '');
  if (!given.length) return null;
  const bytes = given.reduce((n, t) => n + Buffer.byteLength(t.text), 0);
  if (bytes > PROFILE_LIMITS.libraryBytes) throw libraryTooLarge(`${(bytes / 1024 / 1024).toFixed(1)} MB`);
  const reads: LibraryRead[] = [];
  let left = PROFILE_LIMITS.libraryEntries;
  for (const [k, { text, from }] of given.entries()) {
    try {
      const read = await reader.read(text, left, from);
      left -= read.total;
      reads.push(given.length > 1 ? prefixed(read, k === 0 ? 'pasted list' : 'file') : read);
    } catch (err) {
      if (err instanceof LibraryTooLarge) throw libraryTooLarge(`${(PROFILE_LIMITS.libraryEntries - left + err.entries).toLocaleString('en')} references`);
      if (err instanceof LibraryOverLimit) throw new ApiError(413, 'library_too_large', `The library is too large to read: ${err.limit}. Nothing was stored`, 'library');
      if (err instanceof LibraryError) throw new ApiError(400, 'library_unreadable', `The library cannot be read: ${err.where}: ${err.reason}. Nothing was stored`, 'library');
      throw err;
    }
  }
  return {
    format: reads[0].format, total: reads.reduce((n, r) => n + r.total, 0),
    entries: orderLibrary(datedOn(reads.flatMap((r) => r.entries), today)), skipped: reads.flatMap((r) => r.skipped),
  };
}

/** A read whose places say which of two texts they are in ("file, entry 3"). */
function prefixed(read: LibraryRead, what: string): LibraryRead {
  const at = (where: string) => `${what}, ${where}`;
  return { ...read, entries: read.entries.map((e) => ({ ...e, where: at(e.where) })), skipped: read.skipped.map((s) => ({ ...s, where: at(s.where) })) };
}

/** The answer to a library read: what it came to against the store (librarySummary for a sign-up's, which waits for
 *  confirmation; replaceLibrary's own count when it is stored at once), and what was skipped. */
export function libraryAnswer(read: LibraryRead, summary: LibrarySummary): LibraryAnswer {
  const undated = read.entries.filter((e) => e.addedFrom !== 'export').length;
  return { entries: read.entries.length, ...summary, undated, uploadDay: undated > 0 && read.entries.every((e) => e.addedFrom === 'upload'), skipped: read.skipped };
}

/** "3 entries" / "1 entry". */
function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** The short reason of a skip, for the sentence (the full one is listed under it). */
function kind(reason: string): string {
  if (reason.startsWith('no title')) return 'no title';
  if (reason.startsWith('the same paper')) return 'repeated';
  if (reason.startsWith('a link')) return 'a link to neither arXiv nor a DOI';
  return 'unreadable';
}

/** The answer in one sentence: "Matched 212 of 340 entries to papers Paperboy knows; 128 more kept as text
 *  examples; 3 entries skipped (no title)." */
export function librarySentence(a: LibraryAnswer, instance: string): string {
  const parts = [a.matched || !a.entries
    ? `Matched ${a.matched.toLocaleString('en')} of ${count(a.entries, 'entry', 'entries')} to papers ${instance} knows`
    : `None of the ${count(a.entries, 'entry', 'entries')} is among the papers ${instance} knows yet`];
  if (a.text) parts.push(`${a.matched ? count(a.text, 'more', 'more') : a.text.toLocaleString('en')} kept as ${a.text === 1 ? 'a text example' : 'text examples'}`);
  if (a.waiting) parts.push(`${count(a.waiting, 'more waits', 'more wait')} for ${instance} to store ${a.waiting === 1 ? 'its paper' : 'their papers'} (an id or DOI without a title)`);
  if (a.uploadDay) parts.push('the export gives no date added, so the whole library counts as added today');
  else if (a.undated) parts.push(`${count(a.undated, 'entry has', 'entries have')} no date added in the export and ${a.undated === 1 ? 'comes' : 'come'} after the dated ones`);
  if (a.skipped.length) {
    const kinds = new Map<string, number>();
    for (const s of a.skipped) kinds.set(kind(s.reason), (kinds.get(kind(s.reason)) ?? 0) + 1);
    const why = [...kinds].map(([k, n]) => (kinds.size > 1 ? `${n} ${k}` : k)).join(', ');
    parts.push(`${count(a.skipped.length, 'entry', 'entries')} skipped (${why})`);
  }
  return `${parts.join('; ')}.`;
}

/** Skipped references a page lists under the sentence; the rest are counted. */
const SKIPPED_SHOWN = 10;

/** The answer as the pages show it: the sentence, and the first skipped references with why. */
export function libraryView(a: LibraryAnswer, instance: string) {
  return { sentence: librarySentence(a, instance), skipped: a.skipped.slice(0, SKIPPED_SHOWN), moreSkipped: Math.max(0, a.skipped.length - SKIPPED_SHOWN) };
}

/** What a page shows of an answer. */
export type LibraryView = ReturnType<typeof libraryView>;

/** The answer as a cookie value, to travel from a form's POST to the page it redirects to (about 3 KB at most).
 *  Only the sender's browser holds it, and the page escapes it: a forged one shows its maker their own words. */
export function viewCookie(v: LibraryView): string {
  const skipped = v.skipped.map((s) => [s.where.slice(0, 100), s.reason.slice(0, 120)]);
  return encodeURIComponent(JSON.stringify([v.sentence.slice(0, 600), skipped, v.moreSkipped]));
}

/** The answer a cookie named `name` carried; null when absent or not one. */
export function viewFromCookie(header: string | undefined, name: string): LibraryView | null {
  const raw = header?.split(/;\s*/).find((c) => c.startsWith(`${name}=`))?.slice(name.length + 1);
  if (!raw) return null;
  try {
    const [sentence, skipped, moreSkipped] = JSON.parse(decodeURIComponent(raw)) as [unknown, unknown, unknown];
    if (typeof sentence !== 'string' || !Array.isArray(skipped) || !Number.isInteger(moreSkipped)) return null;
    const list = skipped.filter((s): s is [string, string] => Array.isArray(s) && s.length === 2 && s.every((x) => typeof x === 'string'));
    return { sentence, skipped: list.slice(0, SKIPPED_SHOWN).map(([where, reason]) => ({ where, reason })), moreSkipped: moreSkipped as number };
  } catch {
    return null;
  }
}
