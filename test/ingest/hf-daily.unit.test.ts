import { describe, it, expect } from 'vitest';
import { parseHfDaily } from '../../src/ingest/hf-daily.js';
import { fixture } from '../helpers/ingest.js';

describe('parseHfDaily', () => {
  it('reads a 2024 response with upvotes, comments and authors', () => {
    const r = parseHfDaily(fixture('hf-daily/2024-05-27.json'));
    expect(r.rejected).toEqual([]);
    expect(r.papers).toHaveLength(13);
    const p = r.papers[0];
    expect(p.id).toBe('2405.15738');
    expect(p.title).toBe('ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models');
    expect(p.authors.slice(0, 2)).toEqual(['Chunjiang Ge', 'Sijie Cheng']);
    expect(p.upvotes).toBe(32);
    expect(p.comments).toBe(3);
    expect(p.url).toBe('https://arxiv.org/abs/2405.15738');
    expect(p.published).toBe('2024-05-24T17:34:15.000Z');
  });

  it('reads a 2026 response with thumbnails and GitHub links', () => {
    const r = parseHfDaily(fixture('hf-daily/2026-08-03.json'));
    expect(r.rejected).toEqual([]);
    expect(r.papers).toHaveLength(22);
    expect(r.papers.every((p) => p.thumbnail?.startsWith('https://'))).toBe(true);
    expect(r.papers.some((p) => p.codeUrl?.startsWith('https://github.com/'))).toBe(true);
  });

  it('reads entries saved as Python repr strings (2024-12-11)', () => {
    const r = parseHfDaily(fixture('hf-daily/2024-12-11.json'));
    expect(r.rejected).toEqual([]);
    expect(r.papers).toHaveLength(26);
    expect(r.papers[0]).toMatchObject({ id: '2412.07730', title: 'STIV: Scalable Text and Image Conditioned Video Generation', upvotes: 54, comments: 2 });
    expect(r.papers[0].abstract).not.toMatch(/\\n/);
  });

  it('reads the {status, date, count, data} wrapper (2025-01-10)', () => {
    const r = parseHfDaily(fixture('hf-daily/2025-01-10.json'));
    expect(r.rejected).toEqual([]);
    expect(r.papers).toHaveLength(9);
    expect(r.papers[0]).toMatchObject({ id: '2501.05441', upvotes: 51, comments: 4 });
  });

  it('keeps good entries and rejects bad ones by entry and line', () => {
    const text = `[
  {"paper": {"id": "2401.00001", "title": "Good one", "summary": "A", "upvotes": 3}},
  "{'paper': {'id': '2401.00002', 'title': broken}}",
  {"paper": {"id": "2401.00003", "summary": "no title"}},
  {"numComments": 2},
  {"paper": {"id": "2401.00004", "title": "Also good", "summary": "B"}}
]`;
    const r = parseHfDaily(text);
    expect(r.papers.map((p) => p.id)).toEqual(['2401.00001', '2401.00004']);
    expect(r.rejected).toEqual([
      { where: 'entry 2 (line 3)', reason: expect.stringMatching(/unreadable entry: unexpected "b" at character/) },
      { where: 'entry 3 (line 4)', reason: 'no title' },
      { where: 'entry 4 (line 5)', reason: 'no "paper" object' },
    ]);
  });

  it('keeps the complete entries of a truncated file and reports the cut', () => {
    const whole = fixture('hf-daily/2024-05-27.json');
    const cut = whole.slice(0, Math.floor(whole.length * 0.5));
    const r = parseHfDaily(cut);
    expect(r.papers.length).toBeGreaterThan(3);
    expect(r.papers.length).toBeLessThan(13);
    expect(r.rejected.at(-1)?.reason).toMatch(/ends before the array closes/);
    expect(r.rejected.at(-2)?.reason).toMatch(/unreadable entry/);
  });

  it('refuses a JSON document that is no daily papers response', () => {
    expect(() => parseHfDaily('{"error": "rate limited"}')).toThrow(/expected a JSON array/);
  });
});
