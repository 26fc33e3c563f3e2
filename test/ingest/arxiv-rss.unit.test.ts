import { describe, it, expect } from 'vitest';
import { announcedAbstract, parseArxivRss, splitCreators } from '../../src/ingest/arxiv-rss.js';
import { fixture } from '../helpers/ingest.js';

describe('parseArxivRss', () => {
  it('reads an RSS announcement feed: oai guids, versions dropped, old-style ids kept whole', () => {
    const r = parseArxivRss(fixture('arxiv-rss/cs.CL.rss.xml'));
    expect(r.rejected).toEqual([]);
    expect(r.papers.map((p) => p.id)).toEqual(['2603.27006', '2604.00123', '2509.03687', 'quant-ph/0201082']);
  });

  it('takes the abstract after "Abstract:", the authors from dc:creator and every category', () => {
    const p = parseArxivRss(fixture('arxiv-rss/cs.CL.rss.xml')).papers[1];
    expect(p.title).toBe('Scaling α-Entmax Attention with Sparse Kernels & Caches');
    expect(p.abstract).toBe('We study sparse attention with α-entmax &lt;b&gt; kernels.');
    expect(p.authors).toEqual(['Ana Souza', 'Bo Li', 'Chen Wei', "Dara O'Neil"]);
    expect(p.categories).toEqual(['cs.LG', 'cs.CL']);
    expect(p.published).toBe('2026-04-01T04:00:00.000Z');
  });

  it('reads the Atom announcement feed', () => {
    const r = parseArxivRss(fixture('arxiv-rss/cs.CL.atom.xml'));
    expect(r.rejected).toEqual([]);
    expect(r.papers.map((p) => [p.id, p.authors.length, p.abstract])).toEqual([
      ['2603.27006', 1, 'Large language models produce em dashes at varying rates.'],
      ['2604.00123', 4, 'We study sparse attention.'],
    ]);
  });

  it('reads a description wrapped in CDATA', () => {
    const xml = fixture('arxiv-rss/cs.CL.rss.xml').replace(
      /<description>(arXiv:2603\.27006v1[\s\S]*?)<\/description>/, '<description><![CDATA[$1 <i>x</i>]]></description>');
    const [p] = parseArxivRss(xml).papers;
    expect(p.abstract).toMatch(/^Large language models produce em dashes .* text\. <i>x<\/i>$/);
  });

  it('rejects an item without an id, and a truncated tail', () => {
    const whole = fixture('arxiv-rss/cs.CL.rss.xml');
    const broken = whole.replace('<guid isPermaLink="false">oai:arXiv.org:2604.00123v1</guid>', '')
      .replace('<link>https://arxiv.org/abs/2604.00123</link>', '');
    const cut = broken.slice(0, broken.indexOf('Hirish'));
    const r = parseArxivRss(cut);
    expect(r.papers.map((p) => p.id)).toEqual(['2603.27006']);
    expect(r.rejected.map((x) => x.where.split(' (')[0] + ': ' + x.reason)).toEqual([
      'item 2: no arXiv id in guid or link', 'item 3: the feed ends inside this item (truncated?)',
      'end of file: no closing </rss> (truncated?)',
    ]);
  });
});

describe('announcement helpers', () => {
  it('splits creators joined by commas and "and"', () => {
    expect(splitCreators('A. Smith, B. Jones and C. Alexander')).toEqual(['A. Smith', 'B. Jones', 'C. Alexander']);
    expect(splitCreators('Ann Lee, and Bob Fernandez')).toEqual(['Ann Lee', 'Bob Fernandez']);
  });

  it('strips the announcement prefix', () => {
    expect(announcedAbstract('arXiv:2401.1v2 Announce Type: replace-cross \nAbstract: Hello.')).toBe('Hello.');
  });
});
