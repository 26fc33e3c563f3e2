// The week's ranking model is kept between runs on one connection while the week's papers stay the same (a busy
// hour's ticks, a digest thread's runs), and built again as soon as what a run would read differs: a paper stored,
// changed or aged out, or a library replaced whose entries were given the old ids.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRanker } from '../../src/digest/choose.js';
import { replaceLibrary } from '../../src/store/library.js';
import { upsertPapers } from '../../src/store/papers.js';
import { getSubscriber } from '../../src/store/subscribers.js';
import type { LibraryEntry } from '../../src/model.js';
import { samplePapers } from '../helpers/digest.js';
import { tempDb } from '../helpers/ingest-db.js';
import { addSubscribers } from '../helpers/subscribers.js';

const NOW = new Date('2026-11-29T09:00:00Z');
const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
const papers = samplePapers();

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

/** The subscriber's digest as a run at `now` ranks it. */
const digestAt = (id: number, now: Date) => makeRanker(t.db, now, { memo: false })(getSubscriber(t.db, id)!);

/** A library of one text entry (no id, so the ranker reads its words). */
const library = (title: string, abstract: string): LibraryEntry[] =>
  [{ where: 'line 1', title, abstract, authors: [], arxivId: null, doi: null, titleKeys: [], added: '2026-06-01' }];

describe("the week's ranking model between runs", () => {
  it('is the same model an hour later when no paper changed, and a new one once a paper is stored', () => {
    upsertPapers(t.db, papers.slice(0, 19), at(-72));
    const [id] = addSubscribers(t.db, 1, { keywords: ['image generation', 'diffusion'] });
    const first = digestAt(id, NOW);
    const later = digestAt(id, at(1));
    // The same paper objects: the pool read by the first run, not read again.
    expect(later.map((r) => r.paper.id)).toEqual(first.map((r) => r.paper.id));
    expect(later[0].paper).toBe(first[0].paper);

    upsertPapers(t.db, [papers[19]], at(1.5));
    const after = digestAt(id, at(2));
    expect(after[0].paper.id).toBe(papers[19].id);
    expect(after.find((r) => r.paper.id === first[0].paper.id)?.paper).not.toBe(first[0].paper);
  });

  it('reads a changed paper (upvotes) and drops the papers that left the week', () => {
    upsertPapers(t.db, papers.slice(0, 10), at(-160));
    upsertPapers(t.db, papers.slice(10), at(-24));
    const [id] = addSubscribers(t.db, 1, { keywords: ['audio', 'language models'] });
    const audio = papers[13].id;
    expect(digestAt(id, NOW).find((r) => r.paper.id === audio)?.paper.upvotes).toBe(1);

    upsertPapers(t.db, [{ ...papers[13], upvotes: 500 }], at(1));
    expect(digestAt(id, at(2)).find((r) => r.paper.id === audio)?.paper.upvotes).toBe(500);

    // Nine hours on, the first ten papers are more than a week old.
    const old = new Set(papers.slice(0, 10).map((p) => p.id));
    expect(digestAt(id, at(2)).some((r) => old.has(r.paper.id))).toBe(true);
    expect(digestAt(id, at(9)).filter((r) => old.has(r.paper.id))).toEqual([]);
  });

  it('ranks by the library as it is now, when a replaced library took the old entry ids', () => {
    upsertPapers(t.db, papers, at(-24));
    const [id] = addSubscribers(t.db, 1, { keywords: [] });
    // A short list rather than none on a weak day: 20 papers are few.
    t.db.prepare("UPDATE subscribers SET weak_day = 'note'").run();
    const entryId = () => t.db.prepare('SELECT id FROM library_entries WHERE subscriber_id = ?').pluck().get(id);
    replaceLibrary(t.db, id, library('Holistic evaluation of audio-language models',
      'We benchmark audio language models on speech, sound and music understanding, audio perception and audio reasoning.'), NOW);
    const before = entryId();
    expect(digestAt(id, NOW)[0].paper.id).toBe(papers[13].id);

    replaceLibrary(t.db, id, library('Foundational GUI agents with perception and planning',
      'A GUI agent that perceives screenshots of mobile and desktop GUI and plans actions: GUI grounding, GUI navigation and planning.'), at(1));
    expect(entryId()).toBe(before);
    expect([papers[8].id, papers[17].id]).toContain(digestAt(id, at(2))[0].paper.id);
  });
});
