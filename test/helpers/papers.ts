import { readFileSync } from 'node:fs';
import type { Db } from '../../src/db/open.js';
import { parseListing } from '../../src/ingest/listing.js';
import { upsertPapers } from '../../src/store/papers.js';

/** Stores a plain listing file's papers as first seen at `now`, synchronously; returns the upsert counts. */
export function ingestListingFile(db: Db, file: string, now = new Date()) {
  return upsertPapers(db, parseListing(readFileSync(file, 'utf8')).papers, now);
}
