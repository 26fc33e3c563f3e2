// Issue 23, item 3: publishers' table-of-contents feeds (RSS 1.0/RDF, RSS 2.0, Atom), parsed from feeds kept in other
// projects' tests (test/fixtures/sources/MANIFEST.md), and the bad ones refused or skipped with a reason.
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/ingest/detect.js';
import { doiFromLink, entryId, feedTitle, parseJournalFeed, plainText } from '../../src/ingest/journal-feed.js';
import { fixture } from '../helpers/ingest.js';

describe('a journal feed', () => {
  it('reads Nature\'s RSS 1.0 (RDF), taking the DOI from prism:doi', () => {
    const r = parseJournalFeed(fixture('journals/nature-prism.rdf'));
    expect(r.rejected).toEqual([]);
    expect(r.papers).toEqual([expect.objectContaining({
      id: 'doi:10.1038/s41586-026-00001-2', doi: '10.1038/s41586-026-00001-2', title: 'A Nature test article',
      url: 'https://www.nature.com/articles/s41586-026-00001-2', published: '2026-07-27T00:00:00.000Z', categories: [],
    })]);
  });

  it('finds the DOI Nature writes in content:encoded ("doi:10.1038/…"), and names entries without one by their link', () => {
    const r = parseJournalFeed(fixture('journals/nature.rss'));
    expect(r.rejected).toEqual([]);
    expect(r.papers.map((p) => p.title)).toEqual([
      'Location, location, location: how to edit genes only in the cells you want', 'A language model that discovers trading strategies',
      'Ancient DNA reveals early farming in the Sahara', 'An older paper outside the time window']);
    const [news, paper] = r.papers;
    expect(paper).toMatchObject({ id: 'doi:10.1038/s41586-026-09912-1', doi: '10.1038/s41586-026-09912-1', abstract: 'Nature, Published online: 02 October 2026; doi:10.1038/s41586-026-09912-1 We show that...' });
    expect(news).toMatchObject({ id: entryId(null, 'https://www.nature.com/articles/d41586-026-03037-8'), doi: null, url: 'https://www.nature.com/articles/d41586-026-03037-8' });
    expect(news.id).toMatch(/^url:[0-9a-f]{16}$/);
    expect(feedTitle(fixture('journals/nature.rss'))).toBe('Nature');
  });

  it('reads an RSS 2.0 table of contents, the DOI from a publisher\'s /doi/ link, markup dropped from titles', () => {
    const r = parseJournalFeed(fixture('journals/science.rss'));
    expect(r.rejected).toEqual([]);
    expect(r.papers).toHaveLength(4);
    expect(r.papers[0]).toMatchObject({ id: 'doi:10.1126/science.aem8458', title: 'U.K. funder used ‘AI triage’ to reject grant proposals', published: '2026-10-01T06:00:00.000Z' });
    expect(r.papers[1].title).toBe('A topological p-wave superconductor');
    expect(feedTitle(fixture('journals/science.rss'))).toBe('Science: Table of Contents');
    expect(doiFromLink('https://doi.org/10.1103/PhysRevLett.130.1')).toBe('10.1103/physrevlett.130.1');
  });

  it('reads an Atom feed: alternate links, summaries without their HTML, dates', () => {
    const r = parseJournalFeed(fixture('journals/heise.atom'));
    expect(r.rejected).toEqual([]);
    expect(r.papers).toHaveLength(3);
    expect(r.papers[0]).toMatchObject({
      title: 'Java-Anwendungsserver: Red Hat gibt WildFly 10 frei', doi: null, published: '2016-02-01T16:22:00.000Z',
      url: 'http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html?wt_mc=rss.developer.beitrag.atom',
    });
    expect(r.papers[0].abstract).toMatch(/^Die nun verfügbare Version 10/);
    expect(new Set(r.papers.map((p) => p.id)).size).toBe(3);
  });

  it('is told apart from arXiv\'s own feeds by its content', () => {
    expect(detectFormat(fixture('journals/nature.rss'))).toBe('journal');
    expect(detectFormat(fixture('journals/science.rss'))).toBe('journal');
    expect(detectFormat(fixture('journals/heise.atom'))).toBe('journal');
    expect(detectFormat(fixture('arxiv-rss/cs.CL.rss.xml'))).toBe('arxiv-rss');
    expect(detectFormat(fixture('arxiv-rss/cs.CL.atom.xml'))).toBe('arxiv-rss');
    expect(detectFormat(fixture('arxiv-api/q_testing_s0_m10_bc5a6c384fe9.xml'))).toBe('arxiv-atom');
  });
});

describe('a bad journal feed', () => {
  const nature = fixture('journals/nature.rss');

  it('skips entries without a title, or without both link and DOI, saying which and why', () => {
    const broken = nature
      .replace('<title>Ancient DNA reveals early farming in the Sahara</title>', '')
      .replace(/<item rdf:about="https:\/\/www.nature.com\/articles\/s41586-026-09000-0">\s*<title>An older paper outside the time window<\/title>\s*<link>[^<]*<\/link>/, '<item>\n    <title>An older paper outside the time window</title>');
    const r = parseJournalFeed(broken);
    expect(r.papers.map((p) => p.title)).toEqual(['Location, location, location: how to edit genes only in the cells you want', 'A language model that discovers trading strategies']);
    expect(r.rejected).toEqual([{ where: 'item 3 (line 17)', reason: 'no title' }, { where: 'item 4 (line 22)', reason: 'no link and no DOI' }]);
  });

  it('keeps the whole entries of a truncated feed and rejects the one cut off, and the missing end', () => {
    const cut = nature.slice(0, nature.indexOf('<dc:date>2026-10-01</dc:date>'));
    const r = parseJournalFeed(cut);
    expect(r.papers).toHaveLength(2);
    expect(r.rejected).toEqual([
      { where: 'item 3 (line 17)', reason: 'the feed ends inside this item (truncated?)' },
      { where: 'end of file', reason: 'no closing </rdf:RDF> (truncated?)' },
    ]);
  });

  it('refuses an entity bomb whole, before reading any entry', () => {
    const bomb = '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n' + nature.slice(nature.indexOf('<rdf:RDF'));
    expect(() => parseJournalFeed(bomb)).toThrow('line 2: XML entity declarations are refused (entity-expansion bomb protection)');
  });

  it('refuses an HTML page (a login wall, a publisher\'s error page) as no feed', () => {
    expect(() => detectFormat('<!DOCTYPE html><html><head><title>Access denied</title></head><body></body></html>')).toThrow('an HTML page, not a feed ("Access denied")');
    expect(() => parseJournalFeed('<html><body>no feed</body></html>')).toThrow('not a feed');
  });

  it('rejects an entry whose XML is broken, keeping the others', () => {
    const r = parseJournalFeed(nature.replace('<dc:date>2026-10-01</dc:date>', '<dc:date>2026-10-01</dc:datum>'));
    expect(r.papers).toHaveLength(3);
    expect(r.rejected).toEqual([{ where: 'item 3 (line 17)', reason: expect.stringMatching(/^malformed XML: line 20: <dc:date> is not closed/) }]);
  });
});

describe('a journal feed\'s worst text, 1 MB of it (read in one pass, not once per character)', () => {
  const MB = 1_000_000;
  const item = (description: string) => '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title>' +
    `<link>https://journal.example.org/a</link><description>${description}</description></item></channel></rss>`;

  it('drops markup from a run of \'<\' that never closes, and from escaped markup', () => {
    expect(plainText(`${'<'.repeat(MB)}b>tail`)).toBe(`${'<'.repeat(MB - 1)} tail`);
    expect(plainText('&lt;i&gt;a&lt;/i&gt; '.repeat(MB / 20)).length).toBe((MB / 20) * 2 - 1);
  });

  it('takes a DOI written in text without its trailing punctuation, however long the run', () => {
    const r = parseJournalFeed(item(`doi:10.1234/abc${'.'.repeat(MB)}`));
    expect(r.papers.map((p) => p.id)).toEqual(['doi:10.1234/abc']);
  });
});
