// Turns the loose fields a parser found into a clean Paper, or says why it cannot.
import { isArxivCategory } from '../arxiv.js';
import type { Paper, Rejection } from '../model.js';
import type { Citation } from '../citation.js';
import { doiOf, titleId } from '../paper-identity.js';
import { absUrl, normalizeArxivId, pdfUrl } from './normalize.js';
import { cleanText } from './text.js';
import type { ParseResult } from './types.js';

/** Fields as a source gives them; anything may be missing or of the wrong type. */
export interface RawPaper {
  id?: unknown;
  title?: unknown;
  abstract?: unknown;
  authors?: unknown;
  categories?: unknown;
  published?: unknown;
  url?: unknown;
  pdfUrl?: unknown;
  codeUrl?: unknown;
  /** A journal DOI (arXiv's API gives it as arxiv:doi). */
  doi?: unknown;
  /** Where it was published, already parsed (arXiv's journal-ref, a journal entry's prism fields). */
  citation?: Citation | null;
  thumbnail?: unknown;
  upvotes?: unknown;
  comments?: unknown;
  /** Only Paperboy's own export carries it: a restored paper keeps the day it was first seen. */
  firstSeen?: unknown;
}

const MAX_TITLE = 1000;
/** arXiv cross-lists a paper in a handful of categories; a longer list is junk. */
const MAX_CATEGORIES = 20;

/** A trimmed string, or null for anything else or an empty string. */
export function str(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** A non-negative integer, or null. */
function count(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

/** The distinct non-empty strings of an array, in order. */
function strings(v: unknown, clean: (s: string) => string): string[] {
  if (!Array.isArray(v)) return [];
  const out = v.map(str).filter((s): s is string => s !== null).map(clean);
  return [...new Set(out.filter((s) => s !== ''))];
}

/** The categories that look like arXiv's (cs.CV, hep-th, physics.atom-ph), at most MAX_CATEGORIES of them: the rest
 *  (ACM and MSC codes, markup, anything long) would otherwise become sign-up checkboxes. */
function categories(v: unknown): string[] {
  return strings(v, (s) => s).filter(isArxivCategory).slice(0, MAX_CATEGORIES);
}

// Feeds repeat the same few dates thousands of times; remember recent conversions.
const isoCache = new Map<string, string | null>();

/** An ISO 8601 date-time for any date string Date can read, or null. */
export function isoDate(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const known = isoCache.get(s);
  if (known !== undefined) return known;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? s + 'T00:00:00Z' : s);
  const iso = Number.isNaN(d.getTime()) ? null : d.toISOString();
  if (isoCache.size >= 1000) isoCache.clear();
  isoCache.set(s, iso);
  return iso;
}

/** An http(s) URL, or null. */
function link(v: unknown): string | null {
  const s = str(v);
  return s && /^https?:\/\/\S+$/i.test(s) ? s : null;
}

/** Builds a Paper from raw fields; a record without a usable title is rejected, naming `where`.
 *  `entities: false` is for text that was decoded before (Paperboy's own JSONL export). */
export function toPaper(raw: RawPaper, where: string, entities = true): Paper | Rejection {
  const clean = (s: string): string => cleanText(s, entities);
  const title = clean(str(raw.title) ?? '');
  if (title === '') return { where, reason: 'no title' };
  if (title.length > MAX_TITLE) return { where, reason: `title longer than ${MAX_TITLE} characters` };
  const rawId = str(raw.id);
  const arxivId = rawId ? normalizeArxivId(rawId) : null;
  // Journal feeds name their entries by DOI or link (`doi:…`, `url:…`, see journal-feed.ts); JSONL keeps those ids.
  const id = arxivId ?? (rawId && /^(?:doi|url):\S+$/.test(rawId) ? rawId : titleId(title));
  return {
    id, title,
    abstract: clean(str(raw.abstract) ?? ''),
    authors: strings(raw.authors, clean),
    categories: categories(raw.categories),
    published: isoDate(raw.published),
    url: link(raw.url) ?? (arxivId ? absUrl(arxivId) : null),
    pdfUrl: link(raw.pdfUrl) ?? (arxivId ? pdfUrl(arxivId) : null),
    codeUrl: link(raw.codeUrl),
    doi: doiOf(str(raw.doi) ?? ''),
    thumbnail: link(raw.thumbnail),
    upvotes: count(raw.upvotes),
    comments: count(raw.comments),
    firstSeen: isoDate(raw.firstSeen) ?? undefined,
    ...(raw.citation ? { citation: raw.citation } : {}),
  };
}

/** Adds a record to a result: a paper when it is one, else a rejection. */
export function collect(result: ParseResult, record: Paper | Rejection): void {
  if ('reason' in record) result.rejected.push(record);
  else result.papers.push(record);
}

/** A function giving the 1-based line of a character offset; fast when offsets only grow. */
export function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    if (offset < at) { at = 0; line = 1; }
    for (let i = text.indexOf('\n', at); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    at = offset;
    return line;
  };
}
