import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/open.js';
import { parseArxivAtom } from '../../src/ingest/arxiv-atom.js';
import { parseJsonl } from '../../src/ingest/jsonl.js';
import { readLibrary } from '../../src/library/citation.js';
import { orderLibrary } from '../../src/rank/library.js';
import { libraryCounts, libraryForRanking, libraryPage, librarySummary, removeLibraryEntry, replaceLibrary } from '../../src/store/library.js';
import { upsertPapers } from '../../src/store/papers.js';
import { deleteSubscriberData } from '../../src/store/subscribers.js';
import { tempDb } from '../helpers/ingest-db.js';

// Library entries against a real SQLite file holding real papers: the 200 arXiv papers of test/fixtures and an arXiv
// API response whose entries carry journal DOIs.
describe('a stored library', () => {
  let db: Db;
  let close: () => Promise<void>;
  const fixture = (name: string) => readFileSync(`test/fixtures/library/${name}`, 'utf8');
  const stored = (title: string) => libraryPage(db, 1, 0, 100).find((e) => e.title.startsWith(title))!;

  beforeEach(() => {
    ({ db, close } = tempDb());
    upsertPapers(db, parseJsonl(readFileSync('test/fixtures/arxiv-2026q2-200.jsonl', 'utf8')).papers);
    upsertPapers(db, parseArxivAtom(readFileSync('test/fixtures/arxiv-api/q_testing_s0_m10_bc5a6c384fe9.xml', 'utf8')).papers);
    db.prepare(`INSERT INTO subscribers (id, email, status, created_at) VALUES (1, 'lib@example.org', 'active', '2026-05-01T00:00:00Z')`).run();
  });
  afterEach(() => close());

  it('keeps the DOI arXiv gives a paper', () => {
    expect(db.prepare("SELECT doi FROM papers WHERE id = '2202.12139'").pluck().get()).toBe('10.1109/icstw55395.2022.00035');
  });

  it('matches by arXiv id, then DOI, then title (LaTeX and accents folded); the rest are text examples', async () => {
    const read = await readLibrary(fixture('zotero.bib'), 5000);
    expect(librarySummary(db, read.entries)).toEqual({ matched: 13, text: 2, waiting: 0 });
    replaceLibrary(db, 1, orderLibrary(read.entries));
    expect(stored('The Last Fingerprint')).toMatchObject({ paperId: '2603.27006', matchedBy: 'arxiv' });
    expect(stored('Fisheye3R')).toMatchObject({ paperId: '2603.28896', matchedBy: 'arxiv' }); // by its 10.48550/arXiv DOI
    expect(stored('Scheduling with time')).toMatchObject({ paperId: '2603.28800', matchedBy: 'arxiv' }); // "arXiv preprint arXiv:…"
    expect(stored('Testing Deep Learning Models')).toMatchObject({ paperId: '2202.12139', matchedBy: 'doi' });
    expect(stored('Active Fuzzing')).toMatchObject({ paperId: '2005.14124', matchedBy: 'doi' });
    expect(stored('ChartDiff')).toMatchObject({ paperId: '2603.28902', matchedBy: 'title' });
    expect(stored('PAR')).toMatchObject({ paperId: '2603.29085', matchedBy: 'title' }); // stored as PAR$^2$-RAG
    expect(stored('α-Fair')).toMatchObject({ paperId: '2603.29717', matchedBy: 'title' });
    expect(stored('ChatGPT and Software')).toMatchObject({ paperId: '2302.03287', matchedBy: 'title' }); // {\&} against &amp;
    expect(stored('IntentGrasp')).toMatchObject({ paperId: null, matchedBy: null });
    expect(libraryCounts(db, 1)).toEqual({ entries: 15, matched: 13, text: 2 });
    // Most recently added first: IntentGrasp was added on 12 May.
    expect(libraryPage(db, 1, 0, 2).map((e) => e.title)).toEqual(['IntentGrasp: A Comprehensive Benchmark for Intent Understanding', expect.stringMatching(/^OptiMer/)]);
  });

  it('links an entry to its paper when the paper is stored later, by title or by the id pasted', async () => {
    replaceLibrary(db, 1, orderLibrary((await readLibrary(fixture('pasted.txt'), 5000)).entries));
    expect(librarySummary(db, (await readLibrary(fixture('pasted.txt'), 5000)).entries)).toEqual({ matched: 6, text: 1, waiting: 1 });
    const later = [
      { id: '2605.06832', title: 'IntentGrasp: a comprehensive benchmark for intent understanding', abstract: 'Accurately understanding the intent…', authors: ['Yuwei Yin'], categories: ['cs.CL'], published: '2026-05-11', url: null },
      { id: '2699.99999', title: 'A paper pasted before it was announced', abstract: '', authors: [], categories: ['cs.LG'], published: '2026-06-01', url: null },
    ];
    upsertPapers(db, later);
    expect(stored('IntentGrasp')).toMatchObject({ paperId: '2605.06832', matchedBy: 'title' });
    expect(libraryPage(db, 1, 0, 100).find((e) => e.arxivId === '2699.99999')).toMatchObject({ paperId: '2699.99999', matchedBy: 'arxiv' });
    expect(libraryCounts(db, 1)).toMatchObject({ matched: 8, text: 0 });
  });

  it('reads at most the first n entries the ranker can learn from, skipping those only waiting for their paper', () => {
    const entry = (i: number, over = {}) => ({ where: `line ${i}`, title: `Paper ${i}`, abstract: '', authors: [], arxivId: null, doi: null, titleKeys: [`paper${i}`], added: null, ...over });
    replaceLibrary(db, 1, [entry(0, { title: '', titleKeys: [], arxivId: '2601.00001' }), ...Array.from({ length: 1000 }, (_, i) => entry(i + 1))]);
    const used = libraryForRanking(db, 1, 50);
    expect(used).toHaveLength(50);
    expect(used[0].title).toBe('Paper 1');
    expect(used[49].title).toBe('Paper 50');
  });

  it('removes one entry, replaces the whole library, and goes with the subscriber', async () => {
    replaceLibrary(db, 1, (await readLibrary(fixture('zotero.json'), 5000)).entries);
    const [first] = libraryPage(db, 1, 0, 1);
    expect(removeLibraryEntry(db, 2, first.id)).toBe(false); // not theirs
    expect(removeLibraryEntry(db, 1, first.id)).toBe(true);
    expect(libraryCounts(db, 1).entries).toBe(3);
    replaceLibrary(db, 1, (await readLibrary(fixture('mendeley.ris'), 5000)).entries);
    expect(libraryCounts(db, 1).entries).toBe(7);
    deleteSubscriberData(db, 1, 'hash');
    expect(db.prepare('SELECT count(*) FROM library_entries').pluck().get()).toBe(0);
  });
});
