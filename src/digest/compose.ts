import type { Paper, RankedPaper } from '../model.js';

/** One paper as the digest templates show it: every field is plain text, escaped by the template. */
export interface DigestItem {
  position: number;
  id: string;
  title: string;
  authors: string;
  why: string;
  abstract: string;
  url: string;
  pdfUrl: string | null;
  codeUrl: string | null;
  upvotes: number | null;
}

/** Everything the digest templates need; built without I/O. */
export interface DigestModel {
  subject: string;
  preheader: string;
  heading: string;
  dateLabel: string;
  email: string;
  siteUrl: string;
  unsubscribeUrl: string;
  items: DigestItem[];
}

/** Inputs of compose: who, which day, what was ranked, and the links to put in. */
export interface ComposeInput {
  email: string;
  /** The subscriber's local calendar day, YYYY-MM-DD. */
  date: string;
  ranked: RankedPaper[];
  siteUrl: string;
  unsubscribeUrl: string;
}

const ABSTRACT_CHARS = 320;
const SUBJECT_CHARS = 90;

/** Cuts text at a word boundary near `max` characters, adding an ellipsis when cut. */
export function trimText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

/** "A, B, C et al." for long author lists. */
export function shortAuthors(authors: string[]): string {
  return authors.length > 4 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
}

/** The abstract page of a paper; for papers with no known link, an arXiv title search. */
export function paperUrl(p: Paper): string {
  if (p.url) return p.url;
  if (!p.id.startsWith('title:')) return `https://arxiv.org/abs/${p.id}`;
  return `https://arxiv.org/search/?searchtype=title&query=${encodeURIComponent(p.title)}`;
}

/** Builds the digest model from a ranked list: subject naming the top paper, preheader, trimmed items. */
export function composeDigest(input: ComposeInput): DigestModel {
  const items = input.ranked.map((r, i): DigestItem => ({
    position: i + 1, id: r.paper.id, title: r.paper.title, authors: shortAuthors(r.paper.authors),
    why: r.why.join(' · '), abstract: trimText(r.paper.abstract, ABSTRACT_CHARS), url: paperUrl(r.paper),
    pdfUrl: r.paper.pdfUrl ?? null, codeUrl: r.paper.codeUrl ?? null, upvotes: r.paper.upvotes ?? null,
  }));
  const more = items.length > 1 ? ` (+${items.length - 1} more)` : '';
  return {
    subject: trimText(items[0]?.title ?? 'Your papers', SUBJECT_CHARS - more.length) + more,
    preheader: trimText(items.slice(1, 4).map((it) => it.title).join(' · ') || 'Today on Paperboy', 140),
    heading: `${items.length} paper${items.length === 1 ? '' : 's'} for you today`,
    dateLabel: formatDay(input.date),
    email: input.email, siteUrl: input.siteUrl, unsubscribeUrl: input.unsubscribeUrl, items,
  };
}

/** "Sunday, 29 November 2026" for 2026-11-29. */
function formatDay(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  });
}
