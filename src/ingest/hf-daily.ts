// Hugging Face daily papers (`/api/daily_papers`): a JSON array of entries, each with a `paper`.
// Saved files vary: some entries are Python `repr` strings, some files wrap the array in {status, date, count, data}.
import { splitJsonArray } from './json-split.js';
import { parsePyLiteral } from './py-literal.js';
import { collect, lineCounter, toPaper, type RawPaper } from './raw-paper.js';
import type { ParseResult } from './types.js';

type Obj = Record<string, unknown>;

/** The object of a value, or an empty one. */
function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** Maps one daily-papers entry to raw paper fields. */
export function hfEntryFields(entry: Obj): RawPaper {
  const p = obj(entry.paper);
  const authors = Array.isArray(p.authors) ? p.authors.map((a) => (typeof a === 'string' ? a : obj(a).name)) : [];
  return {
    id: p.id, title: p.title ?? entry.title, abstract: p.summary ?? entry.summary, authors,
    published: p.publishedAt ?? entry.publishedAt, codeUrl: p.githubRepo,
    thumbnail: entry.thumbnail, upvotes: p.upvotes, comments: entry.numComments,
  };
}

/** Decodes one array element: a JSON object, or a JSON string holding a Python literal. */
function decodeEntry(text: string): Obj {
  let v: unknown = JSON.parse(text);
  if (typeof v === 'string') v = parsePyLiteral(v);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
  return v as Obj;
}

/** Where the entries array opens: at the start, or in the `data` field of a wrapper object. */
function arrayStart(text: string): number {
  const lead = text.search(/\S/);
  if (text[lead] === '[') return lead;
  const wrapped = /^\s*\{[\s\S]*?"data"\s*:\s*\[/.exec(text);
  if (!wrapped) throw new Error('not a Hugging Face daily papers file: expected a JSON array or an object with "data"');
  return wrapped[0].length - 1;
}

/** Parses a Hugging Face daily papers response; bad entries are rejected by entry number and line. */
export function parseHfDaily(text: string): ParseResult {
  const result: ParseResult = { papers: [], rejected: [] };
  const { elements, closed } = splitJsonArray(text, arrayStart(text));
  const lineOf = lineCounter(text);
  elements.forEach((el, i) => {
    const where = `entry ${i + 1} (line ${lineOf(el.start)})`;
    let entry: Obj;
    try {
      entry = decodeEntry(el.text);
    } catch (err) {
      result.rejected.push({ where, reason: `unreadable entry: ${(err as Error).message}` });
      return;
    }
    if (Object.keys(obj(entry.paper)).length === 0) {
      result.rejected.push({ where, reason: 'no "paper" object' });
      return;
    }
    collect(result, toPaper(hfEntryFields(entry), where));
  });
  if (!closed) result.rejected.push({ where: `line ${lineOf(text.length)}`, reason: 'the file ends before the array closes (truncated?)' });
  return result;
}
