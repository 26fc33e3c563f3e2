// Per-subscriber signals over the model's candidates: stated interests, learned taste, and priors.
import { ARXIV_ID } from '../arxiv.js';
import type { Paper, Profile } from '../model.js';
import { type LibraryExample, libraryPositives } from './library.js';
import { type RankModel, knownVector, similarities } from './model.js';
import { knownRow, rowCosine, semanticScores } from './semantic.js';
import { type Query, keywordQuery, textQuery } from './query.js';
import type { SparseVector } from './sparse.js';
import { authorKey } from './tokenize.js';
import { WEIGHTS } from './weights.js';

/** Scores of every candidate for one subscriber, split by where they come from. */
export interface Signals {
  keywords: Query | null;
  about: Query | null;
  keywordSim: Float32Array | null;
  aboutSim: Float32Array | null;
  /** Learned taste; null when the subscriber has no positives. */
  taste: Taste | null;
  /** Relevance (score without priors), the priors (trending and recency, in [0, 1]) and the final score (orderScores),
   *  per candidate. */
  relevance: Float32Array;
  prior: Float32Array;
  score: Float32Array;
  /** Whether the profile says anything at all (otherwise only priors rank and no threshold applies). */
  hasInterests: boolean;
}

/** Positives named as "like …" candidates (the most recent); the centroid uses all of them. */
const NEAREST_MAX = 30;

/** Learned per-subscriber taste: the positives it was learned from (the most recent NEAREST_MAX, for "like …"), and
 *  for each the library entry's title when it came from the library (null for a seed or a 👍). */
export interface Taste {
  positives: Paper[];
  library: (string | null)[];
  /** Their rows in the semantic space, when the model has one (null: no word in common with the store). */
  rows?: (Float32Array | null)[];
}

/** Known papers split into positives (seeds, 👍) and negatives (👎). */
export interface Examples {
  positives: Paper[];
  /** The 👍 papers alone (positives also hold seeds). */
  liked: Paper[];
  negatives: Paper[];
  /** Weight of each positive in the centroid and category affinity: 1 for a seed, WEIGHTS.likedWeight for a 👍, the
   *  recency weight of a library entry (libraryWeight). */
  weights: number[];
  /** How many positives are seed papers or library entries (a library is read as seeds are). */
  seeds: number;
  /** Per positive, the title of the library entry it came from; null for a seed or a 👍. */
  library: (string | null)[];
  /** Kept term counts and semantic rows of positives, by paper id (library entries carry them: LibraryExample). */
  terms: Map<string, Map<number, number>>;
  rows: Map<string, Float32Array>;
}

/** Picks the profile's seed and voted papers out of `known` (unknown ids are skipped), and the library entries a
 *  digest learns from (libraryPositives): library first, oldest to newest, then seeds, then 👍, so the most recent of
 *  each are the ones "like …" looks at. A paper that is both a seed and in the library counts once, as a seed. */
export function examples(profile: Profile, known: Map<string, Paper>, library?: LibraryExample[], now = new Date(0)): Examples {
  const votes = profile.votes.slice(-WEIGHTS.maxVotesUsed);
  const get = (ids: string[]) => [...new Set(ids)].map((id) => known.get(id)).filter((p): p is Paper => !!p);
  const up = votes.filter((v) => v.vote === 1).map((v) => v.paperId);
  const down = votes.filter((v) => v.vote === -1).map((v) => v.paperId);
  const downSet = new Set(down);
  const seeds = new Set(profile.papers.filter((id) => !downSet.has(id)));
  const own = get([...seeds, ...up]);
  const lib = libraryPositives(library, now);
  const taken = new Set([...own.map((p) => p.id), ...downSet]);
  const fromLibrary = lib.used.map((e, j) => ({ e, w: lib.weights[j] })).filter(({ e }) => !taken.has(e.paper.id) && taken.add(e.paper.id)).reverse();
  return {
    positives: [...fromLibrary.map(({ e }) => e.paper), ...own],
    liked: get(up),
    negatives: get(down),
    weights: [...fromLibrary.map(({ w }) => w), ...own.map((p) => (seeds.has(p.id) ? 1 : WEIGHTS.likedWeight))],
    seeds: fromLibrary.length + own.filter((p) => seeds.has(p.id)).length,
    library: [...fromLibrary.map(({ e }) => e.title), ...own.map(() => null)],
    terms: new Map(fromLibrary.flatMap(({ e }) => (e.terms ? [[e.paper.id, e.terms] as const] : []))),
    rows: new Map(fromLibrary.flatMap(({ e }) => (e.row ? [[e.paper.id, e.row] as const] : []))),
  };
}

/** Sums `each[j] × vector(papers[j])` into the (zeroed) scratch buffer and scales the sum to length |weight|, sign
 *  kept; returns the buckets written (their values stay in the buffer) and the factor each vector was scaled by. A bucket is listed twice only if a running
 *  sum passed exactly through 0; readers zero a bucket as they take it, so the second listing adds nothing. */
function centroidInScratch(model: RankModel, papers: Paper[], weight: number, each?: number[], terms?: Map<string, Map<number, number>>): { touched: number[]; scale: number } {
  const dense = model.scratch;
  const touched: number[] = [];
  // The length counts the terms no candidate holds as if no two papers shared one (a rare word, seldom shared).
  let norm = 0;
  papers.forEach((p, j) => {
    const v = knownVector(model, p, terms?.get(p.id));
    const e = each ? each[j] : 1;
    norm += e * e * v.outside;
    for (let k = 0; k < v.ids.length; k++) {
      if (dense[v.ids[k]] === 0) touched.push(v.ids[k]);
      dense[v.ids[k]] += e * v.w[k];
    }
  });
  for (const b of touched) norm += dense[b] * dense[b];
  const scale = weight / (Math.sqrt(norm) || 1);
  for (const b of touched) dense[b] *= scale;
  return { touched, scale };
}

/** Terms kept of the taste query (the heaviest, by |weight|): a bound on its cost per subscriber however many papers
 *  it holds. nDCG@10 did not move at 2,000 with 5 to 30 seed papers; at 256 it lost 0.05 with two interests, and at
 *  1,000 0.15 (docs/ranking.md). */
const TASTE_TERMS = 2000;

/** The `n` heaviest terms (by |weight|) of a vector, in no particular order; the vector itself when it has no more. */
function heaviest(v: SparseVector, n: number): SparseVector {
  if (v.ids.length <= n) return v;
  const mags = new Float32Array(v.w.length);
  for (let k = 0; k < mags.length; k++) mags[k] = Math.abs(v.w[k]);
  const cut = kthLargest(mags.slice(), n);
  const ids = new Int32Array(n);
  const w = new Float32Array(n);
  let m = 0;
  for (let k = 0; k < mags.length && m < n; k++) if (mags[k] >= cut) { ids[m] = v.ids[k]; w[m++] = v.w[k]; }
  return { ids: ids.subarray(0, m), w: w.subarray(0, m) };
}

/** The k-th largest value of `xs` (reordered in place): quickselect, linear on average. */
function kthLargest(xs: Float32Array, k: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  const want = k - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i] > pivot) i++;
      while (xs[j] < pivot) j--;
      if (i <= j) { const t = xs[i]; xs[i] = xs[j]; xs[j] = t; i++; j--; }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else return xs[want];
  }
  return xs[want];
}

/** Weighted sum of cosines with the centroids of positives and 👎 papers, in one pass through the
 *  inverted index (cosine is linear in the query, so the weighted centroids can be added first). */
function centroidSims(model: RankModel, ex: Examples, feedback: number[] = []): Float32Array | null {
  if (!ex.positives.length && !ex.negatives.length) return null;
  const dense = model.scratch;
  // Each centroid is normalised on its own: build the 👎 one first, set it aside, then add it to the positives'.
  const negIds = centroidInScratch(model, ex.negatives, -WEIGHTS.disliked).touched;
  const negW = new Float32Array(negIds.length);
  for (let k = 0; k < negIds.length; k++) { negW[k] = dense[negIds[k]]; dense[negIds[k]] = 0; }
  const { touched: ids, scale } = centroidInScratch(model, ex.positives, WEIGHTS.centroid, ex.weights, ex.terms);
  for (let k = 0; k < negIds.length; k++) {
    if (dense[negIds[k]] === 0) ids.push(negIds[k]);
    dense[negIds[k]] += negW[k];
  }
  // The query needs no order: the inverted index is read term by term.
  const q = { ids: Int32Array.from(ids), w: new Float32Array(ids.length) };
  for (let k = 0; k < ids.length; k++) { q.w[k] = dense[ids[k]]; dense[ids[k]] = 0; }
  const sims = similarities(model, heaviest(q, TASTE_TERMS));
  // Like a linear SVM trained against the whole week, discount what every paper shares: the taste is the positives'
  // centroid minus a share of the week's own centroid.
  if (ex.positives.length) for (let i = 0; i < sims.length; i++) sims[i] -= WEIGHTS.typicality * model.typicality[i];
  // A feedback paper is scored as if left out of the centroid: its own unit vector would add its whole weight to its
  // cosine, lift it far above the papers like it, and lift the worth-sending floor with it (weak-day.ts).
  for (const i of feedback) sims[i] -= WEIGHTS.feedback * scale;
  return sims;
}

/** The taste in the semantic space: every candidate's z-scored similarity to the positives (seeds, 👍, library,
 *  feedback papers) against the 👎 ones (semantic.ts). A positive that is itself a candidate (a feedback paper) is
 *  scored as if left out: its own row would add its whole weight to its score. */
function semanticTaste(model: RankModel, ex: Examples, rows: (Float32Array | null)[]): Float32Array | null {
  const sem = model.semantic!;
  const negatives = ex.negatives.map((p) => knownRow(sem, model.index, p));
  const n = model.candidates.length;
  return semanticScores(sem, n, { positives: rows, weights: ex.weights, negatives, disliked: WEIGHTS.semanticDisliked,
    self: ex.positives.map((p) => model.index.get(p.id) ?? -1) });
}

/** The semantic rows of the positives: kept with a library entry, a candidate's, or folded in (once per run). */
function positiveRows(model: RankModel, ex: Examples): (Float32Array | null)[] {
  return ex.positives.map((p) => ex.rows.get(p.id) ?? knownRow(model.semantic!, model.index, p, ex.terms.get(p.id)));
}

/** The positive most similar to candidate `i` and that cosine (for "like <title>"); -1 when none is similar at all. In
 *  the semantic space when the model has one, else by the tf-idf vectors. */
export function nearestPositive(model: RankModel, taste: Taste, i: number): { at: number; sim: number } {
  if (model.semantic) return nearestInSpace(model, taste, i);
  const v = model.vectors[i];
  const dense = model.scratch;
  for (let k = 0; k < v.ids.length; k++) dense[v.ids[k]] = v.w[k];
  let at = -1;
  let sim = 0;
  taste.positives.forEach((p, j) => {
    const u = knownVector(model, p);
    let s = 0;
    for (let k = 0; k < u.ids.length; k++) s += dense[u.ids[k]] * u.w[k];
    if (s > sim) { sim = s; at = j; }
  });
  for (let k = 0; k < v.ids.length; k++) dense[v.ids[k]] = 0;
  return { at, sim };
}

function nearestInSpace(model: RankModel, taste: Taste, i: number): { at: number; sim: number } {
  const sem = model.semantic!;
  const w = sem.space.width;
  const row = sem.rows.subarray(i * w, (i + 1) * w);
  let at = -1;
  let sim = 0;
  taste.positives.forEach((p, j) => {
    const r = taste.rows ? taste.rows[j] : knownRow(sem, model.index, p);
    const s = r ? rowCosine(row, r) : 0;
    if (s > sim) { sim = s; at = j; }
  });
  return { at, sim };
}

/** Adds `weight × (value − from)` into `into` where a value exceeds `from`: below it, nothing (a semantic score near
 *  the store's mean says "not particularly like your papers", not "a little relevant"). */
function addHinged(into: Float32Array, values: Float32Array | null, weight: number, from: number): void {
  if (!values) return;
  for (let i = 0; i < into.length; i++) if (values[i] > from) into[i] += weight * (values[i] - from);
}

/** Adds `weight × values` into `into`. */
function addScaled(into: Float32Array, values: Float32Array | null, weight: number): void {
  if (!values) return;
  for (let i = 0; i < into.length; i++) into[i] += weight * values[i];
}

/** 0/1-style bonus per candidate for listed categories (primary weighs more than a cross-list). */
function categoryBonus(model: RankModel, categories: string[], into: Float32Array): void {
  if (!categories.length) return;
  const wanted = new Set(categories.map((c) => c.toLowerCase()));
  model.categoryKeys.forEach((cs, i) => {
    const pos = cs.findIndex((c) => wanted.has(c));
    if (pos === 0) into[i] += WEIGHTS.categoryPrimary;
    else if (pos > 0) into[i] += WEIGHTS.categoryCross;
  });
}

/** Index of the first author of `p` the profile lists, or -1. A one-word entry matches a surname. */
export function matchedAuthor(keys: string[], wanted: Set<string>, surnames: Set<string>): number {
  return keys.findIndex((k) => wanted.has(k) || surnames.has(k.slice(k.lastIndexOf(' ') + 1)));
}

/** Learned category affinity: per category, (weighted positives listing it − dislikedCategory × likedWeight × 👎 papers
 *  listing it) / weighted positives (a seed weighs 1, a 👍 likedWeight),
 *  × specificity (lower for categories most candidates carry); a candidate gets its best category's value, which is
 *  negative only when none of its categories was liked and some were disliked. */
function categoryAffinity(model: RankModel, ex: Examples, into: Float32Array): void {
  if (!ex.positives.length) return;
  const count = (ps: Paper[], into: Map<string, number>, w: (j: number) => number) => {
    ps.forEach((p, j) => {
      for (const c of new Set(p.categories.map((x) => x.toLowerCase()))) into.set(c, (into.get(c) ?? 0) + w(j));
    });
  };
  const net = new Map<string, number>();
  count(ex.positives, net, (j) => ex.weights[j]);
  count(ex.negatives, net, () => -WEIGHTS.dislikedCategory * WEIGHTS.likedWeight);
  const total = ex.weights.reduce((a, b) => a + b, 0) || 1;
  const affinity = new Map<string, number>();
  for (const [c, n] of net) {
    const specific = Math.min(1, Math.log(1 / (model.categoryShare.get(c) ?? 0.01)) / Math.log(20));
    affinity.set(c, Math.max(-0.5, n / total) * specific);
  }
  model.categoryKeys.forEach((cs, i) => {
    let best = -Infinity;
    for (const c of cs) best = Math.max(best, affinity.get(c) ?? 0);
    if (best > -Infinity) into[i] += WEIGHTS.seedCategory * best;
  });
}

/** Bonus per candidate written by a listed author (looked up in the model's author index). */
function authorBonus(model: RankModel, authors: string[], into: Float32Array): void {
  const hit = new Set<number>();
  for (const key of authors.map(authorKey).filter(Boolean)) {
    const index = key.includes(' ') ? model.byAuthor : model.bySurname;
    for (const i of index.get(key) ?? []) hit.add(i);
  }
  for (const i of hit) into[i] += WEIGHTS.author;
}

/** Learned taste for popularity: how much more trending the 👍 papers were than the 👎 ones — or, before any 👎, than
 *  the average candidate (`candidateMean`) — shrunk towards 0 while there are few votes of either kind (one 👍
 *  against two 👎 says little). 0 without a 👍. */
export function trendingTaste(ex: Examples, liked: Paper[], candidateMean?: number): number {
  if (!liked.length) return 0;
  const avg = (ps: Paper[]) => ps.reduce((s, p) => s + trendingPrior(p), 0) / ps.length;
  if (!ex.negatives.length) {
    if (candidateMean === undefined) return 0;
    const n = liked.length;
    return Math.max(0, Math.min(1, avg(liked) - candidateMean)) * (n / (n + 3));
  }
  const n = Math.min(liked.length, ex.negatives.length);
  return Math.max(0, Math.min(1, avg(liked) - avg(ex.negatives))) * (n / (n + 3));
}

/** Trending prior in [0, 1.5]: log-scaled Hugging Face upvotes. */
export function trendingPrior(p: Paper): number {
  return Math.min(1.5, Math.log1p(Math.max(0, p.upvotes ?? 0)) / Math.log1p(WEIGHTS.trendingScale));
}

/** True for a paper whose source could have Hugging Face upvotes: an arXiv paper (HF lists arXiv papers only); for
 *  the others (bioRxiv, medRxiv, journals) no upvote is no information, not a sign of little interest. */
export function upvotesApply(p: Paper): boolean {
  return p.upvotes != null || ARXIV_ID.test(p.id);
}

/** The trending prior of each paper, fair across sources: a paper no upvotes can exist for gets the week's mean prior
 *  of the papers they can exist for (0 when there are none), so it is neither lifted nor held back against them. */
export function fairTrending(papers: Paper[]): Float32Array {
  const trending = Float32Array.from(papers, trendingPrior);
  let sum = 0;
  let n = 0;
  papers.forEach((p, i) => { if (upvotesApply(p)) { sum += trending[i]; n++; } });
  const neutral = n ? sum / n : 0;
  papers.forEach((p, i) => { if (!upvotesApply(p)) trending[i] = neutral; });
  return trending;
}

/** Recency prior in [0, 1]: exp(-age / WEIGHTS.recencyDays), from when Paperboy first saw the paper (or its date). */
export function recencyPrior(p: Paper, now: Date): number {
  const t = Date.parse(p.firstSeen ?? p.published ?? '');
  if (Number.isNaN(t)) return 0;
  return Math.exp(-Math.max(0, now.getTime() - t) / 86_400_000 / WEIGHTS.recencyDays);
}

/** 1 for each paper that is old news at `now`: published more than WEIGHTS.newDays before (a paper without a
 *  publication date is new). */
function oldNews(papers: Paper[], now: Date): Uint8Array {
  const cut = now.getTime() - WEIGHTS.newDays * 86_400_000;
  return Uint8Array.from(papers, (p) => (Date.parse(p.published ?? '') < cut ? 1 : 0));
}

/** Trending and recency priors and old news (oldNews) of every candidate at `now`, computed once per model and instant. */
function priorsAt(model: RankModel, now: Date): NonNullable<RankModel['priors']> {
  if (model.priors?.at !== now.getTime()) {
    const trending = fairTrending(model.candidates);
    model.priors = {
      at: now.getTime(),
      trending,
      trendingMean: trending.reduce((a, b) => a + b, 0) / Math.max(1, trending.length),
      recency: Float32Array.from(model.candidates, (p) => recencyPrior(p, now)),
      old: oldNews(model.candidates, now),
    };
  }
  return model.priors;
}

/** The examples plus, as weaker positives, the week's papers that the stated interests (keywords, about text) match
 *  best: pseudo-relevance feedback, which widens a few typed words to the vocabulary of the papers they find. */
function withFeedback(model: RankModel, ex: Examples, stated: Float32Array): { ex: Examples; top: number[] } {
  const m = WEIGHTS.feedbackPapers;
  // Seed papers say more than typed words: feedback is for profiles without them (measured: it lowered keywords + seeds).
  if (!WEIGHTS.feedback || !m || ex.seeds > 0) return { ex, top: [] };
  const top: number[] = [];
  for (let i = 0; i < stated.length; i++) {
    if (stated[i] <= 0 || (top.length === m && stated[i] <= stated[top[m - 1]])) continue;
    let at = top.length;
    while (at > 0 && stated[i] > stated[top[at - 1]]) at--;
    top.splice(at, 0, i);
    if (top.length > m) top.pop();
  }
  if (!top.length) return { ex, top };
  const positives = [...ex.positives, ...top.map((i) => model.candidates[i])];
  return { ex: { ...ex, positives, weights: [...ex.weights, ...top.map(() => WEIGHTS.feedback)] }, top };
}

/** Computes every signal for one profile over the model's candidates. */
export function computeSignals(model: RankModel, profile: Profile, ex: Examples, now: Date): Signals {
  const n = model.candidates.length;
  const relevance = new Float32Array(n);
  const keywords = profile.keywords.length ? keywordQuery(model.vocab, profile.keywords) : null;
  const about = profile.about.trim() ? textQuery(model.vocab, profile.about) : null;
  const keywordSim = keywords && nonEmpty(keywords.vector) ? similarities(model, keywords.vector) : null;
  const aboutSim = about && nonEmpty(about.vector) ? similarities(model, about.vector) : null;
  addScaled(relevance, keywordSim, WEIGHTS.keywords);
  addScaled(relevance, aboutSim, WEIGHTS.about);
  categoryBonus(model, profile.categories, relevance);
  authorBonus(model, profile.authors, relevance);
  categoryAffinity(model, ex, relevance);
  const widened = withFeedback(model, ex, relevance);
  // Each positive's row, once: the taste and the "like …" of the chosen papers both read them.
  const rows = model.semantic ? positiveRows(model, widened.ex) : undefined;
  const taste = ex.positives.length
    ? { positives: ex.positives.slice(-NEAREST_MAX), library: ex.library.slice(-NEAREST_MAX), rows: rows?.slice(0, ex.positives.length).slice(-NEAREST_MAX) }
    : null;
  if (rows) addHinged(relevance, semanticTaste(model, widened.ex, rows), WEIGHTS.semantic, WEIGHTS.semanticFrom);
  else addScaled(relevance, centroidSims(model, widened.ex, widened.top), 1);
  const priors = priorsAt(model, now);
  const trending = WEIGHTS.trending + WEIGHTS.trendingLearned * trendingTaste(ex, ex.liked, priors.trendingMean);
  const prior = new Float32Array(n);
  const most = 1.5 * trending + WEIGHTS.recency;
  for (let i = 0; i < n; i++) prior[i] = (trending * priors.trending[i] + WEIGHTS.recency * priors.recency[i]) / most;
  const hasInterests = !!(keywordSim || aboutSim || profile.categories.length || profile.authors.length || taste);
  return { keywords, about, keywordSim, aboutSim, taste, relevance, prior, score: orderScores(relevance, prior, hasInterests), hasInterests };
}

/** What a digest orders by. Relevance first: popularity and recency lift a paper by at most WEIGHTS.lift of its own
 *  relevance, so they order papers of about the same relevance and never carry a paper that matches little past one
 *  that matches much; a paper that matches nothing gets no lift. Without any interest to match (a cold start), the
 *  priors alone. */
export function orderScores(relevance: Float32Array, prior: Float32Array, relevant: boolean): Float32Array {
  if (!relevant) return Float32Array.from(prior);
  return relevance.map((r, i) => r + Math.max(0, r) * WEIGHTS.lift * prior[i]);
}

function nonEmpty(v: SparseVector): boolean {
  return v.ids.length > 0;
}

