import { describe, it, expect } from 'vitest';
import { paperToJsonl, parseJsonl } from '../../src/ingest/jsonl.js';
import { fixture } from './helpers.js';

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
});
