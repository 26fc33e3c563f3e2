import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import type { Db } from '../../src/db/open.js';
import type { Paper } from '../../src/model.js';
import { recentPapers, shownPaperIds } from '../../src/store/digests.js';
import { titleId } from '../../src/paper-identity.js';
import { countPapers, iteratePapers, upsertPapers } from '../../src/store/papers.js';
import { parseArxivAtom } from '../../src/ingest/arxiv-atom.js';
import { parseHfDaily } from '../../src/ingest/hf-daily.js';
import { parseArxivRss } from '../../src/ingest/arxiv-rss.js';
import { fixture } from '../helpers/ingest.js';
import { tempDb } from '../helpers/ingest-db.js';

/** A paper with defaults for what a test does not care about. */
function paper(over: Partial<Paper>): Paper {
  return { id: '2401.00001', title: 'A Paper', abstract: '', authors: [], categories: [], published: null, url: null, ...over };
}

/** The stored papers by id. */
function stored(db: Db): Map<string, Paper> {
  return new Map([...iteratePapers(db)].map((p) => [p.id, p]));
}

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

describe('upsertPapers', () => {
  it('adds new papers and counts an identical re-ingest as unchanged', () => {
    const { papers } = parseHfDaily(fixture('hf-daily/2024-05-27.json'));
    expect(upsertPapers(t.db, papers)).toEqual({ added: 13, updated: 0, unchanged: 0 });
    expect(upsertPapers(t.db, papers)).toEqual({ added: 0, updated: 0, unchanged: 13 });
    expect(countPapers(t.db)).toBe(13);
  });

  it('merges the same paper from Hugging Face and arXiv into one row with both sides\' fields', () => {
    upsertPapers(t.db, [paper({ id: '2405.15738', title: 'ConvLLaVA', upvotes: 32, thumbnail: 'https://x/t.png', comments: 3 })]);
    const counts = upsertPapers(t.db, [paper({ id: '2405.15738', title: 'ConvLLaVA', categories: ['cs.CV', 'cs.CL'], authors: ['C. Ge'], abstract: 'Abs' })]);
    expect(counts).toEqual({ added: 0, updated: 1, unchanged: 0 });
    expect(stored(t.db).get('2405.15738')).toMatchObject({ upvotes: 32, thumbnail: 'https://x/t.png', comments: 3, categories: ['cs.CV', 'cs.CL'], authors: ['C. Ge'], abstract: 'Abs' });
  });

  it('updates upvotes on a re-fetch', () => {
    upsertPapers(t.db, [paper({ upvotes: 3 })]);
    upsertPapers(t.db, [paper({ upvotes: 41 })]);
    expect(stored(t.db).get('2401.00001')?.upvotes).toBe(41);
  });

  it('treats a new version as the same paper: row updated, first_seen and published kept', () => {
    upsertPapers(t.db, [paper({ abstract: 'v1 text', published: '2024-01-01T00:00:00.000Z' })], new Date('2024-01-02T00:00:00Z'));
    const counts = upsertPapers(t.db, [paper({ abstract: 'v2 text', published: '2024-03-01T00:00:00.000Z' })], new Date('2024-03-02T00:00:00Z'));
    expect(counts).toEqual({ added: 0, updated: 1, unchanged: 0 });
    expect(stored(t.db).get('2401.00001')).toMatchObject({ abstract: 'v2 text', published: '2024-01-01T00:00:00.000Z', firstSeen: '2024-01-02T00:00:00.000Z' });
  });

  it('never offers a new version to a subscriber who got the paper', () => {
    const v1 = parseArxivAtom(fixture('arxiv-api/id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml')).papers;
    upsertPapers(t.db, v1, new Date('2026-01-01T00:00:00Z'));
    t.db.prepare("INSERT INTO subscribers (id, email, created_at) VALUES (1, 'a@example.org', '2026-01-01')").run();
    t.db.prepare("INSERT INTO digests (id, subscriber_id, digest_date, state, created_at) VALUES (1, 1, '2026-01-01', 'sent', '2026-01-01')").run();
    t.db.prepare("INSERT INTO digest_items (digest_id, subscriber_id, paper_id, position, score) VALUES (1, 1, 'quant-ph/0201082', 0, 1)").run();
    const v2 = parseArxivRss(fixture('arxiv-rss/cs.CL.rss.xml')).papers.filter((p) => p.id === 'quant-ph/0201082');
    expect(upsertPapers(t.db, v2, new Date('2026-04-01T00:00:00Z'))).toEqual({ added: 0, updated: 1, unchanged: 0 });
    // The sender's candidates: the window's papers less those already sent (src/digest/choose.ts).
    const sent = shownPaperIds(t.db, 1);
    expect(recentPapers(t.db, new Date('2025-12-01T00:00:00Z')).filter((p) => !sent.has(p.id))).toEqual([]);
    expect(recentPapers(t.db, new Date('2026-03-01T00:00:00Z'))).toEqual([]);
  });

  it('re-keys a title-only row when its arXiv id arrives, keeping first_seen and digest history', () => {
    const title = 'Quantum Computers and Quantum Computer Languages: Quantum Assembly Language and Quantum C Language';
    const tid = titleId(title);
    upsertPapers(t.db, [paper({ id: tid, title: title.toUpperCase(), abstract: 'from a listing' })], new Date('2020-01-01T00:00:00Z'));
    t.db.prepare("INSERT INTO subscribers (id, email, created_at) VALUES (1, 'a@example.org', '2020-01-01')").run();
    t.db.prepare("INSERT INTO digests (id, subscriber_id, digest_date, state, created_at) VALUES (1, 1, '2020-01-01', 'sent', '2020-01-01')").run();
    t.db.prepare('INSERT INTO digest_items (digest_id, subscriber_id, paper_id, position, score) VALUES (1, 1, ?, 0, 1)').run(tid);

    const counts = upsertPapers(t.db, parseArxivAtom(fixture('arxiv-api/id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml')).papers);
    expect(counts).toEqual({ added: 0, updated: 1, unchanged: 0 });
    const all = stored(t.db);
    expect([...all.keys()]).toEqual(['quant-ph/0201082']);
    expect(all.get('quant-ph/0201082')).toMatchObject({ firstSeen: '2020-01-01T00:00:00.000Z', categories: ['quant-ph', 'cs.PL'] });
    expect(t.db.prepare('SELECT paper_id FROM digest_items').pluck().all()).toEqual(['quant-ph/0201082']);
  });

  it('keeps one digest item when a subscriber already got both rows of one paper', () => {
    const tid = titleId('Deep Nets');
    upsertPapers(t.db, [paper({ id: tid, title: 'Deep Nets' })]);
    t.db.prepare("INSERT INTO subscribers (id, email, created_at) VALUES (1, 'a@example.org', '2020-01-01')").run();
    t.db.prepare("INSERT INTO digests (id, subscriber_id, digest_date, state, created_at) VALUES (1, 1, '2020-01-01', 'sent', '2020-01-01'), (2, 1, '2020-01-02', 'sent', '2020-01-02')").run();
    t.db.prepare('INSERT INTO digest_items (digest_id, subscriber_id, paper_id, position, score) VALUES (1, 1, ?, 0, 1)').run(tid);
    // The arXiv row arrives under a different title spelling first (so it got its own row and was sent too)…
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Deep Nets v0' })]);
    t.db.prepare("INSERT INTO digest_items (digest_id, subscriber_id, paper_id, position, score) VALUES (2, 1, '2401.00001', 0, 1)").run();
    // …then with the title that matches the listing: the two rows become one.
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Deep Nets' })]);
    expect([...stored(t.db).keys()]).toEqual(['2401.00001']);
    expect(t.db.prepare('SELECT digest_id, paper_id FROM digest_items').all()).toEqual([{ digest_id: 2, paper_id: '2401.00001' }]);
  });

  it('folds a title-only row into an arXiv row that already exists', () => {
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Deep Nets', upvotes: 5 })]);
    // A listing added after the arXiv row merges straight into it.
    expect(upsertPapers(t.db, [paper({ id: titleId('Deep Nets'), title: 'Deep  nets!', abstract: 'long abstract' })]))
      .toEqual({ added: 0, updated: 1, unchanged: 0 });
    expect([...stored(t.db).values()].map((p) => [p.id, p.abstract, p.upvotes])).toEqual([['2401.00001', 'long abstract', 5]]);
  });

  it('keeps the earlier first_seen when a title row folds into an arXiv row', () => {
    upsertPapers(t.db, [paper({ id: titleId('Deep Nets'), title: 'Deep Nets' })], new Date('2025-01-01T00:00:00Z'));
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Deep Nets (draft)' })], new Date('2025-06-01T00:00:00Z'));
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Deep Nets' })], new Date('2025-07-01T00:00:00Z'));
    expect([...stored(t.db).values()].map((p) => [p.id, p.firstSeen])).toEqual([['2401.00001', '2025-01-01T00:00:00.000Z']]);
  });

  it('never merges two different arXiv papers that share a title', () => {
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Survey' }), paper({ id: '2402.00002', title: 'Survey' })]);
    expect(countPapers(t.db)).toBe(2);
  });

  it('writes nothing of a batch that fails midway', () => {
    upsertPapers(t.db, [paper({ id: '2401.00001', title: 'Kept', upvotes: 1 })]);
    const bad = { ...paper({ id: '2401.00003', title: 'Bad' }), title: null } as unknown as Paper;
    expect(() => upsertPapers(t.db, [paper({ id: '2401.00002', title: 'New' }), paper({ id: '2401.00001', title: 'Kept', upvotes: 9 }), bad])).toThrow();
    expect([...stored(t.db).values()].map((p) => [p.id, p.upvotes])).toEqual([['2401.00001', 1]]);
  });
});
