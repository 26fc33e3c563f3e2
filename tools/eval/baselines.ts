// The rankers Paperboy is measured against: recency, trending, keyword BM25, arxiv-sanity's tf-idf + linear SVM.
import type { Paper, Profile } from '#paperboy/model.js';
import type { SparseVector } from '#paperboy/rank/sparse.js';
import { authorKey, words } from '#paperboy/rank/tokenize.js';
import { svmScores } from './svm.js';

/** Newest first; ties (same day) in id order. */
export function byRecency(candidates: Paper[]): Paper[] {
  const t = (p: Paper) => Date.parse(p.published ?? '') || 0;
  return candidates.slice().sort((a, b) => t(b) - t(a) || a.id.localeCompare(b.id));
}

/** Most upvoted first, then newest. */
export function byTrending(candidates: Paper[]): Paper[] {
  const up = (p: Paper) => p.upvotes ?? 0;
  return byRecency(candidates).sort((a, b) => up(b) - up(a));
}

/** Issue 2's ranker: Okapi BM25 of the keywords over title + abstract (idf over the candidates), +1 for a listed
 *  category, +2 for a listed author, newest first on ties. */
export function byBm25(profile: Profile, candidates: Paper[]): Paper[] {
  const docs = candidates.map((p) => words(`${p.title} ${p.abstract}`));
  const avg = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length);
  const terms = [...new Set(profile.keywords.flatMap((k) => words(k)))];
  const df = new Map(terms.map((t) => [t, docs.filter((d) => d.includes(t)).length]));
  const cats = new Set(profile.categories);
  const authors = new Set(profile.authors.map(authorKey));
  const score = candidates.map((p, i) => {
    let s = 0;
    for (const t of terms) {
      const tf = docs[i].filter((w) => w === t).length;
      if (!tf) continue;
      const n = df.get(t)!;
      s += Math.log(1 + (docs.length - n + 0.5) / (n + 0.5)) * (tf * 2.2) / (tf + 1.2 * (0.25 + 0.75 * docs[i].length / avg));
    }
    if (p.categories.some((c) => cats.has(c))) s += 1;
    if (p.authors.some((a) => authors.has(authorKey(a)))) s += 2;
    return s;
  });
  const order = byRecency(candidates).map((p) => candidates.indexOf(p));
  return order.sort((a, b) => score[b] - score[a]).map((i) => candidates[i]);
}

/** arxiv-sanity-lite: a linear SVM (C = 0.01, class-balanced) per user, positives = their papers, negatives = every
 *  other paper in the database (candidates included), ranking candidates by decision value. */
export function bySvm(
  positives: Paper[], pool: Paper[], candidates: Paper[], vec: (p: Paper) => SparseVector, rand: () => number,
): Paper[] {
  if (positives.length === 0) return byRecency(candidates);
  const pos = new Set(positives.map((p) => p.id));
  const data = [
    ...positives.map((p) => ({ x: vec(p), y: 1 as const })),
    ...pool.filter((p) => !pos.has(p.id)).map((p) => ({ x: vec(p), y: -1 as const })),
  ];
  const s = svmScores(data, candidates.map(vec), { C: 0.01, rand, epochs: Number(process.env.SVM_EPOCHS ?? 10) });
  return candidates.map((p, i) => [p, s[i]] as const).sort((a, b) => b[1] - a[1] || a[0].id.localeCompare(b[0].id)).map(([p]) => p);
}

/** Rocchio without negatives: cosine of each candidate with the mean of the positives' tf-idf vectors. */
export function byCentroid(positives: Paper[], candidates: Paper[], vec: (p: Paper) => SparseVector): Paper[] {
  if (positives.length === 0) return byRecency(candidates);
  const centroid = new Map<number, number>();
  for (const p of positives) {
    const v = vec(p);
    for (let k = 0; k < v.ids.length; k++) centroid.set(v.ids[k], (centroid.get(v.ids[k]) ?? 0) + v.w[k]);
  }
  const score = (p: Paper) => {
    const v = vec(p);
    let s = 0;
    for (let k = 0; k < v.ids.length; k++) s += (centroid.get(v.ids[k]) ?? 0) * v.w[k];
    return s;
  };
  return candidates.map((p) => [p, score(p)] as const).sort((a, b) => b[1] - a[1] || a[0].id.localeCompare(b[0].id)).map(([p]) => p);
}
