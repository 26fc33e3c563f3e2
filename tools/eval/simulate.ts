// Simulated subscribers over real papers: who they are, what they state, and which later papers are relevant to them.
import type { Paper, Profile } from '#paperboy/model.js';
import { words } from '#paperboy/rank/tokenize.js';
import { sample } from './data.js';

/** One evaluation slice: the papers known before, the day whose digest collects clicks, and the day measured. */
export interface Slice {
  label: string;
  history: Paper[];
  click: Paper[];
  eval: Paper[];
}

/** One simulated subscriber on one slice. */
export interface Scenario {
  segment: string;
  profile: Profile;
  /** Relevant papers among the slice's eval / click papers. */
  relevant: Set<string>;
  clickRelevant: Set<string>;
}

/** Slices from papers grouped by `key` (a day, a week): each of the last `n` groups is measured, the one before collects clicks. */
export function slices(papers: Paper[], key: (p: Paper) => string, n: number, skip = 0): Slice[] {
  const groups = [...new Set(papers.map(key))].sort();
  return groups.slice(groups.length - n - skip, groups.length - skip).map((g) => {
    const i = groups.indexOf(g);
    return {
      label: g,
      history: papers.filter((p) => key(p) < groups[i - 1]),
      click: papers.filter((p) => key(p) === groups[i - 1]),
      eval: papers.filter((p) => key(p) === g),
    };
  });
}

/** Unigrams and bigrams of a paper's title and abstract, each once. */
function docTerms(p: Paper): Set<string> {
  const ws = words(`${p.title} ${p.abstract}`);
  const out = new Set(ws);
  for (let i = 1; i < ws.length; i++) out.add(`${ws[i - 1]} ${ws[i]}`);
  return out;
}

/** Document frequency of every term over papers. */
export function termDf(papers: Paper[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const p of papers) for (const t of docTerms(p)) df.set(t, (df.get(t) ?? 0) + 1);
  return df;
}

/** The `k` terms that best tell a group apart from everything (share in group × idf): what an expert would type. */
export function distinctiveTerms(group: Paper[], dfAll: Map<string, number>, total: number, k: number): string[] {
  const df = termDf(group);
  return [...df]
    .filter(([, n]) => n >= 3)
    .map(([t, n]) => [t, (n / group.length) * Math.log(total / (dfAll.get(t) ?? 1))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([t]) => t);
}

const EMPTY: Profile = { keywords: [], categories: [], authors: [], about: '', papers: [], votes: [] };

/** Subscribers following a category: 5 seed papers and 3 keywords from its history; relevant = its later papers
 *  (optionally only those at or above the slice's median upvotes). The category itself is not stated (it would be the answer). */
export function categoryScenarios(slice: Slice, rand: () => number, opts: { minHistory: number; minRelevant: number; popularOnly: boolean; max: number; segment: string; repeats: number }): Scenario[] {
  const dfAll = termDf(slice.history);
  const cats = new Map<string, Paper[]>();
  for (const p of slice.history) for (const c of p.categories) push(cats, c, p);
  const relevantIn = (ps: Paper[], c: string) => {
    const median = medianUpvotes(ps);
    return new Set(ps.filter((p) => p.categories.includes(c) && (!opts.popularOnly || (p.upvotes ?? 0) >= median)).map((p) => p.id));
  };
  const out: Scenario[] = [];
  for (const [c, hist] of [...cats].sort((a, b) => b[1].length - a[1].length)) {
    const relevant = relevantIn(slice.eval, c);
    if (hist.length < opts.minHistory || relevant.size < opts.minRelevant) continue;
    for (let r = 0; r < opts.repeats; r++) {
      const seeds = sample(hist, 5, rand);
      const keywords = distinctiveTerms(sample(hist, 400, rand), dfAll, slice.history.length, 3);
      out.push({ segment: opts.segment, profile: { ...EMPTY, keywords, papers: seeds.map((p) => p.id) }, relevant, clickRelevant: relevantIn(slice.click, c) });
    }
  }
  return out.slice(0, opts.max);
}

/** Subscribers following an author with at least two earlier papers: seeds = those papers; relevant = the author's papers that day. */
export function authorScenarios(slice: Slice, rand: () => number, max: number): Scenario[] {
  const byAuthor = (ps: Paper[]) => {
    const m = new Map<string, Paper[]>();
    for (const p of ps) for (const a of p.authors) push(m, a, p);
    return m;
  };
  const hist = byAuthor(slice.history);
  const later = byAuthor(slice.eval);
  const click = byAuthor(slice.click);
  const names = [...later.keys()].filter((a) => (hist.get(a)?.length ?? 0) >= 2).sort();
  return sample(names, max, rand).map((a) => ({
    segment: 'arXiv author',
    profile: { ...EMPTY, authors: [a], papers: hist.get(a)!.slice(0, 5).map((p) => p.id) },
    relevant: new Set(later.get(a)!.map((p) => p.id)),
    clickRelevant: new Set((click.get(a) ?? []).map((p) => p.id)),
  }));
}

/** Median upvotes of a set of papers. */
export function medianUpvotes(ps: Paper[]): number {
  const u = ps.map((p) => p.upvotes ?? 0).sort((a, b) => a - b);
  return u.length ? u[Math.floor(u.length / 2)] : 0;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
