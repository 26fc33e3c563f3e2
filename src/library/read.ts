// A subscriber's library as Paperboy reads it: the references of a reference manager's export (BibTeX, RIS or
// CSL-JSON, parsed by Citation.js in citation.ts) or a pasted list of arXiv ids, DOIs, links and titles, one per line.
// Pure: Citation.js's output comes in as plain objects; entries go out ready to be matched against the store.
import { normalizeArxivId } from '../ingest/normalize.js';
import type { LibraryEntry, Rejection } from '../model.js';
import { doiOf, titleKey } from '../paper-identity.js';
import { cleanLine, cleanParagraph } from '../text.js';

/** The kinds of text a library arrives as. */
export type LibraryFormat = 'bibtex' | 'ris' | 'csl-json' | 'list';

/** CSL-JSON fields Paperboy reads (Citation.js converts BibTeX and RIS to it). */
export interface Csl {
  title?: unknown;
  abstract?: unknown;
  author?: unknown;
  DOI?: unknown;
  URL?: unknown;
  number?: unknown;
  note?: unknown;
  'container-title'?: unknown;
  issued?: unknown;
  accessed?: unknown;
  [field: string]: unknown;
}

/** One reference as the Citation.js step gives it: the fields as written (BibTeX properties, RIS tags; none for
 *  CSL-JSON), and its CSL-JSON, or why it could not be converted. */
export interface CitationRecord {
  where: string;
  raw: Record<string, unknown>;
  csl?: Csl;
  error?: string;
}

/** What was read: the usable entries, those skipped and why, and how many references there were. */
export interface LibraryRead {
  format: LibraryFormat;
  entries: LibraryEntry[];
  skipped: Rejection[];
  total: number;
}

/** How far reading a library goes: a pasted line and each field of a reference are cut to their length before
 *  anything matches or converts them; macros may expand a BibTeX file to `expandedChars` in all; the reading thread
 *  has `memoryMb` of heap and `timeMs` per library. Past the last three the library is refused (413), naming the limit. */
export const READ_LIMITS = {
  lineChars: 1000,
  fieldChars: 10_000,
  expandedChars: 4 * 1024 * 1024,
  memoryMb: 128,
  timeMs: 10_000,
} as const;

/** Text that cannot be read as a library at all (a BibTeX syntax error, broken JSON): nothing of it is used. */
export class LibraryError extends Error {
  override name = 'LibraryError';
  constructor(readonly where: string, readonly reason: string) {
    super(`${where}: ${reason}`);
  }
}

/** Text holding more references than a library may have. */
export class LibraryTooLarge extends Error {
  override name = 'LibraryTooLarge';
  constructor(readonly entries: number, readonly max: number) {
    super(`${entries} references; a library holds at most ${max}`);
  }
}

/** Text that reading would take past a limit of READ_LIMITS other than its references: `limit` says which, in words. */
export class LibraryOverLimit extends Error {
  override name = 'LibraryOverLimit';
  constructor(readonly limit: string) {
    super(`a library past a limit: ${limit}`);
  }
}

/** Which format a text is in, from its first meaningful line: `[`/`{` CSL-JSON, a RIS tag (`TY  - `) RIS, an `@type{`
 *  BibTeX (after any `%` comments), anything else a pasted list. Only sniffs: the parsers decide what is valid. */
export function detectFormat(text: string): LibraryFormat {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('%'));
  const first = lines[0] ?? '';
  if (first.startsWith('[') || first.startsWith('{')) return 'csl-json';
  if (/^[A-Z][A-Z0-9] {2}-/.test(first)) return 'ris';
  if (/^@\s*[a-z]+\s*[{(]/i.test(first)) return 'bibtex';
  return 'list';
}

/** The entries of Citation.js's records, in order; unconvertible, title-less and repeated references are skipped. */
export function fromRecords(format: Exclude<LibraryFormat, 'list'>, records: CitationRecord[]): LibraryRead {
  const out = collector(format, records.length);
  for (const r of records) {
    if (r.error !== undefined || !r.csl) out.skip(r.where, `cannot be read: ${(r.error ?? 'not a reference').slice(0, 200)}`);
    else out.add(entryOf(r.where, r.csl, r.raw));
  }
  return out.result();
}

/** The entries of a pasted list: per line an arXiv id or link, a DOI or doi.org link, or else a title. Lines are
 *  counted first (LibraryTooLarge past `max`, before any line is read) and each is cut to READ_LIMITS.lineChars. */
export function readList(text: string, max = Infinity): LibraryRead {
  const lines = text.split('\n');
  const total = lines.reduce((n, l) => (l.trim() === '' ? n : n + 1), 0);
  if (total > max) throw new LibraryTooLarge(total, max);
  const out = collector('list', total);
  lines.forEach((line, i) => {
    const s = cleanLine(line.slice(0, READ_LIMITS.lineChars));
    if (s === '') return;
    const where = `line ${i + 1}`;
    const arxivId = arxivIdIn(s, true);
    const doi = arxivId ? null : doiOf(s);
    if (!arxivId && !doi && /^[a-z][a-z+.-]*:\/\//i.test(s)) return out.skip(where, 'a link that names no arXiv paper or DOI');
    const title = arxivId || doi ? '' : s.slice(0, TITLE_MAX);
    out.add({ where, title, abstract: '', authors: [], arxivId, doi, titleKeys: keys(title, title), added: null });
  });
  return out.result();
}

/** Gathers entries, skipping repeats of an earlier entry (same arXiv id, DOI or title) and entries with nothing to match or learn from. */
function collector(format: LibraryFormat, total: number) {
  const entries: LibraryEntry[] = [];
  const skipped: Rejection[] = [];
  const seen = new Map<string, string>();
  return {
    skip: (where: string, reason: string) => { skipped.push({ where, reason }); },
    add(e: LibraryEntry) {
      if (!e.title && !e.arxivId && !e.doi) return skipped.push({ where: e.where, reason: 'no title, arXiv id or DOI' });
      const ids = [e.arxivId && `arxiv:${e.arxivId}`, e.doi && `doi:${e.doi}`, ...e.titleKeys.map((k) => `title:${k}`)].filter((k): k is string => !!k);
      const earlier = ids.map((k) => seen.get(k)).find(Boolean);
      if (earlier) return skipped.push({ where: e.where, reason: `the same paper as ${earlier}` });
      for (const k of ids) seen.set(k, e.where);
      entries.push(e);
    },
    result: (): LibraryRead => ({ format, entries, skipped, total }),
  };
}

/** Longest title and abstract kept of an entry (a library entry is a text example, not an archive). */
const TITLE_MAX = 500;
const ABSTRACT_MAX = 5000;
const AUTHOR_MAX = 200;

/** One reference's entry from its CSL-JSON and the fields as written, each field cut before it is cleaned or matched. */
function entryOf(where: string, csl: Csl, raw: Record<string, unknown>): LibraryEntry {
  const title = cleanLine(str(csl.title, 2 * TITLE_MAX)).slice(0, TITLE_MAX);
  const rawTitle = cleanLine(str(raw.title ?? raw.TI ?? raw.T1, 2 * TITLE_MAX));
  const doi = doiOf(str(csl.DOI) || str(raw.doi)) ?? doiOf(str(csl.URL));
  const eprint = str(raw.eprint);
  const eprintType = str(raw.archiveprefix ?? raw.eprinttype).toLowerCase();
  const arxivId = (eprint && (eprintType === 'arxiv' || !eprintType) ? normalizeArxivId(eprint) : null)
    ?? [csl.URL, raw.url, csl.DOI, csl.number, csl.note, csl['container-title'], raw.journal, raw.UR, raw.N1, raw.M3]
      .map((v) => arxivIdIn(str(v), false)).find(Boolean) ?? null;
  return {
    where: title && !where.includes('(') ? `${where} (“${short(title)}”)` : where, title,
    abstract: cleanParagraph(str(csl.abstract, 2 * ABSTRACT_MAX)).slice(0, ABSTRACT_MAX), authors: authorsOf(csl.author),
    arxivId, doi, titleKeys: keys(title, rawTitle), added: addedOf(raw, csl),
  };
}

/** A title shortened for a message. */
function short(title: string): string {
  return title.length > 60 ? `${title.slice(0, 57)}…` : title;
}

/** Title keys of a decoded title and of the title as written with its LaTeX markup dropped (`$\pi^3$` → pi3), when they differ. */
function keys(title: string, raw: string): string[] {
  const a = titleKey(title);
  const b = titleKey(raw.replace(/\\[a-zA-Z]+\s*/g, (m) => m.slice(1)).replace(/[{}$\\^_]/g, ''));
  return [...new Set([a, b].filter((k) => k.length > 0))];
}

/** A field's value as text, cut to `max` characters ('' when absent or not text). */
function str(v: unknown, max: number = READ_LIMITS.lineChars): string {
  return (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '').slice(0, max);
}

/** The bare arXiv id a value names: an arxiv.org or huggingface.co/papers link, an `arXiv:` id, a 10.48550/arXiv DOI,
 *  or (when `bare`, for a pasted line) the id alone. Linear in the value: each pattern is a literal followed by a
 *  bounded run (48 characters: an id is shorter), never an open-ended run before a required terminator. */
function arxivIdIn(value: string, bare: boolean): string | null {
  const s = value.trim();
  if (!s) return null;
  if (bare) {
    const path = s.split(/[?#]/, 1)[0];
    let end = path.length;
    while (end > 0 && path[end - 1] === '/') end--;
    const whole = normalizeArxivId(path.slice(0, end).replace(/^https?:\/\/(?:www\.)?huggingface\.co\/papers\//i, ''));
    if (whole) return whole;
  }
  const m = /arxiv\.org\/(?:abs|pdf|html)\/([\w.\/-]{1,48})/i.exec(s)
    ?? /10\.48550\/arxiv\.([\w.\/-]{1,48})/i.exec(s)
    ?? /\barxiv:\s{0,4}([\w.\/-]{1,48})/i.exec(s);
  return m ? normalizeArxivId(m[1].replace(/\.pdf$/i, '')) : null;
}

/** Author names of a CSL author list: "Given Family", or the literal name. */
function authorsOf(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.slice(0, 50).map((a) => {
    const o = (a ?? {}) as Record<string, unknown>;
    return cleanLine(str(o.literal) || [str(o.given), str(o['non-dropping-particle']), str(o.family)].filter(Boolean).join(' ')).slice(0, AUTHOR_MAX);
  }).filter(Boolean);
}

/** Fields reference managers write the moment an entry was added in: BibDesk, JabRef, BibSonomy, Zotero (Better BibTeX). */
const ADDED_FIELDS = ['date-added', 'dateadded', 'added-at', 'timestamp', 'creationdate'];

/** When the entry entered the library, or else when the paper was published: a date-added field, else the date
 *  accessed (Zotero's, on saving a web page), else the date issued. */
function addedOf(raw: Record<string, unknown>, csl: Csl): string | null {
  for (const f of ADDED_FIELDS) {
    const d = /^(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?/.exec(str(raw[f]).trim());
    if (d) return dateOf([d[1], d[2], d[3]]);
  }
  return cslDate(csl.accessed) ?? cslDate(csl.issued);
}

/** A CSL date (`{"date-parts": [[2024, 6, 3]]}`) as YYYY-MM-DD, YYYY-MM or YYYY. */
function cslDate(v: unknown): string | null {
  const parts = (v as { 'date-parts'?: unknown[][] } | undefined)?.['date-parts']?.[0];
  return Array.isArray(parts) ? dateOf(parts.map((x) => (x === undefined ? undefined : String(x)))) : null;
}

/** Year, month and day as a date string at the precision known; null without a plausible year. */
function dateOf([y, m, d]: (string | undefined)[]): string | null {
  const year = Number(y);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) return null;
  const two = (x: string | undefined, max: number) => (x && Number(x) >= 1 && Number(x) <= max ? String(Number(x)).padStart(2, '0') : null);
  const month = two(m, 12);
  const day = month ? two(d, 31) : null;
  return [String(year), month, day].filter(Boolean).join('-');
}
