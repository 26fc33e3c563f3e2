// Turns the stated part of a profile (keywords, about text) into weighted query vectors over hashed terms.
import { type SparseVector, truncate, unitVector } from './sparse.js';
import { bigramHash, hashString, words } from './tokenize.js';
import { type Vocabulary, idf } from './vocabulary.js';

/** A query vector plus, per bucket, the text that put it there (for "why" strings). */
export interface Query {
  vector: SparseVector;
  labels: Map<number, string>;
}

/** One keyword or phrase, as the buckets a paper must contain to match it. */
export interface KeywordTerms {
  text: string;
  /** A single word's bucket, or a phrase's bigram buckets (all must be present). */
  required: number[];
}

/** Unigram and bigram buckets of a text, each with its label and how often it occurs. */
function terms(vocab: Vocabulary, text: string): { bucket: number; label: string; bigram: boolean }[] {
  const mask = (1 << vocab.bits) - 1;
  const ws = words(text);
  const hs = ws.map(hashString);
  const out = ws.map((w, i) => ({ bucket: hs[i] & mask, label: w, bigram: false }));
  for (let i = 1; i < ws.length; i++) {
    out.push({ bucket: bigramHash(hs[i - 1], hs[i]) & mask, label: `${ws[i - 1]} ${ws[i]}`, bigram: true });
  }
  return out;
}

/** Query for keywords and phrases: a phrase weighs its bigrams fully and its single words half (idf-weighted). */
export function keywordQuery(vocab: Vocabulary, keywords: string[]): Query {
  const weights = new Map<number, number>();
  const labels = new Map<number, string>();
  for (const k of keywords) {
    const ts = terms(vocab, k);
    const phrase = ts.some((t) => t.bigram);
    for (const t of ts) {
      const w = idf(vocab, t.bucket) * (phrase && !t.bigram ? 0.5 : 1);
      weights.set(t.bucket, Math.max(weights.get(t.bucket) ?? 0, w));
      labels.set(t.bucket, t.label);
    }
  }
  return { vector: unitVector(weights), labels };
}

/** Terms kept of a free-text query: its most distinctive ones (common words cost the most to score). */
const TEXT_QUERY_TERMS = 64;

/** Query for free text ("about my work"): sublinear tf × idf over its unigrams and bigrams. */
export function textQuery(vocab: Vocabulary, text: string): Query {
  const tf = new Map<number, number>();
  const labels = new Map<number, string>();
  for (const t of terms(vocab, text)) {
    tf.set(t.bucket, (tf.get(t.bucket) ?? 0) + 1);
    labels.set(t.bucket, t.label);
  }
  const weights = new Map([...tf].map(([b, n]) => [b, (1 + Math.log(n)) * idf(vocab, b)]));
  return { vector: truncate(unitVector(weights), TEXT_QUERY_TERMS), labels };
}

/** What each keyword needs to be present in a paper, for the "matches …" explanation. */
export function keywordTerms(vocab: Vocabulary, keywords: string[]): KeywordTerms[] {
  return keywords
    .map((text) => {
      const ts = terms(vocab, text);
      const bigrams = ts.filter((t) => t.bigram).map((t) => t.bucket);
      return { text: text.trim(), required: bigrams.length ? bigrams : ts.map((t) => t.bucket) };
    })
    .filter((k) => k.required.length > 0);
}
