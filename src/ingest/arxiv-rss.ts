// arXiv announcement feeds: RSS 2.0 (`rss.arxiv.org/rss/<cat>`) and Atom (`rss.arxiv.org/atom/<cat>`).
// Items carry `oai:arXiv.org:<id>v<n>` ids, "arXiv:<id>v<n> Announce Type: new Abstract: …" descriptions
// and all authors in one `dc:creator` string such as "A, B and C".
import { parseJournalRef } from '../citation.js';
import { normalizeArxivId } from './normalize.js';
import { collect, toPaper, type RawPaper } from './raw-paper.js';
import type { ParseResult } from './types.js';
import { attr, list, readEntries, refuseEntities, text, type XmlNode } from './xml.js';

/** Splits "A, B, and C" or "A, B and C" into names. */
export function splitCreators(s: string): string[] {
  return s.split(/\s*,\s*(?:and\s+)?|\s+and\s+/).map((n) => n.trim()).filter((n) => n !== '');
}

/** The abstract inside an announcement description (the text after "Abstract:"). */
export function announcedAbstract(description: string): string {
  const m = /^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*(?:Abstract:)?\s*/i.exec(description);
  return m ? description.slice(m[0].length) : description.replace(/^\s*Abstract:\s*/i, '');
}

/** All author names of an item, from `dc:creator` strings or Atom `author/name`. */
function creators(e: XmlNode): string[] {
  const names = [...list(e['dc:creator']).map(text), ...list(e.author).map((a) => text(a.name))];
  return names.flatMap(splitCreators);
}

/** Maps one RSS item or Atom listing entry to raw paper fields. */
export function listingItemFields(e: XmlNode): RawPaper {
  const href = list(e.link).map((l) => attr(l, 'href') || text(l)).find((h) => h !== '');
  return {
    id: text(e.guid) || text(e.id) || href, title: text(e.title),
    abstract: announcedAbstract(text(e.description) || text(e.summary)),
    authors: creators(e),
    categories: list(e.category).map((c) => attr(c, 'term') || text(c)),
    published: text(e.pubDate) || text(e.published) || text(e.updated),
    // The journal version's DOI, when the authors gave one (arXiv's announcement feeds say arxiv:DOI).
    doi: text(e['arxiv:DOI']) || text(e['arxiv:doi']),
    // Its journal-ref, where the feed gives one.
    citation: parseJournalRef(text(e['arxiv:journal_reference']) || text(e['arxiv:journal_ref'])),
  };
}

/** Parses an arXiv RSS or Atom announcement feed; broken or cut-off items are rejected by item and line. */
export function parseArxivRss(xml: string): ParseResult {
  refuseEntities(xml);
  const tag = /<rss[\s>]/.test(xml) ? 'item' : 'entry';
  const result: ParseResult = { papers: [], rejected: [] };
  readEntries(xml, tag, tag === 'item' ? 'rss' : 'feed', result, (e, where) => {
    const fields = listingItemFields(e);
    if (!normalizeArxivId(String(fields.id ?? ''))) return void result.rejected.push({ where, reason: `no arXiv id in guid or link` });
    collect(result, toPaper(fields, where));
  });
  return result;
}
