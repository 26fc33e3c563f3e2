// What a scheduled ingest fetches: PAPERBOY_SOURCES, with its two named sources expanded —
// `huggingface` (the daily papers of today and any day missed since the last good fetch) and
// `arxiv` (the announcement feed of every category an active subscriber follows).
import { isKnownCategory, SUBJECTS } from '../taxonomy.js';
import type { Format } from './types.js';

/** Where the named sources live; tests point them at local servers. */
export interface SourceEndpoints {
  /** Hugging Face daily papers API; `?date=YYYY-MM-DD&limit=100` is added. */
  huggingface: string;
  /** arXiv announcement feeds; the category is appended. */
  arxivRss: string;
  /** bioRxiv's and medRxiv's details API; `<server>/<from>/<to>/<cursor>/json?category=…` is appended. */
  rxiv?: string;
}

/** The real endpoints. */
export const ENDPOINTS: SourceEndpoints = {
  huggingface: 'https://huggingface.co/api/daily_papers',
  arxivRss: 'https://rss.arxiv.org/rss/',
  rxiv: 'https://api.biorxiv.org/details/',
};

/** How far back a Hugging Face catch-up goes at most: a digest looks back 7 days. */
export const HF_CATCH_UP_DAYS = 7;

/** A store that never fetched Hugging Face starts with today and the two days before (weekends are thin). */
export const HF_FIRST_DAYS = 3;

/** One fetch of a run. `hfDay` marks a Hugging Face day, remembered once its fetch succeeds. */
export interface PlannedSource {
  source: string;
  format?: Format;
  hfDay?: string;
  /** A journal feed's category code, given to each of its papers. */
  tag?: string;
  /** A bioRxiv or medRxiv subject code: fetched page by page from the details API (`source` only names it). */
  subject?: string;
}

/** What the plan depends on besides the configuration. */
export interface PlanState {
  /** Today, UTC, YYYY-MM-DD. */
  today: string;
  /** The latest Hugging Face day fetched without error, or null. */
  hfLastDay: string | null;
  /** The categories active subscribers follow (arXiv's and bioRxiv's or medRxiv's subjects). */
  categories: string[];
}

/** YYYY-MM-DD of `date` shifted by `days`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The Hugging Face days to fetch: from the last good day (it may have grown since) to today, at most a week. */
export function hfDays(today: string, lastDay: string | null): string[] {
  const oldest = addDays(today, -(HF_CATCH_UP_DAYS - 1));
  const from = lastDay === null ? addDays(today, -(HF_FIRST_DAYS - 1)) : lastDay < oldest ? oldest : lastDay;
  const days: string[] = [];
  for (let d = from; d <= today; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The fetches of one scheduled run, in order; files and URLs are kept as given. */
export function planSources(configured: readonly string[], state: PlanState, endpoints: SourceEndpoints = ENDPOINTS): PlannedSource[] {
  return configured.flatMap((s): PlannedSource[] => {
    if (s === 'huggingface') {
      return hfDays(state.today, state.hfLastDay).map((day) => ({ source: `${endpoints.huggingface}?date=${day}&limit=100`, format: 'hf-daily', hfDay: day }));
    }
    if (s === 'arxiv') return state.categories.filter(isKnownCategory).map((c) => ({ source: `${endpoints.arxivRss}${encodeURIComponent(c)}`, format: 'arxiv-rss' }));
    if (s === 'biorxiv' || s === 'medrxiv') return state.categories.filter((c) => SUBJECTS.get(c)?.server === s).map((c) => ({ source: `${s} ${c}`, subject: c }));
    return [{ source: s }];
  });
}

/** The sources in words, for the start-up line. */
export function describeSources(configured: readonly string[]): string {
  if (configured.length === 0) return 'none (PAPERBOY_SOURCES=none: nothing is fetched)';
  return configured.map((s) => s === 'huggingface' ? 'Hugging Face daily papers'
    : s === 'arxiv' ? "arXiv feeds of the subscribers' categories"
      : s === 'biorxiv' || s === 'medrxiv' ? `${s === 'biorxiv' ? 'bioRxiv' : 'medRxiv'} subjects the subscribers follow` : s).join(', ');
}
