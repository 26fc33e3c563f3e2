// The semantic space kept in a real SQLite file: learned when papers came in since, read back as it was learned, and
// learned on a worker thread with a connection of its own (as serve does after each ingest).
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { Paper } from '../../src/model.js';
import { loadSpace, refreshSpace, spaceIsStale, startSpaceBuilder } from '../../src/semantic-space.js';
import { rankingInputs } from '../../src/digest/choose.js';
import { foldIn } from '../../src/rank/space.js';
import { paperTerms } from '../../src/rank/vocabulary.js';
import { parseJournalFeed } from '../../src/ingest/journal-feed.js';
import { parseRxivDetails } from '../../src/ingest/rxiv.js';
import { libraryForRanking, linkLibrary, replaceLibrary } from '../../src/store/library.js';
import { upsertPapers } from '../../src/store/papers.js';
import { addSubscribers } from '../helpers/subscribers.js';
import { tempDb } from '../helpers/ingest-db.js';

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
    expect(learned).toMatchObject({ papers: 150, width: 15, entries: 0 });
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

  it('covers the papers of every source: bioRxiv, medRxiv and journals\' feeds beside arXiv', () => {
    const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
    const others = [
      ...parseRxivDetails(fixture('biorxiv/details-biorxiv-2026-07-15.json')).papers,
      ...parseRxivDetails(fixture('biorxiv/details-medrxiv-2026-09-15.json')).papers,
      ...parseJournalFeed(fixture('journals/nature.rss')).papers,
      ...parseJournalFeed(fixture('journals/science.rss')).papers,
    ];
    expect(others.length).toBeGreaterThanOrEqual(10);
    upsertPapers(t.db, [...arxiv, ...others], new Date('2026-04-01T06:00:00Z'));
    refreshSpace(t.db, new Date('2026-04-02T08:00:00Z'));
    const ids = new Set(loadSpace(t.db)!.ids);
    const stored = t.db.prepare('SELECT id FROM papers').pluck().all() as string[];
    const missing = stored.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    expect(stored.filter((id) => !/^\d{4}\.\d{4,5}$/.test(id)).length).toBe(others.length);
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

  it('folds in the library entries digests read, keeps their rows, and drops a row when its entry is linked', () => {
    upsertPapers(t.db, arxiv.slice(0, 150), new Date('2026-04-01T06:00:00Z'));
    const [sub] = addSubscribers(t.db, 1);
    const inStore = arxiv[3];
    const later = arxiv[160];
    const entry = (title: string, abstract: string, arxivId: string | null = null) => ({ where: 'x', title, abstract, authors: [], arxivId, doi: null, titleKeys: [], added: '2026-03-01' });
    replaceLibrary(t.db, sub, [
      entry(inStore.title, inStore.abstract, inStore.id), // matched: one of the space's own papers
      entry(later.title, later.abstract, later.id), // a text example now; its paper is stored later
      entry('Channel estimation for reconfigurable intelligent surfaces', 'We estimate the cascaded channel of a metasurface-aided MIMO link.'),
    ]);
    const learned = refreshSpace(t.db, new Date('2026-04-02T08:00:00Z'))!;
    expect(learned.entries).toBe(3);
    const space = loadSpace(t.db)!;
    const profile = { keywords: [], categories: [], authors: [], about: '', papers: [], votes: [] };
    const { library } = rankingInputs(t.db, sub, profile, false, space.builtAt);
    expect(library.map((e) => e.paper.id.startsWith('library:'))).toEqual([false, true, true]);
    expect(library[0].row).toBeUndefined(); // the space's own row is read instead
    expect(library[1].row).toHaveLength(space.width);
    expect(library[2].row).toHaveLength(space.width);
    // The kept row is where the entry's text folds in.
    const folded = foldIn(space, paperTerms(library[2].paper))!;
    expect(Array.from(library[2].row!)).toEqual(Array.from(folded));
    // A row of an older space is not read; the entry linked to its paper loses its row and counts.
    expect(rankingInputs(t.db, sub, profile, false, 'another space').library[1].row).toBeUndefined();
    upsertPapers(t.db, [later], new Date('2026-04-03T06:00:00Z'));
    linkLibrary(t.db, [later.id]);
    const linked = libraryForRanking(t.db, sub, 50)[1];
    expect(linked).toMatchObject({ paperId: later.id, row: null, rowSpace: null, terms: null });
  });

  it('folds every active subscriber\'s first 50 entries, a page of subscribers at a time, and no one else\'s', () => {
    upsertPapers(t.db, arxiv.slice(0, 150), new Date('2026-04-01T06:00:00Z'));
    const subs = addSubscribers(t.db, 120);
    const text = (i: number) => ({ where: `line ${i}`, title: arxiv[150 + (i % 50)].title, abstract: arxiv[150 + (i % 50)].abstract, authors: [], arxivId: null, doi: null, titleKeys: [], added: '2026-03-01' });
    // Three entries each, 60 for the first subscriber (50 are read), none for every tenth; one subscriber paused.
    subs.forEach((id, k) => { if (k % 10 !== 9) replaceLibrary(t.db, id, Array.from({ length: k === 0 ? 60 : 3 }, (_, i) => text(i))); });
    t.db.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE id = ?").run(subs[57]);
    const learned = refreshSpace(t.db, new Date('2026-04-02T08:00:00Z'))!;
    const withRows = t.db.prepare('SELECT subscriber_id AS s, count(*) AS n FROM library_entries WHERE row_space IS NOT NULL GROUP BY subscriber_id').all() as { s: number; n: number }[];
    const expected = subs.flatMap((id, k) => (k % 10 === 9 || k === 57 ? [] : [{ s: id, n: k === 0 ? 50 : 3 }]));
    expect(withRows).toEqual(expected);
    expect(learned.entries).toBe(50 + 3 * (108 - 2));
  });
});
