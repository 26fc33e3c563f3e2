// Publishers' table-of-contents feeds: RSS 1.0 (RDF, as Nature and many publishers serve it, with dc: and prism:
// fields), RSS 2.0 and Atom. An entry is one paper, identified by its DOI when it carries one (prism:doi,
// dc:identifier, a doi.org or publisher /doi/ link, "doi:10.…" in its text) and by its link otherwise.
import { createHash } from 'node:crypto';
import { entryCitation } from '../citation.js';
import { doiOf } from '../paper-identity.js';
import { collect, toPaper, type RawPaper } from './raw-paper.js';
import { decodeEntities } from './text.js';
import type { ParseResult } from './types.js';
import { attr, list, readEntries, refuseEntities, text, xmlChunks, type XmlNode } from './xml.js';

/** The three shapes a feed comes in, by its root element. */
export type FeedShape = 'rss1' | 'rss2' | 'atom';

/** The shape of a feed from its first few KB, or null when it is none of the three. */
export function feedShape(head: string): FeedShape | null {
  if (/<rdf:RDF[\s>]/.test(head)) return 'rss1';
  if (/<rss[\s>]/.test(head)) return 'rss2';
  if (/<feed[\s>]/.test(head)) return 'atom';
  return null;
}

/** Text with its entities decoded once and its markup dropped (feeds put HTML in titles and abstracts). A tag is
 *  matched up to the next < or >, so a run of '<' never closed is read once (with [^>]* every '<' read to the end). */
export function plainText(raw: string, between = ' '): string {
  return decodeEntities(raw).replace(/<[^<>]*>/g, between).replace(/\s+/g, ' ').trim();
}

/** `s` without the sentence punctuation a DOI written in text is followed by (a loop: /[.,;)]+$/ tries every start). */
function withoutTrailingPunctuation(s: string): string {
  let end = s.length;
  while (end > 0 && '.,;)'.includes(s[end - 1])) end--;
  return s.slice(0, end);
}

// A DOI inside a link or a text: 10.<registrant>/<suffix>, the suffix up to a blank, quote, angle bracket or query.
const DOI_IN_TEXT = /\b(10\.\d{4,9}\/[^\s"'<>?#]+)/;

/** The DOI in a link: doi.org/<doi>, or a publisher's /doi/[abs|full|pdf/]<doi> path (science.org, wiley, acs). */
export function doiFromLink(link: string): string | null {
  const m = /^https?:\/\/(?:dx\.)?doi\.org\/(10\.[^?#\s]+)/i.exec(link) ?? /\/doi\/(?:abs\/|full\/|pdf\/|epdf\/)?(10\.\d{4,9}\/[^?#\s]+)/i.exec(link);
  return m ? doiOf(m[1]) : null;
}

/** The DOI an entry carries, looked for in the order publishers are most exact about it. */
export function entryDoi(e: XmlNode, link: string): string | null {
  const fields = [...list(e['prism:doi']).map(text), ...list(e['dc:identifier']).map(text), text(e.guid), text(e.id)];
  for (const f of fields) {
    const d = doiOf(f.replace(/^doi:\s*/i, '')) ?? (/^https?:/i.test(f) ? doiFromLink(f) : null);
    if (d) return d;
  }
  const fromLink = link ? doiFromLink(link) : null;
  if (fromLink) return fromLink;
  // Nature writes "doi:10.1038/…" in dc:source and content:encoded.
  for (const t of [text(e['dc:source']), text(e['content:encoded']), text(e.description)]) {
    const m = /doi:\s*(10\.\d{4,9}\/[^\s"'<>?#]+)/i.exec(decodeEntities(t)) ?? (/doi\.org\//i.test(t) ? DOI_IN_TEXT.exec(t) : null);
    if (m) return doiOf(withoutTrailingPunctuation(m[1]));
  }
  return null;
}

/** The link of an entry: Atom's alternate (or first) link href, RSS's link text, an RDF item's rdf:about. */
function entryLink(e: XmlNode): string {
  const links = list(e.link);
  const atom = links.find((l) => attr(l, 'href') && (!attr(l, 'rel') || attr(l, 'rel') === 'alternate')) ?? links.find((l) => attr(l, 'href'));
  const href = atom ? attr(atom, 'href') : text(e.link);
  return (href || attr(e, 'rdf:about') || (attr(e.guid, 'isPermaLink') !== 'false' ? text(e.guid) : '')).trim();
}

/** Author names: one per dc:creator or Atom author (a single dc:creator may list several, separated by ';'). */
function entryAuthors(e: XmlNode): string[] {
  const creators = list(e['dc:creator']).map((c) => plainText(text(c)));
  const names = creators.length === 1 ? creators[0].split(/\s*;\s*/) : creators;
  return [...names, ...list(e.author).map((a) => plainText(text(a.name)))].filter((n) => n !== '');
}

/** The id of an entry: `doi:<doi>`, or `url:` and a hash of its link when it has no DOI. */
export function entryId(doi: string | null, link: string): string | null {
  if (doi) return `doi:${doi}`;
  return link ? `url:${createHash('sha256').update(link).digest('hex').slice(0, 16)}` : null;
}

/** Maps one feed entry to raw paper fields, already decoded and without markup. */
export function journalEntryFields(e: XmlNode): RawPaper & { link: string; doiFound: string | null } {
  const link = entryLink(e);
  const doi = entryDoi(e, link);
  const published = text(e['dc:date']) || text(e['prism:publicationDate']) || text(e['prism:coverDate']) || text(e.pubDate) || text(e.published) || text(e.updated);
  const abstract = text(e.description) || text(e['content:encoded']) || text(e.summary) || text(e.content) || text(e['dc:description']);
  return {
    id: entryId(doi, link), title: plainText(text(e.title) || text(e['dc:title']), ''), abstract: plainText(abstract), authors: entryAuthors(e),
    published, url: link || (doi ? `https://doi.org/${doi}` : null), doi, link, doiFound: doi,
    // Volume and first page, to find the arXiv preprint whose journal-ref names them.
    citation: entryCitation(plainText(text(e['prism:publicationName'])), text(e['prism:volume']), text(e['prism:startingPage']), published || null),
  };
}

/** Parses a journal's RSS 1.0, RSS 2.0 or Atom feed; entries without a title, or without both link and DOI, and
 *  broken or cut-off entries are rejected with their place and reason, the rest kept. */
export function parseJournalFeed(xml: string): ParseResult {
  refuseEntities(xml);
  const shape = feedShape(xml.slice(0, 4096));
  if (!shape) throw new Error('not a feed: no <rdf:RDF>, <rss> or <feed> at the start');
  const tag = shape === 'atom' ? 'entry' : 'item';
  const result: ParseResult = { papers: [], rejected: [] };
  readEntries(xml, tag, { rss1: 'rdf:RDF', rss2: 'rss', atom: 'feed' }[shape], result, (e, where) => {
    const fields = journalEntryFields(e);
    if (!fields.id) return void result.rejected.push({ where, reason: 'no link and no DOI' });
    // Fields are decoded here (markup dropped after decoding), so toPaper must not decode them again.
    collect(result, toPaper({ ...fields, categories: [] }, where, false));
  });
  return result;
}

/** The feed's own title (channel or feed title), '' when it has none: how a feed is named on the form. */
export function feedTitle(xml: string): string {
  const shape = feedShape(xml.slice(0, 4096));
  const head = xmlChunks(xml, shape === 'atom' ? 'entry' : 'item').head;
  const m = /<title[^>]*>([\s\S]*?)<\/title>/.exec(head);
  return m ? plainText(text(m[1].trim()), '').slice(0, 200) : '';
}
