import { titleId } from '../paper-identity.js';
import { cleanText } from './text.js';
import type { ParseResult } from './types.js';

// A title is a short line; an abstract is a long one. Saved pages mix in chrome such as
// "Get trending papers in your email inbox!" and glue the "Subscribe" button to the first title.
const MAX_TITLE = 300;
const MIN_ABSTRACT = 80;
const CHROME = /^(get trending papers\b.*|subscribe)$/i;

/** Parses a plain listing of alternating title and abstract lines (e.g. a saved Hugging Face papers page). */
export function parseListing(text: string): ParseResult {
  const lines = text.split(/\r?\n/).map((l, i) => ({ no: i + 1, text: l.trim() }))
    .filter((l) => l.text !== '' && !CHROME.test(l.text));
  const result: ParseResult = { papers: [], rejected: [] };
  let i = 0;
  while (i < lines.length) {
    const title = lines[i].text.replace(/^Subscribe(?=\p{Lu})/u, '');
    const next = lines[i + 1];
    if (title.length > MAX_TITLE) {
      result.rejected.push({ where: `line ${lines[i].no}`, reason: 'a long line with no title before it' });
      i += 1;
    } else if (!next || next.text.length < MIN_ABSTRACT) {
      result.rejected.push({ where: `line ${lines[i].no}`, reason: 'a title with no abstract after it' });
      i += 1;
    } else {
      const clean = cleanText(title);
      result.papers.push({
        id: titleId(clean), title: clean, abstract: cleanText(next.text),
        authors: [], categories: [], published: null, url: null,
      });
      i += 2;
    }
  }
  return result;
}
