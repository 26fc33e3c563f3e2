import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { openDb } from '../../src/db/open.js';
import type { Paper } from '../../src/model.js';
import { titleId } from '../../src/paper-identity.js';
import { upsertPapers } from '../../src/store/papers.js';
import { ftsQuery, searchPapers } from '../../src/store/search.js';
import { tempDb } from '../helpers/ingest-db.js';

/** A paper with defaults for what a test does not care about. */
function paper(over: Partial<Paper>): Paper {
  return { id: '2401.00001', title: 'A Paper', abstract: '', authors: [], categories: [], published: null, url: null, ...over };
}

/** The ids `searchPapers` finds, best first. */
const ids = (db: ReturnType<typeof tempDb>['db'], q: string): string[] => searchPapers(db, q).map((p) => p.id);

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

describe('searchPapers', () => {
  it('finds papers by words of their title, abstract or authors, title matches first', () => {
    upsertPapers(t.db, [
      paper({ id: '2401.00001', title: 'Sparse attention', abstract: 'We study diffusion samplers.', authors: ['Ada Lovelace'] }),
      paper({ id: '2401.00002', title: 'Diffusion models', abstract: 'A survey.' }),
      paper({ id: '2401.00003', title: 'Graphs', abstract: 'Nothing here.' }),
    ]);
    expect(ids(t.db, 'diffusion')).toEqual(['2401.00002', '2401.00001']);
    expect(ids(t.db, 'lovelace')).toEqual(['2401.00001']);
    expect(ids(t.db, 'Diffusion   SURVEY')).toEqual(['2401.00002']);
    expect(ids(t.db, 'quantum')).toEqual([]);
  });

  it('reads any input as plain words, never as FTS5 syntax', () => {
    upsertPapers(t.db, [paper({ title: 'Self-supervised learning' })]);
    expect(ftsQuery('self-supervised "OR* NEAR(')).toBe('"self" "supervised" "OR" "NEAR"');
    expect(ids(t.db, 'self-supervised')).toEqual(['2401.00001']);
    expect(ids(t.db, '"(*')).toEqual([]);
  });

  it('follows changed text, re-keyed rows and merges', () => {
    upsertPapers(t.db, [paper({ id: titleId('Deep Nets'), title: 'Deep Nets', abstract: 'draft wording' })]);
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Deep Nets', abstract: 'final wording' })]);
    expect(ids(t.db, 'deep nets')).toEqual(['2401.00001']);
    expect(ids(t.db, 'draft')).toEqual([]);
    expect(ids(t.db, 'final')).toEqual(['2401.00001']);
    // Only upvotes change: the row is updated, the index keeps it once.
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Deep Nets', abstract: 'final wording', upvotes: 3 })]);
    expect(ids(t.db, 'final')).toEqual(['2401.00001']);
    // A new version with a new abstract.
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Deep Nets', abstract: 'revised wording' })]);
    expect(ids(t.db, 'final')).toEqual([]);
    expect(ids(t.db, 'revised wording')).toEqual(['2401.00001']);
    t.db.prepare("INSERT INTO search.papers_fts (papers_fts) VALUES ('integrity-check')").run();
  });

  it('indexes the papers stored before the index existed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-fts-'));
    const db = openDb(join(dir, 'p.db'));
    try {
      const all = loadMigrations();
      migrate(db, all.filter((m) => m.version < 6));
      db.prepare(`INSERT INTO papers (id, title, title_key, first_seen, updated_at)
                  VALUES ('2401.00009', 'Old paper on tokenizers', 'oldpaperontokenizers', '2026-01-01', '2026-01-01')`).run();
      migrate(db, all);
      expect(searchPapers(db, 'tokenizers').map((p) => p.id)).toEqual(['2401.00009']);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
