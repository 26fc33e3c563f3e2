// A subscriber's taste in the store's semantic space (space.ts): the weighted mean of their positives' rows, less the
// store's mean row (what every paper shares), less a share of their 👎 papers'; each candidate scores its dot product
// with that, z-scored over the candidates so that the score reads the same for any profile and store. Pure.
import type { Paper } from '../model.js';
import { type Space, foldIn, spaceRow } from './space.js';
import { paperTerms } from './vocabulary.js';

/** The candidates of one run in the space, and the rows of the papers profiles refer to (cached for the run). */
export interface Semantic {
  space: Space;
  /** Each candidate's row (candidates × width, in the model's order): its own smoothed row, or folded in when the
   *  space was built before it was stored. */
  rows: Float32Array;
  /** Rows of papers outside the candidates (seeds, votes, library entries), by id: two generations, as model.known. */
  known: { current: Map<string, Float32Array | null>; previous: Map<string, Float32Array | null>; limit: number };
}

/** Places the candidates in the space. */
export function semanticView(space: Space, candidates: Paper[], knownLimit = 50_000): Semantic {
  const w = space.width;
  const rows = new Float32Array(candidates.length * w);
  candidates.forEach((p, i) => {
    const row = rowOf(space, p);
    if (row) rows.set(row, i * w);
  });
  return { space, rows, known: { current: new Map(), previous: new Map(), limit: knownLimit } };
}

/** A paper's row: its smoothed row when the space holds it, else folded in from its text (null: no word in common). */
function rowOf(space: Space, p: Paper, terms?: Map<number, number>): Float32Array | null {
  const at = space.index.get(p.id);
  return at === undefined ? foldIn(space, terms ?? paperTerms(p)) : spaceRow(space, at);
}

/** The row of a paper profiles refer to: a candidate's, or computed once per run. `terms` are its hashed term counts
 *  when already known (a library entry keeps them), saving the tokenising. */
export function knownRow(sem: Semantic, index: Map<string, number>, p: Paper, terms?: Map<number, number>): Float32Array | null {
  const at = index.get(p.id);
  const w = sem.space.width;
  if (at !== undefined) return sem.rows.subarray(at * w, (at + 1) * w);
  const k = sem.known;
  let row = k.current.get(p.id) ?? k.previous.get(p.id);
  if (row !== undefined) return row;
  row = rowOf(sem.space, p, terms);
  if (k.current.size >= k.limit) { k.previous = k.current; k.current = new Map(); }
  k.current.set(p.id, row);
  return row;
}

/** Weighted mean of rows (rows that are null skipped); null when none is left. */
function meanOf(rows: (Float32Array | null)[], weights: number[], width: number): Float64Array | null {
  const q = new Float64Array(width);
  let total = 0;
  rows.forEach((r, j) => {
    if (!r) return;
    const w = weights[j];
    total += w;
    for (let d = 0; d < width; d++) q[d] += w * r[d];
  });
  if (total <= 0) return null;
  for (let d = 0; d < width; d++) q[d] /= total;
  return q;
}

/** Positives and negatives as rows, with the positives' weights. */
export interface TasteRows {
  positives: (Float32Array | null)[];
  weights: number[];
  negatives: (Float32Array | null)[];
  /** Share of the 👎 mean taken off the taste. */
  disliked: number;
  /** Per positive, its candidate number when it is a candidate itself (a feedback paper), else -1: such a candidate
   *  is scored as if left out of the mean, or its own row would add its whole weight to its score. */
  self?: number[];
}

/** Every candidate's semantic score: its dot product with q = (positives' mean − store mean − disliked × (👎 mean −
 *  store mean)), in standard deviations above the mean over the store's papers (from the space's mean and covariance:
 *  a score means the same on a day of 15 papers as on a week of 2,000); null when no positive has a row. */
export function semanticScores(sem: Semantic, count: number, t: TasteRows): Float32Array | null {
  const w = sem.space.width;
  const q = meanOf(t.positives, t.weights, w);
  if (!q) return null;
  const total = t.weights.reduce((s, x, j) => s + (t.positives[j] ? x : 0), 0);
  const mu = sem.space.mean;
  const neg = meanOf(t.negatives, t.negatives.map(() => 1), w);
  for (let d = 0; d < w; d++) q[d] -= mu[d] + (neg ? t.disliked * (neg[d] - mu[d]) : 0);
  const out = new Float32Array(count);
  const rows = sem.rows;
  for (let i = 0; i < count; i++) {
    const o = i * w;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let d = 0;
    for (; d + 3 < w; d += 4) {
      s0 += rows[o + d] * q[d]; s1 += rows[o + d + 1] * q[d + 1]; s2 += rows[o + d + 2] * q[d + 2]; s3 += rows[o + d + 3] * q[d + 3];
    }
    for (; d < w; d++) s0 += rows[o + d] * q[d];
    out[i] = s0 + s1 + s2 + s3;
  }
  t.self?.forEach((at, j) => {
    if (at >= 0 && t.positives[j]) out[at] -= t.weights[j] / total;
  });
  const { mean, sd } = overStore(sem.space, q);
  for (let i = 0; i < count; i++) out[i] = sd > 0 ? (out[i] - mean) / sd : 0;
  return out;
}

/** Mean and standard deviation of q's dot product with the store's rows: q·mean and √(qᵀ·cov·q). */
function overStore(space: Space, q: Float64Array): { mean: number; sd: number } {
  const w = space.width;
  let mean = 0;
  let v = 0;
  for (let i = 0; i < w; i++) {
    mean += q[i] * space.mean[i];
    let row = 0;
    for (let j = 0; j < w; j++) row += space.cov[i * w + j] * q[j];
    v += q[i] * row;
  }
  return { mean, sd: Math.sqrt(Math.max(0, v)) };
}

/** Cosine of two unit rows. */
export function rowCosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let d = 0; d < a.length; d++) s += a[d] * b[d];
  return s;
}
