import { fileURLToPath } from 'node:url';
import { countPapers } from '../store/papers.js';
import { ingestSource, type IngestDeps, type IngestSummary } from './run.js';

/** The bundled sample: 287 real Hugging Face daily papers of June 2026 with ids, authors, categories and upvotes (data/sample/README.md). */
export const SAMPLE_FILE = fileURLToPath(new URL('../../data/sample/papers.jsonl.gz', import.meta.url));

/** Ingests the bundled sample, recorded as an ingest run, when the store holds no paper yet; null when it held some. */
export async function ingestSampleIfEmpty(deps: IngestDeps): Promise<IngestSummary | null> {
  return countPapers(deps.db) === 0 ? ingestSource(deps, SAMPLE_FILE, { format: 'jsonl' }) : null;
}
