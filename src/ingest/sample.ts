import { fileURLToPath } from 'node:url';
import { countPapers, SAMPLE_STORED } from '../store/papers.js';
import { setSetting } from '../store/settings.js';
import { ingestSource, type IngestDeps, type IngestSummary } from './run.js';

/** The bundled sample: 287 real Hugging Face daily papers of June 2026 with ids, authors, categories and upvotes (data/sample/README.md). */
export const SAMPLE_FILE = fileURLToPath(new URL('../../data/sample/papers.jsonl.gz', import.meta.url));

/** Ingests the bundled sample, recorded as an ingest run, when the store holds no paper yet; null when it held some.
 *  When it was stored is kept (SAMPLE_STORED): until a paper arrives after it, the pages call the papers a sample. */
export async function ingestSampleIfEmpty(deps: IngestDeps): Promise<IngestSummary | null> {
  if (countPapers(deps.db) !== 0) return null;
  const r = await ingestSource(deps, SAMPLE_FILE, { format: 'jsonl' });
  if (r.new > 0) setSetting(deps.db, SAMPLE_STORED, (deps.now?.() ?? new Date()).toISOString());
  return r;
}
