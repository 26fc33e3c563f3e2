// The semantic space kept in a real SQLite file: learned when papers came in since, read back as it was learned, and
// learned on a worker thread with a connection of its own (as serve does after each ingest).
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { Paper } from '../../src/model.js';
import { loadSpace, refreshSpace, spaceIsStale, startSpaceBuilder } from '../../src/semantic-space.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb } from '../ingest/db.js';

const arxiv = readFileSync(new URL('../fixtures/arxiv-2026q2-200.jsonl', import.meta.url), 'utf8').trim().split('\n')
  .map((l) => JSON.parse(l) as Paper).map((p) => ({ ...p, categories: p.categories ?? [], url: null }));

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

describe('the stored semantic space', () => {
  it('is learned once papers are stored, kept, and learned again only when new papers come', () => {
    const now = new Date('2026-04-02T08:00:00Z');
    expect(spaceIsStale(t.db)).toBe(false); // nothing stored, nothing to learn
    upsertPapers(t.db, arxiv.slice(0, 150), new Date('2026-04-01T06:00:00Z'));
    expect(spaceIsStale(t.db)).toBe(true);
    const learned = refreshSpace(t.db, now)!;
    expect(learned).toMatchObject({ papers: 150, width: 15 });
    expect(spaceIsStale(t.db)).toBe(false);
    expect(refreshSpace(t.db, now)).toBeNull();
    const space = loadSpace(t.db)!;
    expect(space.ids).toHaveLength(150);
    expect(loadSpace(t.db) === space).toBe(true); // decoded once while it is the stored one
    upsertPapers(t.db, arxiv.slice(150), new Date('2026-04-02T06:00:00Z'));
    expect(spaceIsStale(t.db)).toBe(true);
    expect(refreshSpace(t.db, new Date('2026-04-02T09:00:00Z'))!.papers).toBe(200);
    expect(loadSpace(t.db)!.ids).toHaveLength(200);
  });

  it('reads back the rows it saved, from another connection', () => {
    upsertPapers(t.db, arxiv, new Date('2026-04-01T06:00:00Z'));
    refreshSpace(t.db, new Date('2026-04-02T08:00:00Z'));
    const a = loadSpace(t.db)!;
    const other = new Database(t.db.name, { readonly: true });
    try {
      const b = loadSpace(other)!;
      expect(b === a).toBe(false); // decoded anew (a matcher given the spaces themselves would print megabytes)
      expect(b.ids).toEqual(a.ids);
      expect(Array.from(b.rows)).toEqual(Array.from(a.rows));
    } finally {
      other.close();
    }
  });

  it('is learned on a worker thread with its own connection', async () => {
    upsertPapers(t.db, arxiv, new Date());
    const builder = startSpaceBuilder(t.db);
    try {
      const [first, second] = await Promise.all([builder.refresh(), builder.refresh()]);
      expect(first).toMatchObject({ papers: 200, width: 20 });
      expect(second).toBeNull(); // asked while the first ran: run once more, and nothing was new
      expect(loadSpace(t.db)!.ids).toHaveLength(200);
    } finally {
      builder.close();
    }
  });
});
