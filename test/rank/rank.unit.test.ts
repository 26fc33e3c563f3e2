import { describe, it, expect } from 'vitest';
import { isWeakDay, rank } from '../../src/rank/rank.js';
import { buildRankModel } from '../../src/rank/model.js';
import { PROFILE_LIMITS } from '../../src/rank/limits.js';
import type { Paper } from '../../src/model.js';
import { corpus, paper, profile } from '../helpers/rank-factories.js';

const now = new Date('2026-05-21T08:00:00Z');
const known = (ps: Paper[]) => new Map(ps.map((p) => [p.id, p]));

describe('rank: stated interests', () => {
  it('puts a keyword match above papers that do not match', () => {
    const ps = corpus();
    const out = rank(profile({ keywords: ['polar codes'] }), ps, { now, size: 3 });
    expect(out[0].paper.title).toMatch(/Channel coding/);
    expect(out[0].why[0]).toBe('matches polar codes');
  });

  it('ranks papers by a listed author first and says so', () => {
    const ps = corpus();
    const out = rank(profile({ authors: ['jean tirole'] }), ps, { now, size: 1 });
    expect(out[0].paper.authors[0]).toBe('Jean Tirole');
    expect(out[0].why).toContain('by Jean Tirole');
  });

  it('uses a listed category and names it', () => {
    const out = rank(profile({ categories: ['cs.GT'] }), corpus(), { now, size: 2 });
    expect(out[0].paper.categories[0]).toBe('cs.GT');
    expect(out[0].why).toContain('in cs.GT');
  });

  it('matches the about text and explains with its terms', () => {
    const out = rank(profile({ about: 'I work on protein structure and sequence models.' }), corpus(), { now, size: 1 });
    expect(out[0].paper.title).toMatch(/Protein/);
    expect(out[0].why[0]).toMatch(/^about your work: .*protein/);
  });
});

describe('rank: learned taste', () => {
  it('pulls papers similar to a seed paper up and names the seed', () => {
    const ps = corpus();
    const seed = paper({ id: '2604.00001', title: 'Graph networks for drug discovery', abstract: 'Graph neural networks predict molecular binding.' });
    const out = rank(profile({ papers: [seed.id] }), ps, { now, size: 3, known: known([seed]) });
    expect(out[0].paper.title).toMatch(/Graph neural networks/);
    expect(out[0].why).toContain('like "Graph networks for drug discovery"');
  });

  it('demotes papers similar to a 👎 paper', () => {
    const ps = corpus();
    const disliked = paper({ id: '2604.00002', title: 'Large language model reasoning benchmarks', abstract: 'Chain of thought prompting for large language model math reasoning.' });
    const p = profile({ keywords: ['large language model', 'speech'] });
    const score = (out: ReturnType<typeof rank>, re: RegExp) => out.find((r) => re.test(r.paper.title))!.score;
    const before = rank(p, ps, { now, size: 6 });
    const after = rank({ ...p, votes: [{ paperId: disliked.id, vote: -1 }] }, ps, { now, size: 6, known: known([disliked]) });
    expect(score(after, /language model/)).toBeLessThan(score(before, /language model/) - 0.05);
    expect(score(after, /Speech/)).toBeCloseTo(score(before, /Speech/), 2);
  });

  it('ignores seed ids it does not know', () => {
    const out = rank(profile({ keywords: ['auction'], papers: ['2601.99999', 'not-an-id'] }), corpus(), { now, size: 1 });
    expect(out[0].paper.title).toMatch(/auction/i);
  });
});

describe('rank: digest shape', () => {
  it('does not fill a digest with near-duplicates (MMR)', () => {
    const ps = corpus();
    const out = rank(profile({ keywords: ['diffusion', 'speech'] }), ps, { now, size: 2 });
    const topics = out.map((r) => r.paper.title.split(' ')[0]);
    expect(new Set(topics).size).toBe(2);
  });

  it('sends nothing on a day whose papers are off the subscriber\'s topic, though the week had some on it', () => {
    const week = corpus();
    const model = buildRankModel(week, week);
    const today = week.filter((p) => !/auction|polar/i.test(`${p.title} ${p.abstract}`));
    const out = rank(profile({ keywords: ['auction', 'polar codes'] }), today, { now, size: 10, model });
    expect(out).toEqual([]);
    expect(isWeakDay(out, 10)).toBe(true);
  });

  it('calls a day weak when too few papers pass, but not a small digest that is full', () => {
    const strong = rank(profile({ keywords: ['auction', 'polar codes', 'protein'] }), corpus(), { now, size: 10 });
    expect(strong.length).toBeGreaterThanOrEqual(3);
    expect(isWeakDay(strong, 10)).toBe(false);
    expect(isWeakDay(strong.slice(0, 2), 10)).toBe(true);
    expect(isWeakDay(strong.slice(0, 2), 2)).toBe(false);
  });

  it('ranks by priors when the profile is empty, trending first', () => {
    const ps = corpus();
    ps[5].upvotes = 152;
    const out = rank(profile(), ps, { now, size: 10 });
    expect(out).toHaveLength(10);
    expect(out[0].paper.id).toBe(ps[5].id);
    expect(out[0].why).toContain('trending: 152 upvotes');
  });

  it('gives the same result with a shared model as without', () => {
    const ps = corpus();
    const p = profile({ keywords: ['robot grasping'] });
    const model = buildRankModel(ps, ps);
    const a = rank(p, ps, { now, size: 3 });
    const b = rank(p, ps.slice(0, 20), { now, size: 3, model });
    expect(b.map((r) => r.paper.id)).toEqual(a.map((r) => r.paper.id));
  });

  it('only returns papers from the candidates it was given', () => {
    const ps = corpus();
    const model = buildRankModel(ps, ps);
    const subset = ps.filter((p) => !p.title.startsWith('Diffusion'));
    const out = rank(profile({ keywords: ['diffusion'] }), subset, { now, size: 5, model });
    expect(out.every((r) => subset.includes(r.paper))).toBe(true);
  });
});

describe('rank: hostile input', () => {
  it('caps 5,000 keywords and a 1 MB about text at the documented limits', () => {
    const keywords = Array.from({ length: 5000 }, (_, i) => `word${i}`);
    keywords.push('auction');
    const about = 'auction '.repeat(131_072);
    const out = rank(profile({ keywords, about }), corpus(), { now, size: 3 });
    // Keyword 5,001 is past the limit; the about text is cut to its first 2,000 characters, which still say auction.
    expect(out[0].why.some((w) => w.startsWith('matches'))).toBe(false);
    expect(out[0].why[0]).toBe('about your work: auction');
    expect(PROFILE_LIMITS.keywords).toBe(50);
  });

  it('survives garbage in every field', () => {
    const bad = { keywords: [42, null, ''], categories: ['<script>'], authors: [{}], about: 7, papers: ['../../etc'], votes: [{ paperId: 1, vote: 5 }] };
    expect(() => rank(bad as never, corpus(), { now, size: 3 })).not.toThrow();
  });

  it('clamps an absurd digest size', () => {
    expect(rank(profile(), corpus(), { now, size: 1e9 }).length).toBeLessThanOrEqual(PROFILE_LIMITS.digestSizeMax);
    expect(rank(profile(), corpus(), { now, size: -3 })).toEqual([]);
  });
});
