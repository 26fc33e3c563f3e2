import type { Paper, Profile, RankedPaper } from '../model.js';

/** Options for one ranking call. */
export interface RankOptions {
  now: Date;
  /** How many papers the digest holds. */
  size: number;
}

const K1 = 1.2;
const B = 0.75;

/** Lower-case word tokens of a text. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Ranks candidates for one profile: BM25 of the keywords over title + abstract, then category and author matches; ties keep the newest (then the given) order. */
export function rank(profile: Profile, candidates: Paper[], opts: RankOptions): RankedPaper[] {
  const docs = candidates.map((p) => tokenize(`${p.title} ${p.title} ${p.abstract}`));
  const avgLen = docs.reduce((n, d) => n + d.length, 0) / Math.max(1, docs.length);
  const terms = [...new Set(profile.keywords.flatMap(tokenize))];
  const df = new Map(terms.map((t) => [t, docs.filter((d) => d.includes(t)).length]));
  const cats = new Set(profile.categories.map((c) => c.toLowerCase()));
  const authors = new Set(profile.authors.map((a) => a.toLowerCase()));
  const scored = candidates.map((paper, i) => {
    const why: string[] = [];
    let score = 0;
    const matched: string[] = [];
    for (const t of terms) {
      const tf = docs[i].filter((w) => w === t).length;
      if (tf === 0) continue;
      const idf = Math.log(1 + (docs.length - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
      score += idf * (tf * (K1 + 1)) / (tf + K1 * (1 - B + B * docs[i].length / avgLen));
      matched.push(t);
    }
    if (matched.length) why.push(`matches ${matched.join(', ')}`);
    const cat = paper.categories.find((c) => cats.has(c.toLowerCase()));
    if (cat) { score += 1; why.push(`in ${cat}`); }
    const author = paper.authors.find((a) => authors.has(a.toLowerCase()));
    if (author) { score += 2; why.push(`by ${author}`); }
    return { paper, score, why };
  });
  const time = (p: Paper) => Date.parse(p.published ?? p.firstSeen ?? '') || 0;
  return scored
    .sort((a, b) => b.score - a.score || time(b.paper) - time(a.paper))
    .slice(0, opts.size);
}
