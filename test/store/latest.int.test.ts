// The landing page shows the papers of the last two days of ingest, most upvoted first.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import type { Paper } from '../../src/model.js';
import { latestPapers, upsertPapers } from '../../src/store/papers.js';
import { tempDb } from '../helpers/ingest-db.js';

/** A paper with defaults for what a test does not care about. */
function paper(id: string, upvotes: number): Paper {
  return { id, title: `Paper ${id}`, abstract: '', authors: [], categories: [], published: null, url: null, upvotes };
}

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

describe('latestPapers', () => {
  it('keeps papers first seen within two days of the newest one, and drops an hour older', () => {
    const newest = new Date('2026-11-29T10:00:00Z');
    upsertPapers(t.db, [paper('2611.00001', 1)], newest);
    upsertPapers(t.db, [paper('2611.00002', 5)], new Date('2026-11-27T11:00:00Z'));
    upsertPapers(t.db, [paper('2611.00003', 9)], new Date('2026-11-27T09:00:00Z'));
    expect(latestPapers(t.db, 10).map((p) => p.id)).toEqual(['2611.00002', '2611.00001']);
  });
});
