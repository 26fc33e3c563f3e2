// bioRxiv and medRxiv, from their public details API: `api.biorxiv.org/details/<server>/<from>/<to>/<cursor>/json`
// answers JSON `{messages: [{status, cursor, count, total}], collection: [...]}`, 100 records a page, one record per
// version of a preprint. A preprint is one paper, named by its DOI; its versions merge as arXiv's do (the earliest
// date kept, the newest version's text), and its subject becomes a category such as `biorxiv.neuroscience`.
import type { Paper } from '../model.js';
import { doiOf } from '../paper-identity.js';
import { collect, str, toPaper } from './raw-paper.js';
import { subjectCode } from '../taxonomy.js';
import type { ParseResult } from './types.js';

/** The two servers the details API serves. */
export const RXIV_SERVERS = ['biorxiv', 'medrxiv'] as const;
export type RxivServer = (typeof RXIV_SERVERS)[number];

/** Records a details page holds at most: the API's page size. */
export const RXIV_PAGE_SIZE = 100;


/** Where a details page stands: the first record's position, how many it holds and how many the interval has. */
export interface RxivPaging {
  cursor: number;
  count: number;
  total: number;
}

/** The paging of a details page, or null when it carries none (an error answer, or no record in the interval). */
export function rxivPaging(json: unknown): RxivPaging | null {
  const m = (json as { messages?: unknown[] } | null)?.messages?.[0] as Record<string, unknown> | undefined;
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN);
  const p = m ? { cursor: num(m.cursor), count: num(m.count), total: num(m.total) } : null;
  return p && Object.values(p).every(Number.isFinite) ? p : null;
}

/** The cursor of the next page, or null when this page was the last. */
export function nextCursor(p: RxivPaging | null): number | null {
  return p && p.count > 0 && p.cursor + p.count < p.total ? p.cursor + p.count : null;
}

/** The server a record is from ("bioRxiv" and "medrxiv" both appear), or null. */
function serverOf(v: unknown): RxivServer | null {
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  return (RXIV_SERVERS as readonly string[]).includes(s) ? (s as RxivServer) : null;
}

/** One record as a paper: id `doi:<preprint DOI>`, the journal version's DOI (when published) as its doi. */
function recordPaper(r: Record<string, unknown>, where: string): Paper | { where: string; reason: string } {
  const doi = doiOf(str(r.doi) ?? '');
  if (!doi) return { where, reason: 'no DOI' };
  const server = serverOf(r.server) ?? 'biorxiv';
  const version = str(r.version);
  const page = `https://www.${server}.org/content/${doi}${version ? `v${version}` : ''}`;
  const subject = str(r.category);
  const published = str(r.published);
  return toPaper({
    id: `doi:${doi}`, title: r.title, abstract: r.abstract,
    authors: (str(r.authors) ?? '').split(';'), categories: subject ? [subjectCode(server, subject)] : [],
    published: r.date, url: page, pdfUrl: `${page}.full.pdf`, doi: published && published !== 'NA' ? published : null,
  }, where);
}

/** Parses one details page. A record that is not an object, or has no DOI or title, is rejected by its place;
 *  versions of one preprint become one paper (the newest version's fields, the first version's date). */
export function parseRxivDetails(text: string): ParseResult {
  const json = JSON.parse(text) as { collection?: unknown; messages?: { status?: string }[] };
  const status = json?.messages?.[0]?.status;
  if (!Array.isArray(json?.collection)) {
    throw new Error(status && status !== 'ok' ? `the details API answered "${String(status).slice(0, 200)}"` : 'not a details API answer: no collection');
  }
  const result: ParseResult = { papers: [], rejected: [] };
  const byId = new Map<string, { paper: Paper; version: number }>();
  json.collection.forEach((r, i) => {
    const where = `record ${i + 1}`;
    if (!r || typeof r !== 'object' || Array.isArray(r)) return result.rejected.push({ where, reason: 'not an object' });
    const p = recordPaper(r as Record<string, unknown>, where);
    if ('reason' in p) return result.rejected.push(p);
    const version = Number((r as { version?: unknown }).version) || 0;
    const known = byId.get(p.id);
    if (!known) return void byId.set(p.id, { paper: p, version });
    const [older, newer] = version >= known.version ? [known.paper, p] : [p, known.paper];
    const first = [older.published, newer.published].filter((d): d is string => d !== null).sort()[0] ?? null;
    byId.set(p.id, { paper: { ...newer, published: first, doi: newer.doi ?? older.doi ?? null }, version: Math.max(version, known.version) });
  });
  for (const { paper } of byId.values()) collect(result, paper);
  return result;
}
