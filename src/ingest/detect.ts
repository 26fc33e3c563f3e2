// Which parser a source needs, from its content first and its name second; `--format` overrides both.
import { parseArxivAtom } from './arxiv-atom.js';
import { parseArxivRss } from './arxiv-rss.js';
import { parseHfDaily } from './hf-daily.js';
import { parseJournalFeed } from './journal-feed.js';
import { parseJsonl } from './jsonl.js';
import { parseRxivDetails } from './rxiv.js';
import { parseListing } from './listing.js';
import { FORMATS, type Format, type ParseResult } from './types.js';

export { FORMATS, type Format } from './types.js';

const PARSERS: Record<Format, (text: string) => ParseResult> = {
  'hf-daily': parseHfDaily, 'arxiv-atom': parseArxivAtom, 'arxiv-rss': parseArxivRss, journal: parseJournalFeed, rxiv: parseRxivDetails,
  listing: parseListing, jsonl: parseJsonl,
};

/** The parser for a format. */
export function parserFor(format: Format): (text: string) => ParseResult {
  return PARSERS[format];
}

/** True when `s` names a known format. */
export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

/** The format of an XML document: arXiv's announcement feed (RSS, or Atom with oai ids) or API response, else any
 *  other publisher's feed (RSS 1.0/RDF, RSS 2.0, Atom). */
function xmlFormat(head: string): Format {
  const announcement = /oai:arXiv\.org:|Announce Type:|rss\.arxiv\.org/i.test(head);
  if (/<rdf:RDF[\s>]/.test(head)) return 'journal';
  if (/<rss[\s>]/.test(head)) return announcement || /arxiv\.org/i.test(head) ? 'arxiv-rss' : 'journal';
  if (/<feed[\s>]/.test(head)) return announcement ? 'arxiv-rss' : /arxiv\.org/i.test(head) ? 'arxiv-atom' : 'journal';
  throw new Error('XML that is neither an Atom feed nor RSS');
}

/** The format of a JSON document: JSONL when its first line is a whole object without a `data` or `paper` field. */
function jsonFormat(text: string, name: string): Format {
  if (/\.(jsonl|ndjson)(\.gz)?$/i.test(name)) return 'jsonl';
  // bioRxiv's and medRxiv's details API: one object with `messages` and `collection`.
  if (/^\s*\{\s*"(?:messages|collection)"\s*:/.test(text) && text.includes('"collection"')) return 'rxiv';
  if (text.trimStart().startsWith('[')) return 'hf-daily';
  const first = text.trimStart().split('\n', 1)[0];
  try {
    const o = JSON.parse(first) as Record<string, unknown>;
    // APIs such as Hugging Face's answer a bad request with {"error": "…"}.
    if ('error' in o && !('title' in o)) throw new Error(`the source answered with an error: ${JSON.stringify(o.error).slice(0, 200)}`);
    return 'data' in o || 'paper' in o ? 'hf-daily' : 'jsonl';
  } catch (err) {
    if (err instanceof SyntaxError) return 'hf-daily';
    throw err;
  }
}

/** Throws, quoting the page title, when a source answered an HTML page (a portal, a login wall, an error page), whatever format was expected. */
export function refuseHtml(text: string): void {
  const lead = text.slice(0, 4096).replace(/^\uFEFF/, '').trimStart();
  if (/^(<!doctype html|<html[\s>])/i.test(lead) || /^<\?xml[^>]*>\s*<!DOCTYPE html/i.test(lead)) {
    const title = /<title[^>]*>([^<]{0,120})/i.exec(text)?.[1]?.trim();
    throw new Error(`an HTML page, not a feed${title ? ` ("${title}")` : ''}: is the URL right, or is the server reporting an error?`);
  }
}

/** Guesses the format of a source from its text and name; throws for an HTML page or an empty body. */
export function detectFormat(text: string, name = ''): Format {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  const lead = head.trimStart();
  if (lead === '') throw new Error('empty input');
  refuseHtml(text);
  if (lead.startsWith('<')) return xmlFormat(head);
  if (lead.startsWith('[') || lead.startsWith('{')) return jsonFormat(text.slice(0, 1 << 20), name);
  return 'listing';
}
