// arXiv API responses (`export.arxiv.org/api/query`): Atom entries with arXiv extensions.
// An invalid query answers with one entry titled "Error"; no results is a feed without entries.
import { parseJournalRef } from '../citation.js';
import { normalizeArxivId } from './normalize.js';
import { collect, toPaper, type RawPaper } from './raw-paper.js';
import type { ParseResult } from './types.js';
import { attr, githubUrl, list, parseXml, refuseEntities, text, xmlChunks, type XmlNode } from './xml.js';

/** Categories of an entry, primary first. */
export function entryCategories(e: XmlNode): string[] {
  const primary = attr(e['arxiv:primary_category'], 'term');
  return [primary, ...list(e.category).map((c) => attr(c, 'term'))].filter((c) => c !== '');
}

/** Maps one API Atom entry to raw paper fields. */
export function atomEntryFields(e: XmlNode): RawPaper {
  const pdf = list(e.link).find((l) => attr(l, 'title') === 'pdf');
  return {
    id: text(e.id), title: text(e.title), abstract: text(e.summary),
    authors: list(e.author).map((a) => text(a.name)), categories: entryCategories(e),
    published: text(e.published) || text(e.updated),
    pdfUrl: pdf ? attr(pdf, 'href').replace(/v\d+$/, '') : null,
    codeUrl: githubUrl(text(e['arxiv:comment'])),
    // The journal version's DOI: arxiv:doi, else the DOI link arXiv adds beside it.
    doi: text(e['arxiv:doi']) || attr(list(e.link).find((l) => attr(l, 'title') === 'doi'), 'href'),
    // Where the authors say it was published, to find its journal version when no DOI is given.
    citation: parseJournalRef(text(e['arxiv:journal_ref'])),
  };
}

/** True for the entry arXiv sends instead of results when the query is invalid. */
function isApiError(e: XmlNode): boolean {
  return text(e.title).trim() === 'Error' && /\/api\/errors/.test(text(e.id));
}

/** Parses an arXiv API Atom response; broken, cut-off or id-less entries are rejected by entry and line. */
export function parseArxivAtom(xml: string): ParseResult {
  refuseEntities(xml);
  const result: ParseResult = { papers: [], rejected: [] };
  const { chunks } = xmlChunks(xml, 'entry');
  chunks.forEach((c, i) => {
    const where = `entry ${i + 1} (line ${c.line})`;
    if (!c.complete) return result.rejected.push({ where, reason: 'the feed ends inside this entry (truncated?)' });
    let e: XmlNode;
    try {
      e = parseXml(c.xml, c.line).entry as XmlNode;
    } catch (err) {
      return result.rejected.push({ where, reason: `malformed XML: ${(err as Error).message}` });
    }
    if (isApiError(e)) return result.rejected.push({ where, reason: `arXiv API error: ${text(e.summary).trim()}` });
    if (!normalizeArxivId(text(e.id))) return result.rejected.push({ where, reason: `not an arXiv id: ${JSON.stringify(text(e.id))}` });
    collect(result, toPaper(atomEntryFields(e), where));
  });
  if (!/<\/feed>\s*$/.test(xml)) result.rejected.push({ where: 'end of file', reason: 'no closing </feed> (truncated?)' });
  return result;
}
