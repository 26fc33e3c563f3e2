// When two records are one paper, and how they become one row. The same paper arrives from Hugging Face
// (upvotes, thumbnail), from arXiv (categories), again as a new version, or under its title alone before its
// arXiv id is known; none of them may lose a field. Pure: the parsers and the store both use it.
import { createHash } from 'node:crypto';
import type { Paper } from './model.js';

/** Lower-cased letters and digits of a title: two spellings of one title share it. */
export function titleKey(title: string): string {
  return title.normalize('NFKD').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A DOI in lower case without resolver prefix (`https://doi.org/10.1103/X` → `10.1103/x`; DOIs are
 *  case-insensitive), or null when `value` is none. */
export function doiOf(value: string): string | null {
  const m = /^(?:doi:\s*|https?:\/\/(?:dx\.)?doi\.org\/)?(10\.\d{4,9}\/\S+)$/i.exec(value.trim());
  if (!m) return null;
  try { return decodeURIComponent(m[1]).toLowerCase(); } catch { return m[1].toLowerCase(); }
}

/** The id of a paper that has no arXiv id: a hash of its title key. */
export function titleId(title: string): string {
  return 'title:' + createHash('sha256').update(titleKey(title)).digest('hex').slice(0, 16);
}

/** True for ids Paperboy made from a title because no arXiv id was known. */
export function isTitleId(id: string): boolean {
  return id.startsWith('title:');
}

/** The earlier of two ISO dates, or whichever is known. */
function earliest(a: string | null, b: string | null): string | null {
  if (!a || !b) return a ?? b;
  return a < b ? a : b;
}

/** `categories` and, after them, the journal codes of `earlier` it lacks. */
function keepJournals(categories: string[], earlier: string[]): string[] {
  const journals = earlier.filter((c) => c.startsWith('journal.') && !categories.includes(c));
  return journals.length ? [...categories, ...journals] : categories;
}

/** The DOI a `doi:` id names, or null for other ids. */
export function idDoi(id: string): string | null {
  return id.startsWith('doi:') ? id.slice(4) : null;
}

/** One paper of a preprint (arXiv, bioRxiv) and its journal version (same DOI): the preprint's id, link, text and
 *  date, the journal's DOI, and both sets of categories, so following the journal or the field finds it. */
export function mergeEditions(preprint: Paper, journal: Paper): Paper {
  return {
    ...mergePaper(journal, preprint),
    id: preprint.id,
    categories: [...new Set([...preprint.categories, ...journal.categories])].slice(0, 20),
    url: preprint.url ?? journal.url,
    pdfUrl: preprint.pdfUrl ?? journal.pdfUrl ?? null,
    doi: preprint.doi ?? idDoi(journal.id) ?? journal.doi ?? null,
  };
}

/** Merges `incoming` into `stored`: new non-empty values win, the earliest published and first-seen dates stay. */
export function mergePaper(stored: Paper, incoming: Paper): Paper {
  return {
    id: stored.id,
    title: incoming.title || stored.title,
    abstract: incoming.abstract || stored.abstract,
    authors: incoming.authors.length > 0 ? incoming.authors : stored.authors,
    // A journal's code (the paper was found in its feed too) stays when a source re-lists the paper's own categories.
    categories: incoming.categories.length > 0 ? keepJournals(incoming.categories, stored.categories) : stored.categories,
    published: earliest(stored.published, incoming.published),
    url: incoming.url ?? stored.url,
    pdfUrl: incoming.pdfUrl ?? stored.pdfUrl ?? null,
    codeUrl: incoming.codeUrl ?? stored.codeUrl ?? null,
    doi: incoming.doi ?? stored.doi ?? null,
    ...(incoming.citation ?? stored.citation ? { citation: incoming.citation ?? stored.citation } : {}),
    thumbnail: incoming.thumbnail ?? stored.thumbnail ?? null,
    upvotes: incoming.upvotes ?? stored.upvotes ?? null,
    comments: incoming.comments ?? stored.comments ?? null,
    firstSeen: earliest(stored.firstSeen ?? null, incoming.firstSeen ?? null) ?? undefined,
  };
}
