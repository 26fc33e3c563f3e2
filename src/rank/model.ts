// The per-run ranking model: vocabulary, candidate vectors and their inverted index, shared by every subscriber.
import type { Paper } from '../model.js';
import { type Semantic, semanticView } from './semantic.js';
import type { Space } from './space.js';
import { type SparseVector, truncate, unitVector } from './sparse.js';
import { authorKey } from './tokenize.js';
import { type Vocabulary, addToVocabulary, emptyVocabulary, paperVector, tfidf } from './vocabulary.js';

/** Everything computed once per digest run and shared across subscribers. Memory grows with candidates, not subscribers. */
export interface RankModel {
  vocab: Vocabulary;
  candidates: Paper[];
  /** The array the model was built from: passing it back to rank() skips the id lookups. */
  source: Paper[];
  /** Candidate id → position in `candidates`. */
  index: Map<string, number>;
  vectors: SparseVector[];
  /** Each candidate's top SHORT_TERMS terms, for the cheap pairwise similarities of diversification. */
  short: SparseVector[];
  /** Cosine of each candidate with the centroid of all candidates: how much it reads like any paper of the week. */
  typicality: Float32Array;
  /** A zeroed buffer over all buckets, borrowed for dense dot products (always left zeroed). */
  scratch: Float32Array;
  /** Inverted index in three flat arrays: the candidates containing bucket b, and their weights, are
   *  docs/w[start[b] .. start[b + 1]). (A Map of small typed arrays held ~100 MB of V8 heap.) */
  postings: { start: Uint32Array; docs: Uint16Array | Int32Array; w: Float32Array };
  /** Candidates by normalised author name, and by surname alone (a one-word profile entry matches a surname). */
  byAuthor: Map<string, number[]>;
  bySurname: Map<string, number[]>;
  /** Lower-cased categories of each candidate. */
  categoryKeys: string[][];
  /** Normalised author names of each candidate. */
  authorKeys: string[][];
  /** Share of candidates listing each category (lower-cased), to discount broad categories. */
  categoryShare: Map<string, number>;
  /** Full vectors of known (seed, voted, shown) papers, reused across subscribers: two generations, the older dropped
   *  when the newer fills up, so memory stays bounded however many subscribers run. */
  known: { current: Map<string, KnownVector>; previous: Map<string, KnownVector>; limit: number };
  /** Priors per candidate for the `now` they were computed at. */
  priors: { at: number; trending: Float32Array; trendingMean: number; recency: Float32Array; old: Uint8Array } | null;
  /** The candidates in the store's semantic space, when the store has one (src/rank/space.ts): the taste is read
   *  there; without it, from the tf-idf vectors. */
  semantic: Semantic | null;
}

/** Terms kept of a candidate's vector for the pairwise similarities of diversification (its highest weights). Known
 *  papers keep every term: trimming them to 32 lowered nDCG@10 on the text-only segments (docs/ranking.md). */
export const SHORT_TERMS = 32;

/** Options for buildRankModel. */
export interface BuildOptions {
  /** Known-paper vectors to keep per cache generation (each ~1.5 KB). */
  knownLimit?: number;
  /** The store's semantic space (store/space.ts keeps it). */
  space?: Space | null;
}

/** Builds the shared model from a corpus (papers to fit idf on, or an already fitted Vocabulary) and today's candidates. */
export function buildRankModel(corpus: Iterable<Paper> | Vocabulary, candidates: Paper[], opts: BuildOptions = {}): RankModel {
  const vocab = isVocabulary(corpus) ? corpus : fitWithCandidates(corpus, candidates);
  const unique = dedupe(candidates);
  const vectors = unique.map((p) => paperVector(vocab, p));
  const model: RankModel = {
    vocab,
    candidates: unique,
    source: candidates,
    index: new Map(unique.map((p, i) => [p.id, i])),
    vectors,
    short: vectors.map((v) => truncate(v, SHORT_TERMS)),
    typicality: new Float32Array(0),
    scratch: new Float32Array(1 << vocab.bits),
    postings: invert(vectors, 1 << vocab.bits),
    authorKeys: unique.map((p) => p.authors.map(authorKey)),
    categoryKeys: unique.map((p) => p.categories.map((c) => c.toLowerCase())),
    ...authorIndex(unique),
    categoryShare: shares(unique),
    known: { current: new Map(), previous: new Map(), limit: opts.knownLimit ?? 50_000 },
    priors: null,
    semantic: opts.space ? semanticView(opts.space, unique, opts.knownLimit) : null,
  };
  model.typicality = similarities(model, meanVector(vectors));
  return model;
}

/** The unit-length mean of vectors. */
function meanVector(vectors: SparseVector[]): SparseVector {
  const sum = new Map<number, number>();
  for (const v of vectors) for (let k = 0; k < v.ids.length; k++) sum.set(v.ids[k], (sum.get(v.ids[k]) ?? 0) + v.w[k]);
  return unitVector(sum);
}

function isVocabulary(x: unknown): x is Vocabulary {
  return typeof x === 'object' && x !== null && (x as Vocabulary).df instanceof Uint32Array;
}

/** Fits idf on the corpus plus any candidate the corpus does not hold, so today's new words have a weight. */
function fitWithCandidates(corpus: Iterable<Paper>, candidates: Paper[]): Vocabulary {
  const seen = new Set<string>();
  const vocab = emptyVocabulary();
  const all = function* () {
    for (const p of corpus) { seen.add(p.id); yield p; }
    for (const p of candidates) if (!seen.has(p.id)) yield p;
  };
  return addToVocabulary(vocab, all());
}

function dedupe(papers: Paper[]): Paper[] {
  const seen = new Set<string>();
  return papers.filter((p) => !seen.has(p.id) && seen.add(p.id));
}

/** Candidate positions by author key and by surname. */
function authorIndex(papers: Paper[]): { byAuthor: Map<string, number[]>; bySurname: Map<string, number[]> } {
  const byAuthor = new Map<string, number[]>();
  const bySurname = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, i: number) => {
    const l = m.get(k);
    if (!l) m.set(k, [i]);
    else if (l[l.length - 1] !== i) l.push(i);
  };
  papers.forEach((p, i) => {
    for (const a of p.authors) {
      const k = authorKey(a);
      if (!k) continue;
      add(byAuthor, k, i);
      add(bySurname, k.slice(k.lastIndexOf(' ') + 1), i);
    }
  });
  return { byAuthor, bySurname };
}

/** Fraction of papers listing each category. */
function shares(papers: Paper[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of papers) for (const c of new Set(p.categories.map((x) => x.toLowerCase()))) counts.set(c, (counts.get(c) ?? 0) + 1);
  return new Map([...counts].map(([c, n]) => [c, n / Math.max(1, papers.length)]));
}

/** Turns per-document vectors into the flat bucket → (documents, weights) index. */
function invert(vectors: SparseVector[], buckets: number): RankModel['postings'] {
  const start = new Uint32Array(buckets + 1);
  for (const v of vectors) for (let k = 0; k < v.ids.length; k++) start[v.ids[k] + 1]++;
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
  // Candidate numbers fit in 16 bits for up to 65,536 candidates: a smaller index reads faster.
  const docs = vectors.length <= 65_536 ? new Uint16Array(start[buckets]) : new Int32Array(start[buckets]);
  const w = new Float32Array(start[buckets]);
  // Fill with start[b] as the cursor of bucket b (it ends at the next bucket's start), then shift back.
  vectors.forEach((v, doc) => {
    for (let k = 0; k < v.ids.length; k++) {
      const at = start[v.ids[k]]++;
      docs[at] = doc;
      w[at] = v.w[k];
    }
  });
  start.copyWithin(1, 0, buckets);
  start[0] = 0;
  return { start, docs, w };
}

/** Similarity (dot product) of a vector with every candidate, through the inverted index. The query's terms may come
 *  in any order. */
export function similarities(model: RankModel, v: SparseVector): Float32Array {
  const acc = new Float32Array(model.candidates.length);
  const { start, docs, w } = model.postings;
  const ids = v.ids;
  const qw = v.w;
  for (let k = 0; k < ids.length; k++) {
    const q = qw[k];
    const end = start[ids[k] + 1];
    let j = start[ids[k]];
    // Eight postings a step: half the time per posting of the plain loop (a term never lists a candidate twice).
    for (; j + 7 < end; j += 8) {
      acc[docs[j]] += q * w[j]; acc[docs[j + 1]] += q * w[j + 1]; acc[docs[j + 2]] += q * w[j + 2]; acc[docs[j + 3]] += q * w[j + 3];
      acc[docs[j + 4]] += q * w[j + 4]; acc[docs[j + 5]] += q * w[j + 5]; acc[docs[j + 6]] += q * w[j + 6]; acc[docs[j + 7]] += q * w[j + 7];
    }
    for (; j < end; j++) acc[docs[j]] += q * w[j];
  }
  return acc;
}

/** A known paper's unit vector, less the terms no candidate holds (they can add nothing to a similarity); `outside`
 *  is the squared weight of those terms, which the length of a centroid still counts. */
export interface KnownVector extends SparseVector {
  outside: number;
}

/** The vector of a known paper (a candidate's own, or computed once and cached in the model); `terms` are its hashed
 *  term counts when kept (paperTerms), sparing the tokenising. */
export function knownVector(model: RankModel, p: Paper, terms?: Map<number, number>): KnownVector {
  const at = model.index.get(p.id);
  if (at !== undefined) return { ...model.vectors[at], outside: 0 };
  const k = model.known;
  let v = k.current.get(p.id) ?? k.previous.get(p.id);
  if (v) return v;
  v = withinCandidates(model, terms ? tfidf(model.vocab, terms) : paperVector(model.vocab, p));
  if (k.current.size >= k.limit) { k.previous = k.current; k.current = new Map(); }
  k.current.set(p.id, v);
  return v;
}

/** The terms of `v` that some candidate holds, and the squared weight of the others. */
function withinCandidates(model: RankModel, v: SparseVector): KnownVector {
  const { start } = model.postings;
  const ids: number[] = [];
  const w: number[] = [];
  let outside = 0;
  for (let k = 0; k < v.ids.length; k++) {
    if (start[v.ids[k] + 1] > start[v.ids[k]]) { ids.push(v.ids[k]); w.push(v.w[k]); } else outside += v.w[k] * v.w[k];
  }
  return { ids: Int32Array.from(ids), w: Float32Array.from(w), outside };
}
