// TF-IDF over hashed unigrams + bigrams: document frequencies fitted on a corpus, sublinear tf, l2 norm.
import type { Paper } from '../model.js';
import type { SparseVector } from './sparse.js';
import { termCounts } from './tokenize.js';

/** Document frequencies of hashed terms over a corpus (feature hashing keeps memory fixed: 4 bytes × 2^bits). */
export interface Vocabulary {
  bits: number;
  docCount: number;
  df: Uint32Array;
  /** idf per bucket, filled on first use after fitting (see idfTable). */
  idf?: Float32Array;
}

/** Default hash width: 1 M buckets (4 MB a table). Collisions among rare bigrams only blur them: on eval:rank's
 *  stores without categories nDCG@10 is the same at 2^20, 2^22 and 2^26 buckets and a little lower at 2^18
 *  (docs/ranking.md); the smaller tables keep the per-subscriber work in the processor's cache. */
export const VOCAB_BITS = 20;

/** The text a paper is represented by: title (twice, it is the densest part) and abstract. */
export function paperText(p: Paper): string {
  return `${p.title}. ${p.title}. ${p.abstract}`;
}

/** Hashed term counts of a paper, including its authors. */
export function paperTerms(p: Paper): Map<number, number> {
  return termCounts(paperText(p), p.authors.slice(0, 50));
}

/** An empty vocabulary to add documents to. */
export function emptyVocabulary(bits = VOCAB_BITS): Vocabulary {
  return { bits, docCount: 0, df: new Uint32Array(1 << bits) };
}

/** Adds papers' terms to the document frequencies (mutates `vocab`; used while fitting). */
export function addToVocabulary(vocab: Vocabulary, papers: Iterable<Paper>): Vocabulary {
  const mask = (1 << vocab.bits) - 1;
  for (const p of papers) {
    const seen = new Set<number>();
    for (const h of paperTerms(p).keys()) seen.add(h & mask);
    for (const b of seen) vocab.df[b]++;
    vocab.docCount++;
  }
  return vocab;
}

/** Fits document frequencies on a corpus (run once per ingest or digest run, shared by every subscriber). */
export function fitVocabulary(papers: Iterable<Paper>, bits = VOCAB_BITS): Vocabulary {
  return addToVocabulary(emptyVocabulary(bits), papers);
}

/** Smoothed idf of a bucket, as scikit-learn: ln((1 + N) / (1 + df)) + 1. */
export function idf(vocab: Vocabulary, bucket: number): number {
  return idfTable(vocab)[bucket];
}

/** The idf of every bucket, computed once per fitted vocabulary (recomputed if documents were added since). */
export function idfTable(vocab: Vocabulary): Float32Array {
  if (vocab.idf && vocab.idf[vocab.idf.length - 1] === vocab.docCount) return vocab.idf;
  const table = new Float32Array(vocab.df.length + 1);
  for (let b = 0; b < vocab.df.length; b++) table[b] = Math.log((1 + vocab.docCount) / (1 + vocab.df[b])) + 1;
  table[vocab.df.length] = vocab.docCount; // stamp: which fit this table belongs to
  return (vocab.idf = table);
}

/** TF-IDF vector of hashed term counts: (1 + ln tf) × idf, unit length; only the `top` heaviest terms when given. */
export function tfidf(vocab: Vocabulary, counts: Map<number, number>, top = Infinity): SparseVector {
  const mask = (1 << vocab.bits) - 1;
  const table = idfTable(vocab);
  // Sort (bucket, position) pairs packed into one number, so the native numeric sort orders them by bucket.
  const n = counts.size;
  const keys = new Float64Array(n);
  const raw = new Float32Array(n);
  let k = 0;
  for (const [h, tf] of counts) {
    const b = h & mask;
    raw[k] = (1 + Math.log(tf)) * table[b];
    keys[k] = b * 65536 + k;
    k++;
  }
  keys.sort();
  const cut = n > top ? Float32Array.from(raw).sort()[n - top] : -Infinity;
  const ids: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = Math.floor(keys[i] / 65536);
    const x = raw[keys[i] % 65536];
    if (x < cut) continue;
    if (ids.length && ids[ids.length - 1] === b) w[w.length - 1] += x; // two terms hashed to one bucket
    else { ids.push(b); w.push(x); }
  }
  const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0)) || 1;
  return { ids: Int32Array.from(ids), w: Float32Array.from(w, (x) => x / norm) };
}

/** TF-IDF vector of a paper (only its `top` heaviest terms when given). */
export function paperVector(vocab: Vocabulary, p: Paper, top = Infinity): SparseVector {
  return tfidf(vocab, paperTerms(p), top);
}
