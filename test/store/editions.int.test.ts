// Issue 23, item 4: a paper found in two places is one paper. An arXiv preprint and its journal version (the DOI
// arXiv lists for it), a bioRxiv preprint and its published version, stored in either order, become one row under
// the preprint's id with both links; a digest sends it once. Real SQLite; records from the fixtures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeDigest } from '../../src/digest/compose.js';
import { parseArxivAtom } from '../../src/ingest/arxiv-atom.js';
import { parseJournalFeed } from '../../src/ingest/journal-feed.js';
import { parseRxivDetails } from '../../src/ingest/rxiv.js';
import type { Db } from '../../src/db/open.js';
import type { Paper } from '../../src/model.js';
import { rowToPaper, upsertPapers } from '../../src/store/papers.js';
import { fixture } from '../helpers/ingest.js';
import { tempDb } from '../helpers/ingest-db.js';

/** The arXiv API's record of 1111.2011, which arXiv says Physical Review B published as 10.1103/PhysRevB.85.115117. */
const preprint = (): Paper => parseArxivAtom(fixture('arxiv-api/legacy-2016-id_list_1111.2011v2.xml')).papers[0];
/** A journal's RDF entry for that DOI: the Nature RDF fixture's entry, its DOI and link made PRB's for this case. */
const journalEntry = (): Paper => {
  const rdf = fixture('journals/nature-prism.rdf').replaceAll('10.1038/s41586-026-00001-2', '10.1103/PhysRevB.85.115117')
    .replaceAll('https://www.nature.com/articles/s41586-026-00001-2', 'https://journals.aps.org/prb/abstract/10.1103/PhysRevB.85.115117');
  const [p] = parseJournalFeed(rdf).papers;
  return { ...p, categories: ['journal.aps-prb'] };
};

describe('a preprint and its journal version', () => {
  let t: { db: Db; close: () => Promise<void> };
  const rows = () => (t.db.prepare('SELECT * FROM papers ORDER BY rowid').all() as Parameters<typeof rowToPaper>[0][]).map(rowToPaper);
  beforeEach(() => { t = tempDb(); });
  afterEach(() => t.close());

  it('reads the DOI arXiv lists for the journal version', () => {
    expect(preprint()).toMatchObject({ id: '1111.2011', doi: '10.1103/physrevb.85.115117' });
    expect(journalEntry()).toMatchObject({ id: 'doi:10.1103/physrevb.85.115117' });
  });

  it('are one paper when the journal entry comes second: the preprint\'s id and link, the journal\'s DOI and category', () => {
    upsertPapers(t.db, [preprint()]);
    expect(upsertPapers(t.db, [journalEntry()])).toEqual({ added: 0, updated: 1, unchanged: 0 });
    const [p] = rows();
    expect(rows()).toHaveLength(1);
    expect(p).toMatchObject({ id: '1111.2011', url: 'https://arxiv.org/abs/1111.2011', doi: '10.1103/physrevb.85.115117' });
    expect(p.categories).toEqual(expect.arrayContaining(['cond-mat.str-el', 'journal.aps-prb']));
    // The feed again: nothing changes; the arXiv feed again: the journal's category stays.
    expect(upsertPapers(t.db, [journalEntry()])).toEqual({ added: 0, updated: 0, unchanged: 1 });
    upsertPapers(t.db, [{ ...preprint(), categories: ['cond-mat.str-el'] }]);
    expect(rows()[0].categories).toContain('journal.aps-prb');
  });

  it('are one paper when the journal entry came first: its row joins the preprint, what pointed at it follows', () => {
    upsertPapers(t.db, [journalEntry()]);
    const sub = t.db.prepare("INSERT INTO subscribers (email, status, created_at) VALUES ('a@example.org', 'active', '2026-01-01')").run().lastInsertRowid;
    t.db.prepare("INSERT INTO votes (subscriber_id, paper_id, vote, created_at) VALUES (?, 'doi:10.1103/physrevb.85.115117', 1, '2026-01-02')").run(sub);
    expect(upsertPapers(t.db, [preprint()])).toEqual({ added: 1, updated: 0, unchanged: 0 });
    expect(rows().map((p) => p.id)).toEqual(['1111.2011']);
    expect(t.db.prepare('SELECT paper_id FROM votes').pluck().all()).toEqual(['1111.2011']);
  });

  it('go out once, with both links', () => {
    upsertPapers(t.db, [preprint(), journalEntry()]);
    const [paper] = rows();
    const model = composeDigest({
      email: 'a@example.org', date: '2026-12-07', ranked: [{ paper, score: 1, why: [] }], siteUrl: 'http://x',
      links: { unsubscribe: 'http://x/u', preferences: 'http://x/p', view: '', feedback: () => '' },
    });
    expect(model.items).toHaveLength(1);
    expect(model.items[0]).toMatchObject({ url: 'https://arxiv.org/abs/1111.2011', journalUrl: 'https://doi.org/10.1103/physrevb.85.115117' });
  });
});

describe('a bioRxiv preprint and its published version', () => {
  let t: { db: Db; close: () => Promise<void> };
  beforeEach(() => { t = tempDb(); });
  afterEach(() => t.close());

  it('are one paper, under the preprint\'s DOI, with the journal\'s DOI and the preprint\'s link', () => {
    // The bioRxiv fixture's first record as the server lists it once a journal (here: Nature's fixture entry) published it.
    const json = JSON.parse(fixture('biorxiv/details-biorxiv-2026-07-15.json')) as { collection: Record<string, unknown>[] };
    json.collection[0].published = '10.1038/s41586-026-00001-2';
    const [bio] = parseRxivDetails(JSON.stringify({ ...json, collection: [json.collection[0]] })).papers;
    const [journal] = parseJournalFeed(fixture('journals/nature-prism.rdf')).papers;
    upsertPapers(t.db, [{ ...journal, categories: ['journal.nature-rss'] }]);
    upsertPapers(t.db, [bio]);
    const all = (t.db.prepare('SELECT * FROM papers').all() as Parameters<typeof rowToPaper>[0][]).map(rowToPaper);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      id: 'doi:10.64898/2026.07.13.738145', doi: '10.1038/s41586-026-00001-2', url: 'https://www.biorxiv.org/content/10.64898/2026.07.13.738145v1',
      categories: ['biorxiv.neuroscience', 'journal.nature-rss'], title: 'Laterality of subcortical structures predicts spontaneous brain dynamics',
    });
  });
});

// When arXiv gives no DOI, only the free-text journal-ref ("Phys. Rev. B 85, 115117 (2012)"): the journal entry of
// that volume and first page (prism:volume, prism:startingPage), in the same year and journal, is the same paper.
describe('a preprint and its journal version matched by journal-ref', () => {
  let t: { db: Db; close: () => Promise<void> };
  const rows = () => (t.db.prepare('SELECT * FROM papers ORDER BY rowid').all() as Parameters<typeof rowToPaper>[0][]).map(rowToPaper);
  beforeEach(() => { t = tempDb(); });
  afterEach(() => t.close());

  /** The arXiv record of 1111.2011 without the DOI arXiv lists: only its journal-ref says where it was published. */
  const refOnly = (id = '1111.2011'): Paper => {
    const xml = fixture('arxiv-api/legacy-2016-id_list_1111.2011v2.xml')
      .replace(/\s*<arxiv:doi[^>]*>[^<]*<\/arxiv:doi>/, '').replace(/\s*<link title="doi"[^>]*\/>/, '');
    return { ...parseArxivAtom(xml).papers[0], id, url: `https://arxiv.org/abs/${id}` };
  };
  /** PRB's entry for it, as a PRISM feed gives it: the Nature RDF fixture's item with PRB's name, volume, page, date. */
  const prbEntry = (page = '115117', date = '2012-03-19'): Paper => {
    const rdf = fixture('journals/nature-prism.rdf').replaceAll('10.1038/s41586-026-00001-2', `10.1103/PhysRevB.85.${page}`)
      .replaceAll('https://www.nature.com/articles/s41586-026-00001-2', `https://journals.aps.org/prb/abstract/10.1103/PhysRevB.85.${page}`)
      .replace('<dc:date>2026-07-27</dc:date>', `<dc:date>${date}</dc:date><prism:publicationName>Physical Review B</prism:publicationName>`
        + `<prism:volume>85</prism:volume><prism:startingPage>${page}</prism:startingPage>`);
    const [p] = parseJournalFeed(rdf).papers;
    return { ...p, categories: ['journal.aps-prb'] };
  };

  it('reads the citation on both sides', () => {
    expect(refOnly()).toMatchObject({ doi: null, citation: { journal: 'Phys. Rev. B', volume: '85', page: '115117', year: '2012' } });
    expect(prbEntry()).toMatchObject({ id: 'doi:10.1103/physrevb.85.115117', citation: { journal: 'Physical Review B', volume: '85', page: '115117', year: '2012' } });
  });

  it('are one paper when the journal entry comes second, kept one when it comes again', () => {
    upsertPapers(t.db, [refOnly()]);
    expect(upsertPapers(t.db, [prbEntry()])).toEqual({ added: 0, updated: 1, unchanged: 0 });
    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toMatchObject({ id: '1111.2011', url: 'https://arxiv.org/abs/1111.2011', doi: '10.1103/physrevb.85.115117' });
    expect(rows()[0].categories).toEqual(expect.arrayContaining(['cond-mat.str-el', 'journal.aps-prb']));
    expect(upsertPapers(t.db, [prbEntry()])).toEqual({ added: 0, updated: 0, unchanged: 1 });
    upsertPapers(t.db, [refOnly()]);
    expect(rows().map((p) => p.id)).toEqual(['1111.2011']);
  });

  it('are one paper when the journal entry came first (an earlier run), what pointed at it following', () => {
    upsertPapers(t.db, [prbEntry()]);
    const sub = t.db.prepare("INSERT INTO subscribers (email, status, created_at) VALUES ('a@example.org', 'active', '2026-01-01')").run().lastInsertRowid;
    t.db.prepare("INSERT INTO votes (subscriber_id, paper_id, vote, created_at) VALUES (?, 'doi:10.1103/physrevb.85.115117', 1, '2026-01-02')").run(sub);
    expect(upsertPapers(t.db, [refOnly()])).toEqual({ added: 1, updated: 0, unchanged: 0 });
    expect(rows().map((p) => [p.id, p.doi])).toEqual([['1111.2011', '10.1103/physrevb.85.115117']]);
    expect(t.db.prepare('SELECT paper_id FROM votes').pluck().all()).toEqual(['1111.2011']);
  });

  it('stay two when the page or the year differs', () => {
    upsertPapers(t.db, [refOnly(), prbEntry('115118'), prbEntry('115117', '2013-03-19')]);
    expect(rows().map((p) => p.id)).toEqual(['1111.2011', 'doi:10.1103/physrevb.85.115118', 'doi:10.1103/physrevb.85.115117']);
  });

  it('stay apart when two preprints name the same volume and page: which one it is cannot be told', () => {
    upsertPapers(t.db, [refOnly('1111.2011'), refOnly('1111.9999'), prbEntry()]);
    expect(rows().map((p) => p.id)).toEqual(['1111.2011', '1111.9999', 'doi:10.1103/physrevb.85.115117']);
  });

  it('go out once, with both links', () => {
    upsertPapers(t.db, [prbEntry(), refOnly()]);
    const all = rows();
    expect(all).toHaveLength(1);
    const model = composeDigest({
      email: 'a@example.org', date: '2026-12-07', ranked: all.map((paper) => ({ paper, score: 1, why: [] })), siteUrl: 'http://x',
      links: { unsubscribe: 'http://x/u', preferences: 'http://x/p', view: '', feedback: () => '' },
    });
    expect(model.items).toHaveLength(1);
    expect(model.items[0]).toMatchObject({ url: 'https://arxiv.org/abs/1111.2011', journalUrl: 'https://doi.org/10.1103/physrevb.85.115117' });
  });
});
