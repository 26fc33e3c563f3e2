// Fetching a bioRxiv or medRxiv subject: the details API page by page (cursor 0, 100, …) over the last days, each
// page a run of its own, spaced by the per-host limiter like arXiv's feeds; only the subject's records are kept.
import { SUBJECTS } from '../taxonomy.js';
import { addDays } from './sources.js';
import { ingestSource, type IngestDeps, type IngestSummary } from './run.js';
import { nextCursor, rxivPaging } from './rxiv.js';

/** Days a fetch of a subject covers, today included: a preprint posted late yesterday still arrives. */
export const RXIV_DAYS = 2;

/** Pages one fetch of a subject reads at most (a busy subject has a few a day; more means something is wrong). */
export const RXIV_MAX_PAGES = 20;

/** The details API page of `code`'s subject from `from` to `to` at `cursor`. */
export function rxivPageUrl(endpoint: string, code: string, from: string, to: string, cursor: number): string {
  const s = SUBJECTS.get(code);
  if (!s) throw new Error(`${code} is not a bioRxiv or medRxiv subject`);
  return `${endpoint}${s.server}/${from}/${to}/${cursor}/json?category=${encodeURIComponent(s.query)}`;
}

/** What fetching a subject did: its pages' runs, summed. */
export interface SubjectFetch {
  code: string;
  pages: number;
  new: number;
  updated: number;
  rejected: number;
  error: string | null;
}

/** Fetches a subject's preprints of the last RXIV_DAYS days, every page of them; stops at the first page that fails. */
export async function ingestSubject(deps: IngestDeps, endpoint: string, code: string, today: string): Promise<SubjectFetch> {
  const from = addDays(today, -(RXIV_DAYS - 1));
  const out: SubjectFetch = { code, pages: 0, new: 0, updated: 0, rejected: 0, error: null };
  for (let cursor: number | null = 0; cursor !== null && out.pages < RXIV_MAX_PAGES;) {
    let next: number | null = null;
    const r: IngestSummary = await ingestSource(deps, rxivPageUrl(endpoint, code, from, today, cursor), {
      format: 'rxiv', keep: (p) => p.categories.includes(code),
      onText: (text) => { next = nextCursor(rxivPaging(JSON.parse(text))); },
    });
    out.pages++;
    out.new += r.new;
    out.updated += r.updated;
    out.rejected += r.rejected;
    if (r.error) return { ...out, error: r.error };
    cursor = next;
  }
  return out;
}
