// The semantic space a store's papers are ranked in: a tf-idf of the store, reduced by truncated SVD (latent semantic
// analysis) and smoothed over each paper's nearest neighbours, so that papers on one topic sit together even when
// they share few words. Built once per store after each ingest; per subscriber a ranking is one small dense product.
// Pure: papers in, typed arrays out (docs/ranking.md, "The semantic space").
import type { Paper } from '../model.js';
import { gaussian, gram, multiply, orthonormalize, symmetricEigen, unitRows } from './linalg.js';
import { paperTerms, VOCAB_BITS } from './vocabulary.js';

/** How a space is built; SPACE_OPTIONS holds the chosen values. */
export interface SpaceOptions {
  /** Size of the reduced space, as a share of the store's papers, at least minDims and at most maxDims. */
  share: number;
  minDims: number;
  maxDims: number;
  /** Neighbours each paper is smoothed over. */
  neighbours: number;
  /** Terms kept: in at least minDf papers and at most maxDfShare of them. */
  minDf: number;
  maxDfShare: number;
  /** Power iterations of the randomized SVD (about 8 match an exact SVD on the top dimensions). */
  iterations: number;
  /** Extra columns the randomized SVD carries beyond the largest space. */
  oversample: number;
}

/** The chosen build options, measured on the outsider's protocol (docs/ranking.md): one space of 10% of the papers'
 *  count, at most 64 dimensions (128 and 96 ranked the same on 16 settings, at twice the cost per digest). */
export const SPACE_OPTIONS: SpaceOptions = {
  share: 0.1,
  minDims: 4,
  maxDims: 64,
  neighbours: 20,
  minDf: 2,
  maxDfShare: 0.3,
  iterations: 8,
  oversample: 10,
};

/** What is built from the store and kept (store/space.ts saves it): the rest is derived on loading (finishSpace). */
export interface SpaceCore {
  ids: string[];
  /** Size of the reduced space. */
  width: number;
  /** Kept hashed terms (buckets, the commonest first) and their idf. */
  buckets: Int32Array;
  idf: Float32Array;
  /** The store's tf-idf rows over the kept terms (CSR: row r is col/val[rowStart[r] .. rowStart[r + 1])). */
  rowStart: Uint32Array;
  col: Int32Array;
  val: Float32Array;
  /** Each paper's coordinates in the reduced space (papers × width, row-major: U Σ of the SVD) and the singular values. */
  coords: Float32Array;
  sigma: Float32Array;
  /** Each paper's neighbours and their weights (CSR over papers; rows sum to 1). */
  nbrStart: Uint32Array;
  nbr: Int32Array;
  nbrW: Float32Array;
}

/** A space ready to rank in. */
export interface Space extends SpaceCore {
  /** When it was learned, once stored (src/semantic-space.ts): rows folded into it are kept under this mark. */
  builtAt?: string;
  index: Map<string, number>;
  /** The smoothed unit rows (papers × width), their mean row and their covariance (width × width): a taste's
   *  similarities to the store's papers have mean q·mean and variance qᵀ·cov·q, so a score can be read against the
   *  whole store, not against the day's few candidates. */
  rows: Float32Array;
  mean: Float32Array;
  cov: Float64Array;
  /** Term → reduced coordinates (terms × width): folds a paper outside the space in (its tf-idf row × this). */
  proj: Float32Array;
  /** Kept bucket → term number + 1 (0: not kept), over every bucket: folding in looks terms up here. */
  term: Int32Array;
  /** Per term, a zeroed scratch slot folding in borrows (and leaves zeroed). */
  slot: Int32Array;
}

/** Builds a space over `papers` (duplicates by id dropped); null when there are too few to learn from. */
export function buildSpace(papers: Paper[], opts: SpaceOptions = SPACE_OPTIONS): Space | null {
  const unique = [...new Map(papers.map((p) => [p.id, p])).values()];
  const n = unique.length;
  const width = Math.min(clamp(Math.round(opts.share * n), opts.minDims, opts.maxDims), n - 1);
  if (n < 20 || width < 2) return null;
  const counts = unique.map(paperTerms);
  const { buckets, idf } = keptTerms(counts, n, opts);
  if (buckets.length < width) return null;
  const csr = tfidfRows(counts, termIndex(buckets), idf);
  const { coords, sigma } = truncatedSvd(csr, n, buckets.length, width, opts);
  const graph = neighbourGraph(coords, n, width, opts.neighbours);
  return finishSpace({ ids: unique.map((p) => p.id), width, buckets, idf, ...csr, coords, sigma, ...graph });
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, x));
}

/** Derives what ranking reads from a built or loaded core: the smoothed rows, their mean, and the term projection. */
export function finishSpace(core: SpaceCore): Space {
  const n = core.ids.length;
  const e = Float32Array.from(core.coords);
  unitRows(e, n, core.width);
  const rows = smooth(core, e, core.width);
  const mean = meanRow(rows, n, core.width);
  return {
    ...core, index: new Map(core.ids.map((id, i) => [id, i])), rows, mean, cov: covariance(rows, mean, n, core.width),
    proj: projection(core), term: termIndex(core.buckets), slot: new Int32Array(core.buckets.length),
  };
}

/** Buckets in at least minDf papers and at most maxDfShare of them, commonest first, with smoothed idf
 *  ln((1+N)/(1+df)) + 1. */
function keptTerms(counts: Map<number, number>[], n: number, opts: SpaceOptions): { buckets: Int32Array; idf: Float32Array } {
  const mask = (1 << VOCAB_BITS) - 1;
  const df = new Uint32Array(1 << VOCAB_BITS);
  for (const c of counts) {
    const seen = new Set<number>();
    for (const h of c.keys()) seen.add(h & mask);
    for (const b of seen) df[b]++;
  }
  const max = Math.floor(opts.maxDfShare * n);
  const kept: number[] = [];
  for (let b = 0; b < df.length; b++) if (df[b] >= opts.minDf && df[b] <= max) kept.push(b);
  // The commonest terms first: folding a paper in reads one row of the projection per term, and most of a paper's
  // terms are common ones, whose rows then sit together in the processor's cache (the projection is tens of MB).
  kept.sort((a, b) => df[b] - df[a] || a - b);
  return { buckets: Int32Array.from(kept), idf: Float32Array.from(kept, (b) => Math.log((1 + n) / (1 + df[b])) + 1) };
}

/** Bucket → term number + 1 over every bucket (0: not a kept term). */
function termIndex(buckets: Int32Array): Int32Array {
  const index = new Int32Array(1 << VOCAB_BITS);
  buckets.forEach((b, t) => { index[b] = t + 1; });
  return index;
}

/** A paper's tf-idf row over the kept terms: (1 + ln tf) × idf, unit length; `term` numbers them (termIndex). */
export function tfidfRow(counts: Map<number, number>, term: Int32Array, idf: Float32Array): { col: number[]; val: number[] } {
  const mask = (1 << VOCAB_BITS) - 1;
  const byTerm = new Map<number, number>();
  for (const [h, tf] of counts) {
    const t = term[h & mask] - 1;
    if (t >= 0) byTerm.set(t, (byTerm.get(t) ?? 0) + tf);
  }
  const col = [...byTerm.keys()].sort((a, b) => a - b);
  const val = col.map((t) => (1 + Math.log(byTerm.get(t)!)) * idf[t]);
  const norm = Math.sqrt(val.reduce((s, x) => s + x * x, 0)) || 1;
  return { col, val: val.map((x) => x / norm) };
}

/** Every paper's tf-idf row, as CSR. */
function tfidfRows(counts: Map<number, number>[], term: Int32Array, idf: Float32Array): Pick<SpaceCore, 'rowStart' | 'col' | 'val'> {
  const rows = counts.map((c) => tfidfRow(c, term, idf));
  const rowStart = new Uint32Array(rows.length + 1);
  rows.forEach((r, i) => { rowStart[i + 1] = rowStart[i] + r.col.length; });
  const col = new Int32Array(rowStart[rows.length]);
  const val = new Float32Array(rowStart[rows.length]);
  rows.forEach((r, i) => { col.set(r.col, rowStart[i]); val.set(r.val, rowStart[i]); });
  return { rowStart, col, val };
}

type Csr = Pick<SpaceCore, 'rowStart' | 'col' | 'val'>;

/** The transpose of a CSR matrix (n rows, `terms` columns): the same entries grouped by column. */
function transpose(x: Csr, n: number, terms: number): Csr {
  const rowStart = new Uint32Array(terms + 1);
  for (let k = 0; k < x.col.length; k++) rowStart[x.col[k] + 1]++;
  for (let t = 0; t < terms; t++) rowStart[t + 1] += rowStart[t];
  const at = rowStart.slice(0, terms);
  const col = new Int32Array(x.col.length);
  const val = new Float32Array(x.col.length);
  for (let r = 0; r < n; r++) {
    for (let k = x.rowStart[r]; k < x.rowStart[r + 1]; k++) { const p = at[x.col[k]]++; col[p] = r; val[p] = x.val[k]; }
  }
  return { rowStart, col, val };
}

/** X Xᵀ Q for X given by its columns (`byTerm`, the transpose of X) and a dense Q (n × l): term by term,
 *  z = the term's column · Q, then z added to each paper holding the term. Never holds a terms × l matrix: Q and the
 *  result are small enough to stay in the processor's cache. */
function gramTimes(byTerm: Csr, terms: number, q: Float64Array, n: number, l: number): Float64Array {
  const out = new Float64Array(n * l);
  const z = new Float64Array(l);
  for (let t = 0; t < terms; t++) {
    const from = byTerm.rowStart[t];
    const to = byTerm.rowStart[t + 1];
    if (to - from < 1) continue;
    z.fill(0);
    for (let k = from; k < to; k++) axpy(z, 0, byTerm.val[k], q, byTerm.col[k] * l, l);
    for (let k = from; k < to; k++) axpy(out, byTerm.col[k] * l, byTerm.val[k], z, 0, l);
  }
  return out;
}

/** y[yo ..] += a × x[xo ..], n values; four a step (a quarter faster in V8 than one). */
function axpy(y: Float64Array, yo: number, a: number, x: Float64Array, xo: number, n: number): void {
  let j = 0;
  for (; j + 3 < n; j += 4) {
    y[yo + j] += a * x[xo + j]; y[yo + j + 1] += a * x[xo + j + 1]; y[yo + j + 2] += a * x[xo + j + 2]; y[yo + j + 3] += a * x[xo + j + 3];
  }
  for (; j < n; j++) y[yo + j] += a * x[xo + j];
}

/** The top `width` singular values of X and the papers' coordinates U Σ, by subspace iteration on X Xᵀ from a
 *  seeded random start (Halko, Martinsson & Tropp's randomized SVD with power iterations). */
function truncatedSvd(x: Csr, n: number, terms: number, width: number, opts: SpaceOptions): { coords: Float32Array; sigma: Float32Array } {
  const l = Math.min(n, width + opts.oversample);
  const byTerm = transpose(x, n, terms);
  let q: Float64Array = Float64Array.from({ length: n * l }, gaussian(2026));
  orthonormalize(q, n, l);
  for (let it = 0; it < opts.iterations; it++) {
    q = gramTimes(byTerm, terms, q, n, l);
    // Q was orthonormal, so X Xᵀ Q is no worse conditioned than X Xᵀ itself: one pass keeps it orthonormal enough.
    orthonormalize(q, n, l, it === opts.iterations - 1 ? 2 : 1);
  }
  // B = Qᵀ X Xᵀ Q (l × l); its eigenvectors W turn Q into the left singular vectors U = Q W, its eigenvalues are σ².
  const y = gramTimes(byTerm, terms, q, n, l);
  const b = new Float64Array(l * l);
  for (let r = 0; r < n; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) { const qi = q[o + i]; if (qi === 0) continue; for (let j = 0; j < l; j++) b[i * l + j] += qi * y[o + j]; }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) b[i * l + j] = b[j * l + i] = (b[i * l + j] + b[j * l + i]) / 2;
  const { values, vectors } = symmetricEigen(b, l);
  const u = multiply(q, vectors, n, l, l);
  const sigma = Float32Array.from({ length: width }, (_, j) => Math.sqrt(Math.max(0, values[j])));
  const coords = new Float32Array(n * width);
  for (let r = 0; r < n; r++) for (let j = 0; j < width; j++) coords[r * width + j] = u[r * l + j] * sigma[j];
  return { coords, sigma };
}

/** Each paper's `k` nearest papers by cosine in the reduced space (weights max(cos, 0)), made symmetric and with each
 *  paper's weights summing to 1. Quadratic in the papers: the store bounds them (store/space.ts). */
function neighbourGraph(coords: Float32Array, n: number, width: number, k: number): Pick<SpaceCore, 'nbrStart' | 'nbr' | 'nbrW'> {
  const e = Float64Array.from(coords);
  unitRows(e, n, width);
  const kk = Math.min(k, n - 1);
  const best = Array.from({ length: n }, () => ({ ids: new Int32Array(kk).fill(-1), sims: new Float64Array(kk).fill(-Infinity) }));
  // Each pair once: its cosine is offered to both papers' lists.
  for (let i = 0; i < n; i++) {
    const oi = i * width;
    const bi = best[i];
    for (let j = i + 1; j < n; j++) {
      const oj = j * width;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let d = 0;
      for (; d + 3 < width; d += 4) {
        s0 += e[oi + d] * e[oj + d]; s1 += e[oi + d + 1] * e[oj + d + 1]; s2 += e[oi + d + 2] * e[oj + d + 2]; s3 += e[oi + d + 3] * e[oj + d + 3];
      }
      for (; d < width; d++) s0 += e[oi + d] * e[oj + d];
      const s = s0 + s1 + s2 + s3;
      if (s > bi.sims[kk - 1]) offer(bi.ids, bi.sims, j, s);
      const bj = best[j];
      if (s > bj.sims[kk - 1]) offer(bj.ids, bj.sims, i, s);
    }
  }
  // Symmetric: j is i's neighbour when i is j's, with the same weight.
  const edges = Array.from({ length: n }, () => new Map<number, number>());
  best.forEach(({ ids, sims: s }, i) => ids.forEach((j, m) => {
    if (j < 0) return;
    const w = Math.max(0, s[m]);
    edges[i].set(j, Math.max(edges[i].get(j) ?? 0, w));
    edges[j].set(i, Math.max(edges[j].get(i) ?? 0, w));
  }));
  const nbrStart = new Uint32Array(n + 1);
  edges.forEach((m, i) => { nbrStart[i + 1] = nbrStart[i] + m.size; });
  const nbr = new Int32Array(nbrStart[n]);
  const nbrW = new Float32Array(nbrStart[n]);
  edges.forEach((m, i) => {
    const total = [...m.values()].reduce((a, b) => a + b, 0) || 1;
    let at = nbrStart[i];
    for (const [j, w] of m) { nbr[at] = j; nbrW[at++] = w / total; }
  });
  return { nbrStart, nbr, nbrW };
}

/** Puts (id, sim) into a list kept in descending order of sim, dropping its last element. */
function offer(ids: Int32Array, sims: Float64Array, id: number, sim: number): void {
  let at = ids.length - 1;
  while (at > 0 && sims[at - 1] < sim) { sims[at] = sims[at - 1]; ids[at] = ids[at - 1]; at--; }
  sims[at] = sim;
  ids[at] = id;
}

/** Unit rows of E + W E: each paper's unit coordinates plus the weighted mean of its neighbours'. */
function smooth(core: SpaceCore, e: Float32Array, k: number): Float32Array {
  const n = core.ids.length;
  const s = Float32Array.from(e);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let m = core.nbrStart[r]; m < core.nbrStart[r + 1]; m++) {
      const w = core.nbrW[m];
      const oj = core.nbr[m] * k;
      for (let d = 0; d < k; d++) s[o + d] += w * e[oj + d];
    }
  }
  unitRows(s, n, k);
  return s;
}

function meanRow(a: Float32Array, n: number, k: number): Float32Array {
  const m = new Float32Array(k);
  for (let r = 0; r < n; r++) for (let d = 0; d < k; d++) m[d] += a[r * k + d];
  for (let d = 0; d < k; d++) m[d] /= n || 1;
  return m;
}

/** The covariance of the rows (k × k, row-major). */
function covariance(rows: Float32Array, mean: Float32Array, n: number, k: number): Float64Array {
  const centred = new Float64Array(n * k);
  for (let r = 0; r < n; r++) for (let d = 0; d < k; d++) centred[r * k + d] = rows[r * k + d] - mean[d];
  const g = gram(centred, n, k);
  for (let i = 0; i < g.length; i++) g[i] /= n || 1;
  return g;
}

/** V = Xᵀ U Σ⁻¹ (terms × width): a tf-idf row times V gives its coordinates, as the SVD would have placed it. */
function projection(core: SpaceCore): Float32Array {
  const n = core.ids.length;
  const w = core.width;
  const v = new Float32Array(core.buckets.length * w);
  for (let r = 0; r < n; r++) {
    for (let k = core.rowStart[r]; k < core.rowStart[r + 1]; k++) {
      const x = core.val[k];
      const t = core.col[k] * w;
      for (let j = 0; j < w; j++) v[t + j] += x * core.coords[r * w + j];
    }
  }
  // coords = U Σ, so Xᵀ coords = V Σ²: divide each column by σ².
  for (let t = 0; t < core.buckets.length; t++) for (let j = 0; j < w; j++) v[t * w + j] /= core.sigma[j] ** 2 || 1;
  return v;
}

/** A paper outside the space, placed in it: the unit row of its projected tf-idf (not smoothed: it has no neighbours
 *  in the graph; measured, smoothing it over its nearest papers changed nothing). Null when it shares no kept term
 *  with the store. */
export function foldIn(space: Space, counts: Map<number, number>): Float32Array | null {
  const mask = (1 << VOCAB_BITS) - 1;
  // Term numbers and counts; two hashed terms of one bucket count as one term, as when the space was built.
  const terms: number[] = [];
  const tfs: number[] = [];
  const slot = space.slot;
  for (const [h, tf] of counts) {
    const t = space.term[h & mask] - 1;
    if (t < 0) continue;
    if (slot[t]) tfs[slot[t] - 1] += tf;
    else { terms.push(t); tfs.push(tf); slot[t] = terms.length; }
  }
  for (const t of terms) slot[t] = 0;
  if (!terms.length) return null;
  const w = space.width;
  const sum = new Float64Array(w);
  const proj = space.proj;
  for (let k = 0; k < terms.length; k++) {
    const x = (1 + Math.log(tfs[k])) * space.idf[terms[k]];
    const o = terms[k] * w;
    let j = 0;
    for (; j + 3 < w; j += 4) {
      sum[j] += x * proj[o + j]; sum[j + 1] += x * proj[o + j + 1]; sum[j + 2] += x * proj[o + j + 2]; sum[j + 3] += x * proj[o + j + 3];
    }
    for (; j < w; j++) sum[j] += x * proj[o + j];
  }
  // The tf-idf row's own length does not matter: the result is scaled to unit length.
  const z = Float32Array.from(sum);
  unitRows(z, 1, w);
  return z;
}

/** The smoothed row of the space's paper number `at`. */
export function spaceRow(space: Space, at: number): Float32Array {
  return space.rows.subarray(at * space.width, (at + 1) * space.width);
}

/** The arrays of a core, in the order encodeSpace writes them (each of 4-byte elements). */
const ARRAYS = ['buckets', 'idf', 'rowStart', 'col', 'val', 'coords', 'sigma', 'nbrStart', 'nbr', 'nbrW'] as const;
const TYPES = { buckets: Int32Array, idf: Float32Array, rowStart: Uint32Array, col: Int32Array, val: Float32Array, coords: Float32Array,
  sigma: Float32Array, nbrStart: Uint32Array, nbr: Int32Array, nbrW: Float32Array };

/** A core as bytes (its ids and width are kept beside them): a header of the arrays' lengths, then the arrays. */
export function encodeSpace(core: SpaceCore): Uint8Array {
  const header = Uint32Array.from(ARRAYS, (k) => core[k].length);
  const out = new Uint8Array(4 * (header.length + header.reduce((a, b) => a + b, 0)));
  out.set(new Uint8Array(header.buffer), 0);
  let at = header.byteLength;
  for (const k of ARRAYS) {
    const a = core[k];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

/** The space encodeSpace's bytes stand for, ready to rank in; throws when they do not fit the ids and width. */
export function decodeSpace(ids: string[], width: number, bytes: Uint8Array): Space {
  // A copy: the typed arrays need 4-byte alignment, which a Buffer from SQLite need not have.
  const buf = Uint8Array.from(bytes).buffer;
  const header = new Uint32Array(buf, 0, ARRAYS.length);
  let at = header.byteLength;
  const parts: Record<string, Int32Array | Float32Array | Uint32Array> = {};
  ARRAYS.forEach((k, i) => {
    parts[k] = new TYPES[k](buf, at, header[i]);
    at += 4 * header[i];
  });
  const core = { ids, width, ...parts } as unknown as SpaceCore;
  if (at !== buf.byteLength || core.rowStart.length !== ids.length + 1 || core.coords.length !== ids.length * width) {
    throw new Error('the stored semantic space does not match its papers');
  }
  return finishSpace(core);
}
