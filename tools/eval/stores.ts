// Simulated subscribers on a store WITHOUT categories (as Hugging Face papers come): seeds, two interests,
// keywords typed from a field's name. The field (an arXiv category) defines relevance and is held out:
// the ranker never sees any paper's categories.
import type { Paper, Profile } from '#paperboy/model.js';
import { categoryName } from '#paperboy/taxonomy.js';
import { sample } from './data.js';

/** One measured day: the store's week up to it, the day before (clicks), the day itself, and the papers' held-out fields. */
export interface Day {
  label: string;
  /** Papers stored before the measured day (seeds come from here), categories removed. */
  history: Paper[];
  /** The run's pool: the last `window` announcement days up to and including the measured one, categories removed. */
  week: Paper[];
  click: Paper[];
  eval: Paper[];
}

/** One simulated subscriber on one day; `fields` are the held-out categories that make a paper relevant. */
export interface TextScenario {
  segment: string;
  profile: Profile;
  fields: string[];
  relevant: Set<string>;
  clickRelevant: Set<string>;
}

const EMPTY: Profile = { keywords: [], categories: [], authors: [], about: '', papers: [], votes: [] };

/** Days of a paper set, each with a `window`-day pool ending on it; the last `n` days after skipping `skip`.
 *  Categories are removed unless `keepCategories` (to compare with a store that has them). */
export function days(papers: Paper[], window: number, n: number, skip = 0, keepCategories = false): Day[] {
  const blind = keepCategories ? papers : papers.map((p) => ({ ...p, categories: [] }));
  const day = (p: Paper) => p.published!.slice(0, 10);
  // A day with a handful of papers (a weekend straggler) is no announcement day.
  const counts = new Map<string, number>();
  for (const p of papers) counts.set(day(p), (counts.get(day(p)) ?? 0) + 1);
  const all = [...counts].filter(([, c]) => c >= 50).map(([d]) => d).sort();
  return all.slice(all.length - n - skip, all.length - skip).map((d) => {
    const i = all.indexOf(d);
    const from = all[Math.max(0, i - window + 1)];
    return {
      label: d,
      history: blind.filter((p) => day(p) < d),
      week: blind.filter((p) => day(p) >= from && day(p) <= d),
      click: blind.filter((p) => day(p) === all[i - 1]),
      eval: blind.filter((p) => day(p) === d),
    };
  });
}

/** Fields worth a subscriber on a day: at least `minHistory` earlier papers and `minRelevant` papers on the day. */
function fieldsOf(d: Day, truth: Map<string, string[]>, minHistory: number, minRelevant: number): { field: string; hist: Paper[] }[] {
  const by = new Map<string, Paper[]>();
  for (const p of d.history) for (const c of truth.get(p.id) ?? []) (by.get(c) ?? by.set(c, []).get(c)!).push(p);
  return [...by].filter(([c, hist]) => hist.length >= minHistory && relevantIn(d.eval, truth, [c]).size >= minRelevant)
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([field, hist]) => ({ field, hist }));
}

/** Papers listing any of `fields` (primary or cross-list). */
export function relevantIn(papers: Paper[], truth: Map<string, string[]>, fields: string[]): Set<string> {
  return new Set(papers.filter((p) => (truth.get(p.id) ?? []).some((c) => fields.includes(c))).map((p) => p.id));
}

/** What a person types for a field: its name, lower-cased ("computer vision and pattern recognition"). */
export function fieldWords(field: string): string[] {
  const name = categoryName(field);
  return name ? [name.toLowerCase()] : [];
}

/** Subscribers of one day: per field, `repeats` draws of each kind (seeds only, keywords only, keywords + seeds),
 *  and pairs of fields with 3 + 3 seeds. */
export function textScenarios(d: Day, truth: Map<string, string[]>, rand: () => number, opts: { repeats: number; maxFields: number }): TextScenario[] {
  const fields = fieldsOf(d, truth, 20, 5).slice(0, opts.maxFields);
  const out: TextScenario[] = [];
  const make = (segment: string, fs: string[], profile: Profile) => out.push({
    segment, profile, fields: fs, relevant: relevantIn(d.eval, truth, fs), clickRelevant: relevantIn(d.click, truth, fs),
  });
  for (const { field, hist } of fields) {
    for (let r = 0; r < opts.repeats; r++) {
      const seeds = sample(hist, 5, rand).map((p) => p.id);
      make('seeds only (5 seeds)', [field], { ...EMPTY, papers: seeds });
      make('keywords + seeds', [field], { ...EMPTY, papers: seeds, keywords: fieldWords(field) });
      const other = fields[Math.floor(rand() * fields.length)];
      if (other.field !== field) {
        const two = [...sample(hist, 3, rand), ...sample(other.hist, 3, rand)].map((p) => p.id);
        make('two interests (3 + 3 seeds)', [field, other.field], { ...EMPTY, papers: two });
      }
    }
    if (fieldWords(field).length) make('keywords only (the field\'s name)', [field], { ...EMPTY, keywords: fieldWords(field) });
  }
  return out;
}
