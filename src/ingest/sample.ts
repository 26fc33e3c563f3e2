import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/open.js';
import { countPapers, upsertPapers } from '../store/papers.js';
import { parseListing } from './listing.js';

/** The bundled sample: a saved Hugging Face papers page. */
export const SAMPLE_FILE = fileURLToPath(new URL('../../data/sample/hf-papers-page.txt', import.meta.url));

/** Ingests a plain listing file; returns what was added, updated and rejected. */
export function ingestListingFile(db: Db, file: string, now = new Date()) {
  const parsed = parseListing(readFileSync(file, 'utf8'));
  return { ...upsertPapers(db, parsed.papers, now), rejected: parsed.rejected };
}

/** Ingests the bundled sample when the store holds no paper yet; returns the number added. */
export function ingestSampleIfEmpty(db: Db, now = new Date()): number {
  return countPapers(db) === 0 ? ingestListingFile(db, SAMPLE_FILE, now).added : 0;
}
