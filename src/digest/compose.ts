import { ARXIV_ID } from '../arxiv.js';
import type { Paper, RankedPaper } from '../model.js';
import { dayLabel } from './due.js';

/** One paper as the digest templates show it: every field is plain text, escaped by the template. */
export interface DigestItem {
  position: number;
  id: string;
  title: string;
  authors: string;
  why: string;
  abstract: string;
  url: string;
  /** What the link to `url` says: "Abstract", or "Search arXiv" when only the title is known. */
  linkLabel: string;
  pdfUrl: string | null;
  /** The journal version (doi.org), when the paper is a preprint a journal has published. */
  journalUrl: string | null;
  codeUrl: string | null;
  hfUrl: string | null;
  thumbnail: string | null;
  upvotes: number | null;
  upUrl: string;
  downUrl: string;
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
  preferencesUrl: string;
  viewUrl: string;
  /** Why this person gets the mail: "you subscribed … and asked for papers about …". */
  reason: string;
  /** On a quiet day the subscriber asked to hear about: what this short mail is; '' otherwise. */
  note: string;
  /** The instance's name, shown above the papers. */
  instance: string;
  /** Who runs the instance and how to reach them (INSTANCE_CONTACT), in the footer; '' when unset. */
  contact: string;
  items: DigestItem[];
}

/** The links of one subscriber's digest (signed by the caller). */
export interface DigestLinks {
  unsubscribe: string;
  preferences: string;
  /** The digest in the browser; empty where there is none or it is the page itself (previews, the browser view). */
  view: string;
  /** A vote link; empty leaves the vote buttons out (previews: there is no digest to vote on yet). */
  feedback(paperId: string, vote: 'up' | 'down'): string;
}

/** Inputs of compose: who, which day, what was ranked, and the links to put in. */
export interface ComposeInput {
  email: string;
  /** The subscriber's local calendar day, YYYY-MM-DD. */
  date: string;
  ranked: RankedPaper[];
  siteUrl: string;
  links: DigestLinks;
  /** What the subscriber asked for, in words (keywords, categories, authors). */
  interests?: string[];
  /** A weak day that this subscriber wants a short note about rather than nothing (see isWeakDay). */
  quiet?: boolean;
  /** On a quiet day, true when no new paper arrived at all: the note must not blame the subscriber's interests. */
  noNewPapers?: boolean;
  /** The instance's name (INSTANCE_NAME). */
  instance?: string;
  /** Who runs it (INSTANCE_CONTACT). */
  contact?: string;
  /** A weekly subscriber's digest: its words say "this week", not "today". */
  weekly?: boolean;
}

/** What kind of quiet day: a few papers matched, none matched, or no new paper arrived at all. */
export interface QuietDay {
  count: number;
  noNewPapers: boolean;
  weekly: boolean;
}

/** The heading of a quiet-day note, also its subject when no paper came: one wording for both. */
export function quietHeading(q: QuietDay): string {
  const period = q.weekly ? 'A quiet week' : 'A quiet day';
  if (q.count > 0) return `${period}: ${papers(q.count)} for you`;
  return q.noNewPapers ? `${period}: no new papers arrived` : `${period}: no new paper matched your interests`;
}

/** What a quiet-day note says above its few papers (if any), in the heading's words. */
export function quietNote(q: QuietDay, instance = 'Paperboy'): string {
  const when = q.weekly ? 'this week' : 'today';
  const what = q.noNewPapers
    ? 'No new papers arrived since your last digest: the paper feeds were quiet or could not be reached. This is not about your interests.'
    : q.count > 0
      ? `Only ${papers(q.count)} matched your interests ${when}, so this is a short note rather than a full digest.`
      : `No new paper matched your interests ${when}, so this is a short note rather than a full digest.`;
  return `${what} You asked to hear from ${instance} on quiet days; you can skip them instead in your preferences.`;
}

/** "1 paper", "5 papers". */
function papers(n: number): string {
  return `${n} paper${n === 1 ? '' : 's'}`;
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

/** The journal version of a preprint: its DOI's page, when the paper's own link is another (the preprint's). */
export function journalUrl(p: Paper): string | null {
  return p.doi && p.id !== `doi:${p.doi}` ? `https://doi.org/${p.doi}` : null;
}

/** The abstract page of a paper; for papers with no known link, an arXiv title search. */
export function paperUrl(p: Paper): string {
  if (p.url) return p.url;
  if (p.id.startsWith('doi:')) return `https://doi.org/${p.id.slice(4)}`;
  if (ARXIV_ID.test(p.id)) return `https://arxiv.org/abs/${p.id}`;
  return `https://arxiv.org/search/?searchtype=title&query=${encodeURIComponent(p.title)}`;
}

/** What a link to paperUrl says: a title search is not an abstract. */
export function paperLinkLabel(p: Paper): string {
  return p.url || !p.id.startsWith('title:') ? (p.id.startsWith('doi:') || p.id.startsWith('url:') ? 'Article' : 'Abstract') : 'Search arXiv';
}

/** The PDF: the one the source gave, else arXiv's for an arXiv id. */
export function pdfUrl(p: Paper): string | null {
  return p.pdfUrl ?? (ARXIV_ID.test(p.id) ? `https://arxiv.org/pdf/${p.id}` : null);
}

/** The Hugging Face papers page, for arXiv papers that came with Hugging Face upvotes. */
export function hfUrl(p: Paper): string | null {
  return ARXIV_ID.test(p.id) && p.upvotes != null ? `https://huggingface.co/papers/${p.id}` : null;
}

/** Collapses runs of whitespace (feeds hard-wrap abstracts) into single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The fields of an item that depend on the paper alone. */
type PaperFields = Omit<DigestItem, 'position' | 'why' | 'upUrl' | 'downUrl'>;

/** Paper fields by paper object: a run puts the same few thousand papers into many digests, so each is trimmed once. */
const paperFields = new WeakMap<Paper, PaperFields>();

function fieldsOf(p: Paper): PaperFields {
  let f = paperFields.get(p);
  if (!f) {
    f = {
      id: p.id, title: oneLine(p.title), authors: shortAuthors(p.authors),
      abstract: trimText(oneLine(p.abstract.slice(0, 2 * ABSTRACT_CHARS)), ABSTRACT_CHARS),
      url: paperUrl(p), linkLabel: paperLinkLabel(p), pdfUrl: pdfUrl(p), journalUrl: journalUrl(p), codeUrl: p.codeUrl ?? null, hfUrl: hfUrl(p),
      thumbnail: p.thumbnail && /^https:\/\//.test(p.thumbnail) ? p.thumbnail : null, upvotes: p.upvotes ?? null,
    };
    paperFields.set(p, f);
  }
  return f;
}

/** One item of the digest. */
function composeItem(r: RankedPaper, i: number, links: DigestLinks): DigestItem {
  const p = r.paper;
  return {
    ...fieldsOf(p), position: i + 1, why: r.why.join(' · '),
    upUrl: links.feedback(p.id, 'up'), downUrl: links.feedback(p.id, 'down'),
  };
}

/** The subject: the top paper's title and how many more follow; a quiet day's note says so, in its heading's words. */
export function digestSubject(ranked: RankedPaper[], quiet?: QuietDay): string {
  if (quiet && !ranked.length) return quietHeading(quiet);
  const more = ranked.length > 1 ? ` (+${ranked.length - 1} more)` : '';
  const prefix = quiet ? `${quiet.weekly ? 'A quiet week' : 'A quiet day'}: ` : '';
  return prefix + trimText(ranked[0] ? oneLine(ranked[0].paper.title) : 'Your papers', SUBJECT_CHARS - more.length - prefix.length) + more;
}

/** The heading above the papers: "5 papers for you today" (or "this week"), or a quiet day's heading. */
function heading(count: number, quiet: QuietDay | undefined, weekly: boolean): string {
  return quiet ? quietHeading(quiet) : `${papers(count)} for you ${weekly ? 'this week' : 'today'}`;
}

/** Builds the digest model from a ranked list: subject naming the top paper, preheader, trimmed items, footer links. */
export function composeDigest(input: ComposeInput): DigestModel {
  const items = input.ranked.map((r, i) => composeItem(r, i, input.links));
  const interests = input.interests?.filter(Boolean) ?? [];
  const instance = input.instance ?? 'Paperboy';
  const weekly = input.weekly ?? false;
  const quiet = input.quiet ? { count: items.length, noNewPapers: input.noNewPapers ?? false, weekly } : undefined;
  const note = quiet ? quietNote(quiet, instance) : '';
  return {
    subject: digestSubject(input.ranked, quiet),
    preheader: trimText(items.slice(1, 4).map((it) => it.title).join(' · ') || note || `Today on ${instance}`, 140),
    heading: heading(items.length, quiet, weekly),
    dateLabel: dayLabel(input.date),
    email: input.email, siteUrl: input.siteUrl,
    unsubscribeUrl: input.links.unsubscribe, preferencesUrl: input.links.preferences, viewUrl: input.links.view,
    reason: input.email ? `You get this ${weekly ? 'weekly' : 'daily'} digest because ${input.email} subscribed to ${instance} at ${input.siteUrl}` +
      (interests.length ? ` and asked for papers about ${trimText(interests.join(', '), 160)}.` : '.')
      : `A ${weekly ? 'weekly' : 'daily'} digest of ${instance} at ${input.siteUrl}.`, // the browser view: whose it is stays out
    note, instance, contact: input.contact ?? '',
    items,
  };
}
