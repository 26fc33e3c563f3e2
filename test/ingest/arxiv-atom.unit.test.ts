import { describe, it, expect } from 'vitest';
import { parseArxivAtom } from '../../src/ingest/arxiv-atom.js';
import { fixture } from '../helpers/ingest.js';

describe('parseArxivAtom', () => {
  it('reads a 2026 API response: id without version, categories primary first', () => {
    const r = parseArxivAtom(fixture('arxiv-api/q_testing_s0_m10_bc5a6c384fe9.xml'));
    expect(r.rejected).toEqual([]);
    expect(r.papers).toHaveLength(10);
    expect(r.papers[2]).toMatchObject({
      id: '2005.14124', categories: ['cs.SE', 'cs.CR', 'cs.LG'],
      url: 'https://arxiv.org/abs/2005.14124', pdfUrl: 'https://arxiv.org/pdf/2005.14124',
    });
    expect(r.papers[2].authors.length).toBeGreaterThan(0);
  });

  it('keeps old-style ids whole', () => {
    const [p] = parseArxivAtom(fixture('arxiv-api/id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml')).papers;
    expect(p).toMatchObject({ id: 'quant-ph/0201082', categories: ['quant-ph', 'cs.PL'], authors: ['Stephen Blaha'], published: '2002-01-18T15:08:05.000Z' });
    expect(p.abstract.startsWith('We show a representation')).toBe(true);
  });

  it('reads the legacy 2016 format: wrapped lines, typed titles, scheme attributes', () => {
    const [p] = parseArxivAtom(fixture('arxiv-api/legacy-2016-id_list_1111.2011v2.xml')).papers;
    expect(p.id).toBe('1111.2011');
    expect(p.title).toBe('Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit');
    expect(p.categories).toEqual(['cond-mat.str-el', 'cond-mat.stat-mech']);
    expect(p.abstract).not.toMatch(/\n/);
  });

  it('reports the error feed arXiv sends for a bad query', () => {
    const r = parseArxivAtom(fixture('arxiv-api/id_abc_s0_m100_b79c8dcf6bc3.xml'));
    expect(r.papers).toEqual([]);
    expect(r.rejected).toEqual([{ where: 'entry 1 (line 9)', reason: 'arXiv API error: incorrect id format for abc' }]);
  });

  it('returns nothing, and no complaint, for an empty result', () => {
    expect(parseArxivAtom(fixture('arxiv-api/id_0000.0000_s0_m100_8b51d9633a68.xml'))).toEqual({ papers: [], rejected: [] });
  });

  it('keeps the good entries of a truncated feed', () => {
    const whole = fixture('arxiv-api/q_testing_s0_m10_bc5a6c384fe9.xml');
    const cut = whole.slice(0, whole.indexOf('</entry>', whole.length / 2) + 40);
    const r = parseArxivAtom(cut);
    expect(r.papers.length).toBeGreaterThanOrEqual(4);
    expect(r.papers.length).toBeLessThan(10);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'the feed ends inside this entry (truncated?)', 'no closing </feed> (truncated?)',
    ]);
  });

  it('rejects a malformed entry and an entry without a title, keeping the rest', () => {
    const whole = fixture('arxiv-api/q_testing_s0_m10_bc5a6c384fe9.xml');
    const entries = whole.split('<entry>');
    entries[2] = entries[2].replace('</summary>', '</sumary>');
    entries[3] = entries[3].replace(/<title>[\s\S]*?<\/title>/, '<title>  </title>');
    const r = parseArxivAtom(entries.join('<entry>'));
    expect(r.papers).toHaveLength(8);
    expect(r.rejected[0].where).toMatch(/^entry 2 \(line \d+\)$/);
    expect(r.rejected[0].reason).toMatch(/^malformed XML: line \d+: <summary> is not closed before <\/entry>$/);
    expect(r.rejected[1]).toEqual({ where: expect.stringMatching(/^entry 3 /), reason: 'no title' });
  });

  it('refuses an entity-expansion bomb without expanding it', () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE feed [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id><title>&c;</title></entry></feed>`;
    expect(() => parseArxivAtom(bomb)).toThrow(/line 3: XML entity declarations are refused/);
  });

  it('decodes entities exactly once', () => {
    const xml = `<feed><entry><id>http://arxiv.org/abs/2401.00001v1</id><title>A &amp; B &amp;lt;i&amp;gt;</title></entry></feed>`;
    expect(parseArxivAtom(xml).papers[0].title).toBe('A & B &lt;i&gt;');
  });
});
