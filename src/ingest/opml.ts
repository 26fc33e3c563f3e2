// OPML, the outline file feed readers export their subscriptions as: every `<outline xmlUrl="…">` is a feed.
import { Parser } from 'htmlparser2';
import type { Rejection } from '../model.js';
import { decodeEntities } from './text.js';
import { refuseEntities } from './xml.js';

/** A feed an OPML file lists: its URL and the name the reader gave it. */
export interface OpmlFeed {
  url: string;
  title: string | null;
}

/** The feeds of an OPML file (http(s) `xmlUrl`s, each once); outlines with another kind of URL are rejected by line. */
export function parseOpml(text: string): { feeds: OpmlFeed[]; rejected: Rejection[] } {
  refuseEntities(text);
  if (!/<opml[\s>]/i.test(text.slice(0, 4096))) throw new Error('not an OPML file: no <opml> at the start');
  const feeds = new Map<string, OpmlFeed>();
  const rejected: Rejection[] = [];
  let line = 1;
  let seen = 0;
  const parser = new Parser({
    onopentag(name, a) {
      line += countLines(text, seen, parser.startIndex);
      seen = parser.startIndex;
      if (name.toLowerCase() !== 'outline' || a.xmlUrl === undefined) return;
      const url = decodeEntities(a.xmlUrl).trim();
      if (!/^https?:\/\/[^\s]+$/i.test(url) || !URL.canParse(url)) return void rejected.push({ where: `line ${line}`, reason: `"${url.slice(0, 100)}" is not an http(s) URL` });
      const title = decodeEntities(a.title ?? a.text ?? '').trim();
      if (!feeds.has(url)) feeds.set(url, { url, title: title || null });
    },
  }, { xmlMode: true, decodeEntities: false });
  parser.end(text);
  return { feeds: [...feeds.values()], rejected };
}

/** Newlines in text[from, to). */
function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
