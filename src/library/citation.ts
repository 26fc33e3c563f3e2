// Reading a library export with Citation.js (BibTeX/BibLaTeX and RIS through their plugins, CSL-JSON natively), on a
// worker thread: a 2 MB export of 5,000 references takes about a second of CPU, which must not hold up the server.
// The thread only parses; read.ts turns what it returns into entries.
import { createRequire } from 'node:module';
import { startThread, type WorkerThread } from '../worker-thread.js';
import { type CitationRecord, type LibraryFormat, type LibraryRead, LibraryError, LibraryTooLarge, detectFormat, fromRecords, readList } from './read.js';

/** A request to the parser: an export's text, its format, and the most references it may hold. */
interface ParseRequest {
  format: Exclude<LibraryFormat, 'list'>;
  text: string;
  max: number;
}

/** The parser's answer: every reference, or how many there were when over the limit. */
type ParseReply = { records: CitationRecord[] } | { tooMany: number };

/** The parser (on the thread, or in-process with `req` given): Citation.js reads the whole text (a syntax error
 *  fails it, naming the line), counts the references, then converts each to CSL-JSON on its own, so one reference
 *  Citation.js cannot convert (broken LaTeX) is skipped alone. Runs as source text: it may use only its arguments and `require`. */
function citationMain(data: { core: string; bibtex: string; ris: string }, req?: NodeRequire) {
  const load = req ?? require;
  const { plugins } = load(data.core);
  load(data.bibtex);
  load(data.ris);
  const toCsl = (x: unknown) => plugins.input.chain(x, { target: '@csl/list+object', generateGraph: false })[0];
  const syntax = (err: unknown, where: string) => {
    const message = err instanceof Error ? err.message : String(err);
    // moo (BibTeX) says "at line 7 col 1"; JSON.parse "at position 1234" (counted here into a line).
    const line = /at line (\d+)/.exec(message)?.[1] ?? lineAt(/at position (\d+)/.exec(message)?.[1]);
    const reason = message.split('\n')[0].replace(/ at line \d+ col \d+:?$/, '').replace(/ in JSON at position \d+.*$/, '');
    return Object.assign(new Error(message), { kind: 'syntax', where: line ? `line ${line}` : where, reason: reason === 'invalid syntax' ? 'invalid BibTeX syntax (an unclosed brace or quote, or a missing comma?)' : reason });
  };
  let text = '';
  // Citation.js's RIS reader fails on a tag before the first record's TY line; say which line that is.
  const risOutsideRecord = (ris: string) => {
    const at = ris.split(/\r?\n/).findIndex((l) => /^[A-Z][A-Z0-9] {2}-/.test(l.trim()));
    return Object.assign(new Error('RIS tag outside a record'), { kind: 'syntax', where: at >= 0 ? `line ${at + 1}` : 'the file', reason: 'a RIS tag before the first record begins (no TY line?)' });
  };
  const lineAt = (pos: string | undefined) => (pos === undefined ? undefined : String(text.slice(0, Number(pos)).split('\n').length));
  return {
    handle(r: { format: 'bibtex' | 'ris' | 'csl-json'; text: string; max: number }) {
      let items: unknown[];
      text = r.text;
      try {
        if (r.format === 'csl-json') {
          const json = JSON.parse(r.text);
          items = Array.isArray(json) ? json : [json];
        } else {
          items = plugins.input.chainLink(r.text);
          if (!Array.isArray(items)) throw new Error(`not a ${r.format === 'ris' ? 'RIS' : 'BibTeX'} file`);
        }
      } catch (err) {
        if (r.format === 'ris' && err instanceof TypeError) throw risOutsideRecord(r.text);
        throw syntax(err, 'the file');
      }
      if (items.length > r.max) return { tooMany: items.length };
      const records = items.map((item, i) => {
        const o = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
        // A citation key names an entry; a CSL id that is a URL (Zotero's) names nothing a person knows.
        const key = typeof o.label === 'string' ? o.label : typeof o.id === 'string' ? o.id : '';
        const label = key.length <= 60 && !key.includes('/') ? key : '';
        const where = `${r.format === 'bibtex' ? 'entry' : r.format === 'ris' ? 'record' : 'item'} ${i + 1}${label ? ` (${label})` : ''}`;
        const raw = r.format === 'bibtex' ? { ...(o.properties as object) } : r.format === 'ris' ? o : {};
        try {
          if (r.format === 'csl-json' && (!item || typeof item !== 'object' || Array.isArray(item))) throw new Error('not a CSL-JSON object');
          const csl = toCsl(item);
          // A RIS type Citation.js does not know (PREPRINT, …) converts to nothing: read the record as generic (GEN).
          if (r.format === 'ris' && Object.keys(csl ?? {}).length === 0) return { where, raw, csl: toCsl({ ...o, TY: 'GEN' }) };
          return { where, raw, csl };
        } catch (err) {
          const why = (err instanceof Error ? err.message : String(err)).split('\n')[0].replace(/ at line \d+ col \d+:?$/, '');
          return { where, raw, error: why.startsWith('expected') ? `its LaTeX is broken (${why})` : why };
        }
      });
      return { records };
    },
  };
}

/** Where the Citation.js packages are, for the thread to load them. */
function packages() {
  const req = createRequire(import.meta.url);
  return { core: req.resolve('@citation-js/core'), bibtex: req.resolve('@citation-js/plugin-bibtex'), ris: req.resolve('@citation-js/plugin-ris') };
}

/** Reads a library: an export (parsed by `parse`) or a pasted list; throws LibraryError or LibraryTooLarge. */
async function readWith(text: string, max: number, parse: (r: ParseRequest) => Promise<ParseReply> | ParseReply): Promise<LibraryRead> {
  const format = detectFormat(text);
  if (format === 'list') {
    const read = readList(text);
    if (read.total > max) throw new LibraryTooLarge(read.total, max);
    return read;
  }
  let reply: ParseReply;
  try {
    reply = await parse({ format, text, max });
  } catch (err) {
    const e = err as Error & { kind?: string; where?: string; reason?: string };
    if (e.kind === 'syntax') throw new LibraryError(e.where ?? 'the file', e.reason ?? e.message);
    throw err;
  }
  if ('tooMany' in reply) throw new LibraryTooLarge(reply.tooMany, max);
  return fromRecords(format, reply.records);
}

/** Reads libraries on a worker thread (started on first use, ended after a minute idle). */
export interface LibraryReader {
  read(text: string, max: number): Promise<LibraryRead>;
  close(): void;
}

/** Starts the reader used by the HTTP routes. */
export function startLibraryReader(): LibraryReader {
  const thread: WorkerThread<ParseRequest, ParseReply> = startThread({ main: citationMain, workerData: packages(), idleMs: 60_000, restart: true });
  return { read: (text, max) => readWith(text, max, (r) => thread.request(r)), close: () => thread.close() };
}

/** Reads a library in this thread (the evaluation and the command line, where nothing else waits). */
export function readLibrary(text: string, max: number): Promise<LibraryRead> {
  const parser = citationMain(packages(), createRequire(import.meta.url));
  return readWith(text, max, (r) => parser.handle(r) as ParseReply);
}
