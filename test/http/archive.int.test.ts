import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/model.js';
import { upsertPapers } from '../../src/store/papers.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';

// The public archive over a real SQLite file: days newest first, a day's papers a page at a time with how many
// there are in all (no silent cap), a category filter and full-text search.
describe('the archive', () => {
  let pb: TestPaperboy;
  /** A page, with the `&#x3D;` Handlebars writes for `=` in attributes read back. */
  const get = async (url: string) => {
    const res = await pb.app.inject(url);
    return Object.assign(res, { body: res.body.replace(/&#x3D;/g, '=') });
  };
  let papers: Paper[] = [];
  const count = (html: string) => /<p class="count"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
  const titles = (html: string) => [...html.matchAll(/<a class="title" href="[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]);

  /** `n` papers published on `day`, every third in cs.CV (the others in cs.LG), every fifth about diffusion. */
  const day = (date: string, n: number, start = 0): Paper[] => Array.from({ length: n }, (_, i) => ({
    id: `2611.${String(start + i).padStart(5, '0')}`, title: `Paper ${start + i} of ${date}${(start + i) % 5 === 0 ? ' on diffusion models' : ''}`,
    abstract: 'An abstract.', authors: ['A. Author'], categories: (start + i) % 3 === 0 ? ['cs.CV'] : ['cs.LG'],
    published: `${date}T10:00:00Z`, url: null, upvotes: n - i,
  }));

  beforeAll(async () => {
    pb = await startPaperboy();
    // 253 papers on one day (the old page showed 200 of them and said nothing), and 34 quieter days before it.
    papers = day('2026-11-30', 253);
    for (let d = 1; d <= 34; d++) papers.push(...day(new Date(Date.UTC(2026, 10, 30 - d)).toISOString().slice(0, 10), 2, 1000 + 2 * d));
    upsertPapers(pb.ctx.db, papers, new Date('2026-11-30T12:00:00Z'));
  });
  afterAll(() => pb.close());

  it('lists the days newest first, with human dates and how many papers each has, a page of 30 at a time', async () => {
    const first = await get('/papers');
    expect(first.statusCode).toBe(200);
    const days = [...first.body.matchAll(/<li><a href="\/papers\/([\d-]+)">([^<]+)<\/a> <span class="muted">(\d+) papers?<\/span>/g)].map((m) => [m[1], m[2], Number(m[3])]);
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual(['2026-11-30', 'Monday 30 November 2026', 253]);
    expect(days[1]).toEqual(['2026-11-29', 'Sunday 29 November 2026', 2]);
    expect(count(first.body)).toBe('Days 1–30 of 35.');
    expect(first.body).toContain('<a href="/papers?page=2" rel="next">');
    const second = await get('/papers?page=2');
    expect(count(second.body)).toBe('Days 31–35 of 35.');
    expect((await get('/papers?page=3')).statusCode).toBe(404);
  });

  it('shows a day a page at a time, says how many of how many, and leaves none out', async () => {
    const res = await get('/papers/2026-11-30');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>Monday 30 November 2026 · Paperboy</title>');
    expect(res.body).toContain('<h1>Monday 30 November 2026</h1>');
    expect(count(res.body)).toBe('Papers 1–25 of 253.');
    expect(titles(res.body)).toHaveLength(25);
    expect(titles(res.body)[0]).toBe('Paper 0 of 2026-11-30 on diffusion models'); // most upvoted first
    expect(res.body).toContain('Older: Sunday 29 November 2026 →');
    expect(res.body).not.toContain('Newer:');
    const last = await get('/papers/2026-11-30?page=11');
    expect(count(last.body)).toBe('Papers 251–253 of 253.');
    expect(titles(last.body)).toEqual(['Paper 250 of 2026-11-30 on diffusion models', 'Paper 251 of 2026-11-30', 'Paper 252 of 2026-11-30']);
    expect(last.body).toContain('<ol class="papers" start="251">');
    expect(last.body).toContain('Page 11 of 11');
    expect(last.body).toContain('<a href="/papers/2026-11-30?page=10" rel="prev">');
    // Every paper of the day is on exactly one page.
    const all = new Set<string>();
    for (let p = 1; p <= 11; p++) for (const t of titles((await get(`/papers/2026-11-30?page=${p}`)).body)) all.add(t);
    expect(all.size).toBe(253);
    expect((await get('/papers/2026-11-30?page=12')).statusCode).toBe(404);
  });

  it('filters a day by category, offering only the categories that day has, by name', async () => {
    const res = await get('/papers/2026-11-30?category=cs.CV');
    expect(res.statusCode).toBe(200);
    expect(count(res.body)).toBe('Papers 1–25 of 85 in Computer Vision and Pattern Recognition (cs.CV). 253 papers this day in all.');
    expect(res.body).toContain('<option value="cs.CV" selected>Computer Vision and Pattern Recognition (cs.CV) · 85</option>');
    expect(res.body).toContain('<option value="cs.LG">Machine Learning (cs.LG) · 168</option>');
    expect(res.body).toContain('<optgroup label="Computer Science">');
    expect(res.body).toContain('href="/papers/2026-11-30?category=cs.CV&amp;page=2"');
    expect(res.body).toContain('href="/papers/2026-11-29?category=cs.CV"'); // moving a day keeps the filter
  });

  it('searches every day through the full-text index, alone or within a category, and says when nothing matches', async () => {
    const res = await get('/papers?q=diffusion');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Papers matching “diffusion”</h1>');
    const about = papers.filter((p) => p.title.includes('diffusion'));
    expect(count(res.body)).toBe(`Papers 1–25 of ${about.length} matching “diffusion”.`);
    expect(titles(res.body).every((t) => t.includes('diffusion'))).toBe(true);
    const both = await get('/papers?q=diffusion&category=cs.CV');
    expect(count(both.body)).toBe(`All ${about.filter((p) => p.categories[0] === 'cs.CV').length} papers in Computer Vision and Pattern Recognition (cs.CV) matching “diffusion”.`);
    const none = await get('/papers?q=tokamak');
    expect(none.statusCode).toBe(200);
    expect(count(none.body)).toBe('No papers matching “tokamak”.');
    expect(none.body).toContain('No paper matches all of these words: try fewer.');
    const inDay = await get('/papers/2026-11-30?q=diffusion');
    expect(count(inDay.body)).toBe(`Papers 1–25 of ${about.filter((p) => p.published!.startsWith('2026-11-30')).length} matching “diffusion”. 253 papers this day in all.`);
  });

  it('refuses a bad date, category or page with a page that says what is wrong', async () => {
    for (const [url, says] of [['/papers/yesterday', 'date: must be a date such as 2026-11-29'], ['/papers?category=%3Cscript%3E', 'category: is not an arXiv category'],
      ['/papers/2026-11-30?page=0', 'page: must be a page number']]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toContain(says);
    }
    const empty = await get('/papers/2020-01-01');
    expect(empty.statusCode).toBe(404);
    expect(empty.body).toContain('No papers are stored for this day');
  });
});
