// The full-text index in its own file (`<database>-search`), filled by the worker thread from the change log.
import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { closeContext, createContext } from '../../src/context.js';
import { backgroundDone } from '../../src/db/background.js';
import { closeDb, openDb } from '../../src/db/open.js';
import { ingestSource } from '../../src/ingest/run.js';
import type { Paper } from '../../src/model.js';
import { titleId } from '../../src/paper-identity.js';
import { countPapers, upsertPapers } from '../../src/store/papers.js';
import { pruneIndexedChanges } from '../../src/store/retention.js';
import { indexInBackground, searchPapers } from '../../src/store/search.js';
import { tempDb } from '../helpers/ingest-db.js';

/** A paper with defaults for what a test does not care about. */
function paper(over: Partial<Paper>): Paper {
  return { id: '2401.00001', title: 'A Paper', abstract: '', authors: [], categories: [], published: null, url: null, ...over };
}

/** What the index file itself holds, read with a connection of its own (no catch-up on the way). */
function indexFile(file: string): { seq: number; docs: number } {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT (SELECT seq FROM indexed) AS seq, (SELECT count(*) FROM papers_fts_docsize) AS docs').get() as { seq: number; docs: number };
  } finally {
    db.close();
  }
}

/** The highest change-log seq of the database (what a caught-up index holds). */
const lastChange = (db: Database.Database): number =>
  db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'paper_changes'").pluck().get() as number;

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

describe('the search index file', () => {
  it('is filled by the worker thread while an ingest stores its batches', async () => {
    const r = await ingestSource({ db: t.db }, 'test/fixtures/arxiv-2026q2-200.jsonl', { batchSize: 30 });
    expect(r).toMatchObject({ new: 200, error: null });
    await backgroundDone(t.db);
    // Caught up without any search asking: the worker did it.
    expect(indexFile(`${t.db.name}-search`)).toEqual({ seq: lastChange(t.db), docs: 200 });
    expect(searchPapers(t.db, 'derivatives green functions recurrences').map((p) => p.id)).toEqual(['2509.03687']);
    t.db.prepare("INSERT INTO search.papers_fts (papers_fts) VALUES ('integrity-check')").run();
  });

  it('follows merges and changed text when the worker catches up', async () => {
    upsertPapers(t.db, [paper({ id: titleId('Deep Nets'), title: 'Deep Nets', abstract: 'draft wording' })]);
    indexInBackground(t.db);
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Deep Nets', abstract: 'final wording' })]);
    indexInBackground(t.db);
    await backgroundDone(t.db);
    // The title row was removed by the merge: one document, with the new text.
    expect(indexFile(`${t.db.name}-search`)).toEqual({ seq: lastChange(t.db), docs: 1 });
    expect(searchPapers(t.db, 'draft')).toEqual([]);
    expect(searchPapers(t.db, 'final wording').map((p) => p.id)).toEqual(['2401.00001']);
  });

  it('keeps the change log short: the daily prune drops what the index holds, never what it has yet to read', async () => {
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'One' }), paper({ id: '2401.00002', title: 'Two' })]);
    indexInBackground(t.db);
    await backgroundDone(t.db);
    upsertPapers(t.db, [paper({ id: '2401.00003', title: 'Three' })]);
    expect(pruneIndexedChanges(t.db, 500)).toBe(2);
    expect(t.db.prepare('SELECT count(*) FROM paper_changes').pluck().get()).toBe(1);
    expect(searchPapers(t.db, 'three').map((p) => p.id)).toEqual(['2401.00003']);
  });

  it('is made again from papers when its file is lost or of another version', async () => {
    const file = t.db.name;
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Sparse attention' }), paper({ id: '2401.00002', title: 'Dense attention' })]);
    expect(searchPapers(t.db, 'attention')).toHaveLength(2);
    // Older papers were pruned from the change log: only a full rebuild finds them again.
    expect(pruneIndexedChanges(t.db, 500)).toBe(2);
    upsertPapers(t.db, [paper({ id: '2401.00003', title: 'Linear attention' })]);
    await closeDb(t.db);
    for (const suffix of ['-search', '-search-wal', '-search-shm']) rmSync(file + suffix, { force: true });

    let db = openDb(file);
    expect(existsSync(`${file}-search`)).toBe(true);
    expect(searchPapers(db, 'attention')).toHaveLength(3);
    db.pragma('search.user_version = 0');
    db.exec('DELETE FROM search.papers_fts');
    await closeDb(db);

    db = openDb(file);
    expect(searchPapers(db, 'attention').map((p) => p.id).sort()).toEqual(['2401.00001', '2401.00002', '2401.00003']);
    expect(countPapers(db)).toBe(3);
    t = { ...t, db };
  });
});

describe('a failed catch-up on the worker thread', () => {
  it('is reported to the context\'s logger, and made up by the next catch-up', async () => {
    const lines: { level: number; task?: string; error?: string; msg: string }[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const config = loadConfig({ PAPERBOY_DB: join(t.dir, 'logged.db'), PUBLIC_URL: 'http://paperboy.test' });
    const ctx = await createContext(config, { log: pino({ level: 'info' }, sink) });
    try {
      await backgroundDone(ctx.db);
      // The index loses its table under the worker: its next catch-up fails in SQLite itself.
      ctx.db.exec('ALTER TABLE search.papers_fts RENAME TO papers_fts_away');
      upsertPapers(ctx.db, [paper({ id: '2401.00001', title: 'Sparse attention' })]);
      indexInBackground(ctx.db);
      await backgroundDone(ctx.db);
      expect(lines.filter((l) => l.level >= 50)).toEqual([expect.objectContaining({
        task: 'search index catch-up', error: expect.stringContaining('no such table: search.papers_fts'),
        msg: 'background search index catch-up failed; it is done again later',
      })]);
      // Nothing was lost: with its table back, the index catches up with what it missed.
      ctx.db.exec('ALTER TABLE search.papers_fts_away RENAME TO papers_fts');
      indexInBackground(ctx.db);
      await backgroundDone(ctx.db);
      expect(lines.filter((l) => l.level >= 50)).toHaveLength(1);
      expect(searchPapers(ctx.db, 'sparse').map((p) => p.id)).toEqual(['2401.00001']);
    } finally {
      await closeContext(ctx);
    }
  });
});
