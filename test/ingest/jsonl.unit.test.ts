import { describe, it, expect } from 'vitest';
import { paperToJsonl, parseJsonl } from '../../src/ingest/jsonl.js';
import { fixture } from '../helpers/ingest.js';

describe('parseJsonl', () => {
  it('reads 200 real lines of the 2026Q2 arXiv set, primary category first', () => {
    const r = parseJsonl(fixture('arxiv-2026q2-200.jsonl'));
    expect(r.rejected).toEqual([]);
    expect(r.papers).toHaveLength(200);
    expect(r.papers[0]).toMatchObject({ id: '2509.03687', categories: ['cs.CE', 'math.NA'], published: '2026-04-01T00:00:00.000Z' });
    expect(r.papers[0].abstract).toContain('O(n) cost');
  });

  it('rejects bad lines by number and keeps the rest', () => {
    const text = [
      '{"id": "2401.00001", "title": "One", "abstract": "x"}',
      '{"id": "2401.00002", "title": "Two", "abstr',
      '',
      '[1, 2]',
      '{"id": "2401.00003", "abstract": "no title"}',
      '{"id": "not-arxiv", "title": "No arXiv id"}',
    ].join('\n');
    const r = parseJsonl(text);
    expect(r.papers.map((p) => p.id)).toEqual(['2401.00001', expect.stringMatching(/^title:[0-9a-f]{16}$/)]);
    expect(r.rejected.map((x) => `${x.where}: ${x.reason.split(':')[0]}`)).toEqual([
      'line 2: invalid JSON', 'line 4: not a JSON object', 'line 5: no title',
    ]);
  });

  it('reads back what paperToJsonl writes', () => {
    const [p] = parseJsonl(fixture('arxiv-2026q2-200.jsonl')).papers;
    const withExtras = { ...p, upvotes: 7, comments: 2, codeUrl: 'https://github.com/a/b', thumbnail: null, firstSeen: '2026-04-02T06:00:00.000Z' };
    const [back] = parseJsonl(paperToJsonl(withExtras) + '\n').papers;
    expect(back).toEqual(withExtras);
  });

  it('keeps the citation through export and import, and reads a metadata dump\'s journal-ref text', () => {
    const [p] = parseJsonl(fixture('arxiv-2026q2-200.jsonl')).papers;
    const citation = { journal: 'Phys. Rev. B', volume: '85', page: '115117', year: '2012' };
    expect(parseJsonl(paperToJsonl({ ...p, citation }) + '\n').papers[0].citation).toEqual(citation);
    const line = (extra: object) => JSON.stringify({ id: '1111.2011', title: 'T', ...extra });
    expect(parseJsonl(line({ 'journal-ref': 'Phys.Lett.B573:94-100,2003' })).papers[0].citation)
      .toEqual({ journal: 'Phys.Lett.B', volume: '573', page: '94', year: '2003' });
    // Proceedings name no page; a citation of the wrong shape is dropped, the paper kept.
    expect(parseJsonl(line({ 'journal-ref': '2023 IEEE International Conference on Software Testing' })).papers[0]).not.toHaveProperty('citation');
    expect(parseJsonl(line({ citation: { journal: 'Nature', volume: [600] } })).papers[0]).not.toHaveProperty('citation');
  });
});
