// Reading a library's text whole: the format told apart, a pasted list read line by line, an export parsed by
// Citation.js (BibTeX/BibLaTeX and RIS through their plugins, CSL-JSON natively) with every field cut before it is
// converted, and read.ts turning the references into entries. The server runs this on the library thread
// (citation.ts) from the compiled file, so a hostile library costs that thread its time and memory, never the
// server's; the evaluation and the tests also run it in-process.
import { createRequire } from 'node:module';
import { type CitationRecord, type LibraryFormat, type LibraryRead, LibraryError, LibraryOverLimit, LibraryTooLarge, READ_LIMITS, detectFormat, fromRecords, noReference, readList } from './read.js';

/** Citation.js's input side, as far as it is used here. */
interface CitationInput {
  data(input: unknown, type: string): unknown;
  chain(input: unknown, options: object): unknown[];
}

/** The rules of Citation.js's BibTeX grammar (`this` is the parser: tokens, sub-rules and the per-file state). */
interface GrammarThis {
  consumeRule(rule: string): string | number;
  matchToken(type: string): boolean;
  consumeToken(type: string): unknown;
  state: { expanded?: number };
}

const load = createRequire(import.meta.url);

/** Caps what `@string` macros may expand to: Citation.js's BibTeX grammar joins `a # b` and substitutes macros as it
 *  parses, so 24 lines that each double the one before make gigabytes from 800 bytes. This Expression rule is
 *  Citation.js's own (plugin-bibtex 0.8, lib/input/file.js) with a count of every value's characters in the file:
 *  past READ_LIMITS.expandedChars it stops with LibraryOverLimit before the next join is made. */
function boundMacroExpansion(): void {
  const { bibtexGrammar } = load('@citation-js/plugin-bibtex/lib/input/file.js') as { bibtexGrammar?: { rules?: Record<string, unknown> } };
  const rules = bibtexGrammar?.rules;
  if (!rules || typeof rules.Expression !== 'function' || typeof rules.ExpressionPart !== 'function') {
    throw new Error('@citation-js/plugin-bibtex has no bibtexGrammar Expression rule to bound: check its version');
  }
  const max = READ_LIMITS.expandedChars;
  const count = (self: GrammarThis, n: number) => {
    self.state.expanded = (self.state.expanded ?? 0) + n;
    if (self.state.expanded > max) throw new LibraryOverLimit(`its @string macros expand to more than ${max / 1024 / 1024} MB of text`);
  };
  rules.Expression = function (this: GrammarThis) {
    let output = this.consumeRule('ExpressionPart');
    count(this, String(output).length);
    this.consumeRule('_');
    while (this.matchToken('hash')) {
      this.consumeToken('hash');
      this.consumeRule('_');
      const part = this.consumeRule('ExpressionPart').toString();
      count(this, String(output).length + part.length);
      output += part;
      this.consumeRule('_');
    }
    return output;
  };
}

/** Loads Citation.js and its plugins once, with macro expansion bounded. */
let loaded: CitationInput | undefined;
function citation(): CitationInput {
  if (!loaded) {
    const { plugins } = load('@citation-js/core') as { plugins: { input: CitationInput } };
    load('@citation-js/plugin-bibtex');
    load('@citation-js/plugin-ris');
    boundMacroExpansion();
    loaded = plugins.input;
  }
  return loaded;
}

/** A copy of a parsed reference with every text cut to READ_LIMITS.fieldChars, lists to 100 items and nesting to
 *  4 levels, before Citation.js converts it or anything matches it. */
function cut(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.slice(0, READ_LIMITS.fieldChars);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 4) return undefined;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => cut(v, depth + 1));
  return Object.fromEntries(Object.entries(value).slice(0, 200).map(([k, v]) => [k, cut(v, depth + 1)]));
}

/** A syntax error of the whole file as LibraryError, naming its line: moo (BibTeX) says "at line 7 col 1",
 *  JSON.parse "at position 1234" (counted here into a line). */
function syntaxError(err: unknown, text: string): LibraryError {
  const message = err instanceof Error ? err.message : String(err);
  const pos = /at position (\d+)/.exec(message)?.[1];
  const line = /at line (\d+)/.exec(message)?.[1] ?? (pos === undefined ? undefined : String(text.slice(0, Number(pos)).split('\n').length));
  const reason = message.split('\n')[0].replace(/ at line \d+ col \d+:?$/, '').replace(/ in JSON at position \d+.*$/, '').slice(0, 200);
  return new LibraryError(line ? `line ${line}` : 'the file', reason === 'invalid syntax' ? 'invalid BibTeX syntax (an unclosed brace or quote, or a missing comma?)' : reason);
}

/** Citation.js's RIS reader fails on a tag before the first record's TY line; says which line that is. */
function risOutsideRecord(ris: string): LibraryError {
  const at = ris.split(/\r?\n/).findIndex((l) => /^[A-Z][A-Z0-9] {2}-/.test(l.trim()));
  return new LibraryError(at >= 0 ? `line ${at + 1}` : 'the file', 'a RIS tag before the first record begins (no TY line?)');
}

/** The references of an export, each parsed by its format's own parser (no guessing of the format over the whole
 *  text), counted before any is converted (LibraryTooLarge past `max`). */
function references(format: 'bibtex' | 'ris' | 'csl-json', text: string, max: number): unknown[] {
  let items: unknown;
  try {
    if (format === 'csl-json') {
      const json = JSON.parse(text);
      items = Array.isArray(json) ? json : [json];
    } else {
      items = citation().data(text, format === 'bibtex' ? '@biblatex/text' : '@ris/file');
      if (!Array.isArray(items)) throw new Error(`not a ${format === 'ris' ? 'RIS' : 'BibTeX'} file`);
    }
  } catch (err) {
    if (err instanceof LibraryOverLimit) throw err;
    if (format === 'ris' && err instanceof TypeError) throw risOutsideRecord(text);
    throw syntaxError(err, text);
  }
  if ((items as unknown[]).length > max) throw new LibraryTooLarge((items as unknown[]).length, max);
  return items as unknown[];
}

/** One reference converted to CSL-JSON on its own, so one Citation.js cannot convert (broken LaTeX) is skipped alone. */
function record(format: 'bibtex' | 'ris' | 'csl-json', item: unknown, i: number): CitationRecord {
  const toCsl = (x: unknown) => citation().chain(x, { target: '@csl/list+object', generateGraph: false })[0] as CitationRecord['csl'];
  const o = (cut(item) ?? {}) as Record<string, unknown>;
  // A citation key names an entry; a CSL id that is a URL (Zotero's) names nothing a person knows.
  const key = typeof o.label === 'string' ? o.label : typeof o.id === 'string' ? o.id : '';
  const label = key.length <= 60 && !key.includes('/') ? key : '';
  const where = `${format === 'bibtex' ? 'entry' : format === 'ris' ? 'record' : 'item'} ${i + 1}${label ? ` (${label})` : ''}`;
  // The fields as written, where a date-added is looked for: BibTeX's properties, RIS's tags, a JSON item's keys.
  const raw = format === 'bibtex' ? { ...(o.properties as object) } : o;
  try {
    if (format === 'csl-json' && (!item || typeof item !== 'object' || Array.isArray(item))) throw new Error('not a CSL-JSON object');
    const csl = toCsl(o);
    // A RIS type Citation.js does not know (PREPRINT, …) converts to nothing: read the record as generic (GEN).
    if (format === 'ris' && Object.keys(csl ?? {}).length === 0) return { where, raw, csl: toCsl({ ...o, TY: 'GEN' }) };
    return { where, raw, csl };
  } catch (err) {
    if (err instanceof RangeError && /call stack/.test(err.message)) return { where, raw, error: 'nested too deeply' };
    const why = (err instanceof Error ? err.message : String(err)).split('\n')[0].replace(/ at line \d+ col \d+:?$/, '');
    return { where, raw, error: citationReason(format, why) };
  }
}

/** Citation.js's reason for a reference it could not convert, in our words: a parser's "expected …" is broken LaTeX,
 *  its generic "This format is not supported or recognized" says what the reference is not. */
function citationReason(format: 'bibtex' | 'ris' | 'csl-json', why: string): string {
  if (why.startsWith('expected')) return `its LaTeX is broken (${why})`;
  if (/not supported or recognized/i.test(why)) return `it is not a ${format === 'bibtex' ? 'BibTeX entry' : format === 'ris' ? 'RIS record' : 'CSL-JSON reference'} Citation.js can read`;
  return why;
}

/** How a library's text arrived: an uploaded file's name (its extension is trusted for the format). */
export interface TextSource {
  name?: string;
  hint?: LibraryFormat | null;
}

/** Reads a library's text: a pasted list or an export. Throws LibraryError (unreadable, or holding no reference at all,
 *  naming the line, entry or file and the format expected), LibraryTooLarge (more than `max` references) or
 *  LibraryOverLimit (a limit of READ_LIMITS). */
export function readLibraryText(text: string, max: number, from: TextSource = {}): LibraryRead {
  const format = detectFormat(text, from.hint ?? null);
  const read = format === 'list' ? readList(text, max)
    : fromRecords(format, references(format, text, max).map((item, i) => record(format, item, i)));
  if (read.entries.length === 0) throw noReference(format, read, from.name);
  return read;
}
