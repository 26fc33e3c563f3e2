// Safe XML reading for feeds: entity declarations are refused, and each record is parsed on its own
// so that a cut-off or broken feed still yields its good records, each error naming its line.
import { Parser } from 'htmlparser2';
import { lineCounter } from './raw-paper.js';
import type { ParseResult } from './types.js';

/** A parsed XML element: child elements by name, attributes as `@name`, text as `#text`. */
export type XmlNode = Record<string, unknown>;

/** Throws when the document declares entities: feeds never need them, and they enable expansion bombs. */
export function refuseEntities(text: string): void {
  // Most feeds have no `<!` at all, and includes() is much faster than a case-insensitive search of a large text.
  if (!text.includes('<!')) return;
  const at = text.search(/<!ENTITY/i);
  if (at >= 0) throw new Error(`line ${lineCounter(text)(at)}: XML entity declarations are refused (entity-expansion bomb protection)`);
}

/** One record's XML and the line it starts on. */
export interface XmlChunk {
  xml: string;
  line: number;
  /** False when the text ends before the record's closing tag. */
  complete: boolean;
}

/** The records `<tag …>…</tag>` of a feed, in order, and the text before the first one. */
export function xmlChunks(text: string, tag: string): { head: string; chunks: XmlChunk[] } {
  const open = new RegExp(`<${tag}[\\s>]`, 'g');
  const close = `</${tag}>`;
  const lineOf = lineCounter(text);
  const chunks: XmlChunk[] = [];
  let head: string | null = null;
  for (let m = open.exec(text); m; m = open.exec(text)) {
    head ??= text.slice(0, m.index);
    const end = text.indexOf(close, m.index);
    const stop = end < 0 ? text.length : end + close.length;
    chunks.push({ xml: text.slice(m.index, stop), line: lineOf(m.index), complete: end >= 0 });
    open.lastIndex = stop;
  }
  return { head: head ?? text, chunks };
}

// Long text elements are taken raw (markup inside included), as the feeds' HTML-in-text needs; text() unwraps CDATA.
const RAW = new Set(['title', 'summary', 'description']);

/** An element being read: its name, attributes and children so far, its text, and where its open tag starts. */
interface Open {
  name: string;
  node: XmlNode;
  text: string;
  children: boolean;
  start: number;
  /** For a raw element: where its content starts. */
  rawFrom: number;
}

/** Adds a closed element to its parent: a string when it has only text, repeated names become arrays. */
function close(parent: Open, e: Open): void {
  const text = e.text.trim();
  const value = e.children || Object.keys(e.node).length > 0 ? (text ? { ...e.node, '#text': text } : e.node) : text;
  const known = parent.node[e.name];
  parent.node[e.name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  parent.children = true;
}

/** What the parser met where an element should have closed: a tag, or the end of the record. */
function closer(xml: string, at: number): string {
  const tag = /^<\/?[\w:.-]+>?/.exec(xml.slice(at, at + 100));
  return tag && at < xml.length ? tag[0] : 'the end of the record';
}

/**
 * Parses one element with htmlparser2's XML tokenizer (entities left undecoded: cleanText decodes them once).
 * Throws with the line (counted from `line`) of an element that is not closed in order: htmlparser2 would
 * close it silently, and a record cut short must be rejected, not stored half.
 */
export function parseXml(xml: string, line = 1): XmlNode {
  const fail = (at: number, what: string): never => {
    throw new Error(`line ${line + lineCounter(xml)(at) - 1}: ${what}`);
  };
  const stack: Open[] = [{ name: '', node: {}, text: '', children: false, start: -1, rawFrom: -1 }];
  const top = () => stack[stack.length - 1];
  const parser: Parser = new Parser({
    onopentag(name, attribs) {
      const node: XmlNode = {};
      for (const a in attribs) node['@' + a] = attribs[a];
      stack.push({ name, node, text: '', children: false, start: parser.startIndex, rawFrom: RAW.has(name) ? parser.endIndex + 1 : -1 });
    },
    ontext(t) { top().text += t; },
    oncdatastart() { top().text += '<![CDATA['; },
    oncdataend() { top().text += ']]>'; },
    onclosetag(name, implied) {
      const e = stack.pop()!;
      // An implied close is fine for a self-closing tag (the parser is still at its open tag); anything else was never closed.
      if (implied && parser.startIndex !== e.start) fail(e.start, `<${name}> is not closed before ${closer(xml, parser.startIndex)}`);
      if (e.rawFrom >= 0 && !implied) Object.assign(e, { text: xml.slice(e.rawFrom, parser.startIndex), node: {}, children: false });
      close(top(), e);
    },
  }, { xmlMode: true, decodeEntities: false });
  parser.end(xml);
  return stack[0].node;
}

/** Reads a feed's entries (`tag`) in order into `result`: one cut off or not well-formed is rejected with its place and
 *  reason, each other handed to `read` with its place; a feed that does not end with </root> is said to be truncated. */
export function readEntries(xml: string, tag: string, root: string, result: ParseResult, read: (e: XmlNode, where: string) => void): void {
  xmlChunks(xml, tag).chunks.forEach((c, i) => {
    const where = `${tag} ${i + 1} (line ${c.line})`;
    if (!c.complete) return void result.rejected.push({ where, reason: `the feed ends inside this ${tag} (truncated?)` });
    let e: XmlNode;
    try {
      e = parseXml(c.xml, c.line)[tag] as XmlNode;
    } catch (err) {
      return void result.rejected.push({ where, reason: `malformed XML: ${(err as Error).message}` });
    }
    read(e, where);
  });
  if (!new RegExp(`</${root}>\\s*$`).test(xml)) result.rejected.push({ where: 'end of file', reason: `no closing </${root}> (truncated?)` });
}

/** The text content of an element (or of `#text` when it also has attributes), '' when absent. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v.includes('<![CDATA[') ? v.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1') : v;
  if (Array.isArray(v)) return text(v[0]);
  if (v && typeof v === 'object') return text((v as XmlNode)['#text']);
  return '';
}

/** The value of attribute `name` of an element. */
export function attr(v: unknown, name: string): string {
  return v && typeof v === 'object' && !Array.isArray(v) ? text((v as XmlNode)['@' + name]) : '';
}

/** The elements of a repeated child as an array. */
export function list(v: unknown): XmlNode[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as XmlNode[];
}

/** The first GitHub repository URL in a text (arXiv comments often say "Code: https://github.com/…"). */
export function githubUrl(s: string): string | null {
  const m = /https?:\/\/github\.com\/[\w.-]+\/[\w.-]+/i.exec(s);
  return m ? m[0].replace(/[.]+$/, '') : null;
}
