// JSONL: one paper per line. Paperboy's import and export format (`paperboy export` writes it).
// JSON strings are plain text: entities are not decoded again, so export → import changes nothing.
import { citationOf } from '../citation.js';
import type { Paper } from '../model.js';
import { collect, toPaper } from './raw-paper.js';
import type { ParseResult } from './types.js';

type Obj = Record<string, unknown>;

/** The primary category first, then the rest. */
function withPrimary(categories: unknown, primary: unknown): unknown {
  if (typeof primary !== 'string' || !Array.isArray(categories)) return categories;
  return [primary, ...categories];
}

/** Parses JSONL text; each bad line is rejected by line number and the rest are kept. */
export function parseJsonl(text: string): ParseResult {
  const result: ParseResult = { papers: [], rejected: [] };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '') continue;
    const where = `line ${n + 1}`;
    let r: Obj;
    try {
      r = JSON.parse(line) as Obj;
    } catch (err) {
      result.rejected.push({ where, reason: `invalid JSON: ${(err as Error).message}` });
      continue;
    }
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      result.rejected.push({ where, reason: 'not a JSON object' });
      continue;
    }
    collect(result, toPaper({
      id: r.id, title: r.title, abstract: r.abstract ?? r.summary, authors: r.authors,
      categories: withPrimary(r.categories, r.primary_category), published: r.published, url: r.url,
      pdfUrl: r.pdf_url ?? r.pdfUrl, codeUrl: r.code_url ?? r.codeUrl, thumbnail: r.thumbnail, doi: r.doi,
      upvotes: r.upvotes, comments: r.comments ?? r.num_comments, firstSeen: r.first_seen ?? undefined,
      // Paperboy's export writes the parsed citation; arXiv's metadata dumps give the journal-ref text.
      citation: citationOf(r.citation ?? r['journal-ref'] ?? r.journal_ref),
    }, where, false));
  }
  return result;
}

/** One paper as a JSONL line (no newline), in the shape parseJsonl reads back. */
export function paperToJsonl(p: Paper): string {
  return JSON.stringify({
    id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, categories: p.categories,
    published: p.published, url: p.url, pdf_url: p.pdfUrl ?? null, code_url: p.codeUrl ?? null,
    thumbnail: p.thumbnail ?? null, upvotes: p.upvotes ?? null, comments: p.comments ?? null,
    first_seen: p.firstSeen ?? null, ...(p.doi ? { doi: p.doi } : {}), ...(p.citation ? { citation: p.citation } : {}),
  });
}
