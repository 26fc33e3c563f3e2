// TF-IDF over hashed unigrams + bigrams: document frequencies fitted on a corpus, sublinear tf, l2 norm.
import type { Paper } from '../model.js';
import { type SparseVector, unitVector } from './sparse.js';
import { termCounts } from './tokenize.js';

/** Document frequencies of hashed terms over a corpus (feature hashing keeps memory fixed: 4 bytes × 2^bits). */
export interface Vocabulary {
  bits: number;
  docCount: number;
  df: Uint32Array;
}

/** Default hash width: 4 M buckets (16 MB); collisions among rare bigrams only blur them slightly. */
export const VOCAB_BITS = 22;

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
  return Math.log((1 + vocab.docCount) / (1 + vocab.df[bucket])) + 1;
}

/** TF-IDF vector of hashed term counts: (1 + ln tf) × idf, unit length. */
export function tfidf(vocab: Vocabulary, counts: Map<number, number>): SparseVector {
  const mask = (1 << vocab.bits) - 1;
  const byBucket = new Map<number, number>();
  for (const [h, tf] of counts) {
    const b = h & mask;
    byBucket.set(b, (byBucket.get(b) ?? 0) + (1 + Math.log(tf)) * idf(vocab, b));
  }
  return unitVector(byBucket);
}

/** TF-IDF vector of a paper. */
export function paperVector(vocab: Vocabulary, p: Paper): SparseVector {
  return tfidf(vocab, paperTerms(p));
}
