// Issue 23, item 4: reading where a preprint was published from arXiv's free-text journal-ref, and telling whether a
// journal feed entry is that article. The journal-refs are real: those in the arXiv API fixtures (recorded by
// lukasschwab/arxiv.py, see test/fixtures/sources/MANIFEST.md) are read from the files themselves.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entryCitation, parseJournalRef, sameCitation, sameJournal, type Citation } from '../src/citation.js';
import { parseArxivAtom } from '../src/ingest/arxiv-atom.js';
import { parseArxivRss } from '../src/ingest/arxiv-rss.js';
import { fixture, fixturePath } from './helpers/ingest.js';

/** Every journal-ref in the arXiv API fixtures, entities decoded. */
function fixtureJournalRefs(): string[] {
  const refs = readdirSync(fixturePath('arxiv-api')).flatMap((f) =>
    [...fixture(`arxiv-api/${f}`).matchAll(/<arxiv:journal_ref[^>]*>([^<]*)</g)].map((m) => m[1].replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim()));
  return [...new Set(refs)];
}

// What each journal-ref says: [journal, volume, first page, year], or null when it names no volume and page.
const EXPECTED: Record<string, [string, string, string, string | null] | null> = {
  'Phys. Rev. B 85, 115117 (2012)': ['Phys. Rev. B', '85', '115117', '2012'],
  'Phys. Rev. B 74, 024520 (2006)': ['Phys. Rev. B', '74', '24520', '2006'],
  'Phys. Rev. B 74, 214517 (2006)': ['Phys. Rev. B', '74', '214517', '2006'],
  'Phys. Rev. B 76, 064418 (2007)': ['Phys. Rev. B', '76', '64418', '2007'],
  'Phys. Rev. B 89, 224502 (2014)': ['Phys. Rev. B', '89', '224502', '2014'],
  'Phys. Rev. B 91, 184507 (2015)': ['Phys. Rev. B', '91', '184507', '2015'],
  'Phys. Rev. Lett. 106, 105303 (2011)': ['Phys. Rev. Lett.', '106', '105303', '2011'],
  'Physical Review B 71, 184511 (2005)': ['Physical Review B', '71', '184511', '2005'],
  'Physical Review B 82, 060515(R) (2010)': ['Physical Review B', '82', '60515', '2010'],
  'Physical Review B 88, 064512 (2013)': ['Physical Review B', '88', '64512', '2013'],
  'Annals of Physics 324, 523 (2009).': ['Annals of Physics', '324', '523', '2009'],
  'Int. J. Mod. Phys. B, 26, 1244002 (2012)': ['Int. J. Mod. Phys. B', '26', '1244002', '2012'],
  'ActaAstron.56:1-50,2006': ['ActaAstron.', '56', '1', '2006'],
  'Artificial Intelligence in Software Testing @ 2022 IEEE International Conference on Software Testing, Verification and Validation Workshops (ICSTW)': null,
  'Proc. 2023 IEEE International Conference on Software Testing, Verification and Validation Workshops (ICSTW), pp. 66-69': null,
  'In Proc. ACM SIGSOFT International Symposium on Software Testing and Analysis (ISSTA 2020), pages 14-26. ACM, 2020': null,
  'InProceedings of the 31st ACM SIGSOFT International Symposium on Software Testing and Analysis 2022 Jul 18 (pp. 289-301)': null,
  '2023 IEEE International Conference on Software Testing, Verification and Validation Workshops (ICSTW)': null,
  'International Journal of Software Engineering & Applications (IJSEA), Vol.3, No.1, January 2012': null,
};

// Real journal-refs of arxiv.py's larger "testing" query fixture (q_testing_s0_m100, not copied: 231 KB), and the
// shapes issue 23 names (JHEP's "volume (year) page" is also 1512.04442's real journal-ref, "JHEP 02 (2016) 104").
const MORE: Record<string, [string, string, string, string | null] | null> = {
  'Phys.Lett.B573:94-100,2003': ['Phys.Lett.B', '573', '94', '2003'],
  'Lect.Notes Phys.562:195-212,2001': ['Lect.Notes Phys.', '562', '195', '2001'],
  'Software Testing, Verification and Reliability, 35(2):e1914, 2025': ['Software Testing, Verification and Reliability', '35', 'e1914', '2025'],
  'IEEE Transactions on Information Theory ( Volume: 65 , Issue: 4 , April 2019 )': null,
  'Formal Methods and Testing, Springer-Verlag (Ed.) (2008) 209-239': null,
  'Software Testing, Verification & Reliability 2021': null,
  'SBES 2025 39th Brazilian Symposium on Software Engineering': null,
  '2022 IEEE International Conference On Artificial Intelligence Testing (AITest), 2022, pp. 26-33': null,
  'JHEP 02 (2016) 104': ['JHEP', '2', '104', '2016'],
  'Phys. Rev. D 104, 123456 (2021)': ['Phys. Rev. D', '104', '123456', '2021'],
  'Nature 600, 70-74 (2021)': ['Nature', '600', '70', '2021'],
  'JHEP 03 (2022) 015': ['JHEP', '3', '15', '2022'],
  'ApJ 925:12 (2022)': ['ApJ', '925', '12', '2022'],
  // arXiv's own RSS documentation's example: a real article, but "Tome 11 (2024), pp. 431-472" is not read (missed, not wrong).
  "Journal de l'\\'Ecole polytechnique - Math\\'ematiques, Tome 11 (2024), pp. 431-472": null,
};

const asCitation = (e: [string, string, string, string | null] | null): Citation | null =>
  e && { journal: e[0], volume: e[1], page: e[2], year: e[3] };

describe('parseJournalRef', () => {
  it('knows every journal-ref of the arXiv API fixtures', () => {
    const refs = fixtureJournalRefs();
    expect(refs.length).toBeGreaterThanOrEqual(15);
    expect(refs.filter((r) => !(r in EXPECTED))).toEqual([]);
  });

  it.each(Object.entries({ ...EXPECTED, ...MORE }))('reads %j', (ref, expected) => {
    expect(parseJournalRef(ref)).toEqual(asCitation(expected));
  });

  it('reads nothing from an empty or overlong journal-ref', () => {
    expect(parseJournalRef('')).toBeNull();
    expect(parseJournalRef(`${'Phys. '.repeat(60)}Rev. B 85, 115117 (2012)`)).toBeNull();
  });

  it('is read from the arXiv API entry', () => {
    const [p] = parseArxivAtom(fixture('arxiv-api/id_astro-ph_0601001_s0_m100_3150dca9dc76.xml')).papers;
    expect(p).toMatchObject({ id: 'astro-ph/0601001', citation: { journal: 'ActaAstron.', volume: '56', page: '1', year: '2006' } });
  });
});

describe('an announcement feed item', () => {
  it('gives its citation from arxiv:journal_reference, the element arXiv\'s feeds use', () => {
    // The recorded cs.CL feed has no published paper; its first item gets the journal_reference element added.
    const rss = fixture('arxiv-rss/cs.CL.rss.xml').replace('<item>', '<item><arxiv:journal_reference>Phys. Rev. B 85, 115117 (2012)</arxiv:journal_reference>');
    const [first, second] = parseArxivRss(rss).papers;
    expect(first.citation).toEqual({ journal: 'Phys. Rev. B', volume: '85', page: '115117', year: '2012' });
    expect(second.citation).toBeUndefined();
  });
});

describe('entryCitation', () => {
  it('takes name, volume, first page and the year of the date', () => {
    expect(entryCitation('Physical Review B', '85', '115117', '2012-03-19')).toEqual({ journal: 'Physical Review B', volume: '85', page: '115117', year: '2012' });
    expect(entryCitation('Physical Review B', '74', '024520', null)).toMatchObject({ page: '24520', year: null });
  });
  it('is none without a name, volume or first page', () => {
    expect(entryCitation('', '85', '115117', '2012')).toBeNull();
    expect(entryCitation('Nature', '', '70', '2021')).toBeNull();
    expect(entryCitation('Nature', '600', '', '2021')).toBeNull();
    expect(entryCitation('Nature', '600', '70–74', '2021')).toBeNull();
  });
});

describe('sameJournal', () => {
  it.each([
    ['Phys. Rev. B', 'Physical Review B'], ['Phys.Lett.B', 'Physics Letters B'], ['ApJ', 'The Astrophysical Journal'],
    ['JHEP', 'Journal of High Energy Physics'], ['ActaAstron.', 'Acta Astronomica'], ['Nature', 'Nature'],
    ['Int. J. Mod. Phys. B', 'International Journal of Modern Physics B'], ['Phys. Rev. Lett.', 'Physical Review Letters'],
  ])('%s is %s', (a, b) => {
    expect(sameJournal(a, b)).toBe(true);
    expect(sameJournal(b, a)).toBe(true);
  });
  it.each([
    ['Nature', 'Nature Physics'], ['Phys. Rev. B', 'Physical Review D'], ['Phys. Rev. B', 'Physical Review Research'],
    ['Phys. Rev.', 'Physical Review D'], ['ApJ', 'ApJ Letters'], ['Phys. Rev. Lett.', 'Physical Review B'], ['', 'Nature'],
  ])('%s is not %s', (a, b) => {
    expect(sameJournal(a, b)).toBe(false);
  });
});

describe('sameCitation', () => {
  const ref = parseJournalRef('Phys. Rev. B 85, 115117 (2012)')!;
  it('matches the journal entry of the same volume, page and year', () => {
    expect(sameCitation(ref, entryCitation('Physical Review B', '85', '115117', '2012-03-19')!)).toBe(true);
    // The entry gives no date: volume and page decide.
    expect(sameCitation(ref, entryCitation('Physical Review B', '85', '115117', null)!)).toBe(true);
  });
  it('does not match another page, volume, year or journal', () => {
    expect(sameCitation(ref, entryCitation('Physical Review B', '85', '115118', '2012')!)).toBe(false);
    expect(sameCitation(ref, entryCitation('Physical Review B', '86', '115117', '2012')!)).toBe(false);
    expect(sameCitation(ref, entryCitation('Physical Review B', '85', '115117', '2013')!)).toBe(false);
    expect(sameCitation(ref, entryCitation('Physical Review D', '85', '115117', '2012')!)).toBe(false);
  });
});

describe('names a stranger writes (a journal feed, a journal-ref)', () => {
  it('compares the worst names it keeps at once: the ways to split the letters are not tried twice', () => {
    // Before: 41 letters against 30 words "aaaa" did not finish; every split of the letters was tried.
    expect(sameJournal(`${'a'.repeat(299)}b`, `${Array(100).fill('aa').join(' ')} c`)).toBe(false);
    expect(sameJournal(`${'a'.repeat(40)}b`, Array(30).fill('aaaa').join(' '))).toBe(false);
  });

  it('keeps no citation for a journal name past 300 characters', () => {
    expect(entryCitation('a'.repeat(1_000_000), '85', '115117', '2012')).toBeNull();
    expect(entryCitation('a'.repeat(300), '85', '115117', '2012')).not.toBeNull();
  });
});
