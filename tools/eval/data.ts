// Loads the committed evaluation subsets (data/eval/*.jsonl.gz) as Papers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Paper } from '#paperboy/model.js';

/** data/eval/ of the project, resolved from this module (works from src/ and dist/). */
export const EVAL_DIR = fileURLToPath(new URL('../../data/eval/', import.meta.url));

interface Row {
  id: string; title: string; abstract: string; authors: string[]; categories: string[];
  published: string; upvotes?: number;
}

/** Reads a gzipped JSON-lines file of papers; `published` is a YYYY-MM-DD day. */
export function loadPapers(file: string): Paper[] {
  const text = gunzipSync(readFileSync(EVAL_DIR + file)).toString('utf8');
  return text.split('\n').filter(Boolean).map((line) => {
    const r = JSON.parse(line) as Row;
    return {
      id: r.id, title: r.title, abstract: r.abstract ?? '', authors: r.authors ?? [], categories: r.categories ?? [],
      published: r.published, url: null, upvotes: r.upvotes ?? null, firstSeen: `${r.published.slice(0, 10)}T06:00:00Z`,
    };
  });
}

/** Seeded pseudo-random numbers in [0, 1) (mulberry32), so every run simulates the same subscribers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `k` items drawn without replacement. */
export function sample<T>(xs: T[], k: number, rand: () => number): T[] {
  const copy = xs.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, k);
}
