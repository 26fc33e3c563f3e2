import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/model.js';
import { buildRankModel } from '../../src/rank/model.js';
import { rank } from '../../src/rank/rank.js';
import { corpus, paper, profile } from '../helpers/rank-factories.js';

const now = new Date('2026-05-21T08:00:00Z');
const known = (ps: Paper[]) => new Map(ps.map((p) => [p.id, p]));

describe('rank: never a paper the subscriber already has', () => {
  it('leaves out seed papers that are new to the store too, even though they match best', () => {
    const ps = corpus();
    const seeds = ps.filter((p) => p.title.startsWith('Protein'));
    const out = rank(profile({ papers: seeds.map((p) => p.id) }), ps, { now, size: 10, known: known(ps), model: buildRankModel(ps, ps) });
    expect(out.length).toBeGreaterThan(0);
    expect(out.some((r) => seeds.some((s) => s.id === r.paper.id))).toBe(false);
  });

  it('leaves out a seed given with a version suffix', () => {
    const ps = corpus();
    const seed = ps.find((p) => p.title.startsWith('Auction'))!;
    const out = rank(profile({ papers: [`${seed.id}v3`], keywords: ['auction'] }), ps, { now, size: 10, known: known(ps) });
    expect(out.some((r) => r.paper.id === seed.id)).toBe(false);
  });

  it('leaves out papers voted on (either way) and papers shown before', () => {
    const ps = corpus();
    const up = ps.find((p) => p.title === 'Channel coding for wireless')!;
    const down = ps.find((p) => p.title === 'Channel coding for wireless revisited')!;
    const shown = ps.find((p) => p.title === 'Channel coding for wireless at scale')!;
    const p = profile({ keywords: ['polar codes'], votes: [{ paperId: up.id, vote: 1 }, { paperId: down.id, vote: -1 }] });
    const out = rank(p, ps, { now, size: 10, known: known(ps), shown: [shown.id] }).map((r) => r.paper.id);
    expect(out).not.toContain(up.id);
    expect(out).not.toContain(down.id);
    expect(out).not.toContain(shown.id);
  });
});

describe('rank: cold start', () => {
  it('gives trending and recent papers, saying why, when no seed id is stored', () => {
    const ps = corpus();
    ps[3].upvotes = 80;
    const out = rank(profile({ papers: ['2601.99999', '2602.00001'] }), ps, { now, size: 5, known: new Map() });
    expect(out).toHaveLength(5);
    expect(out[0].paper.id).toBe(ps[3].id);
    expect(out[0].why).toEqual(['none of your seed papers is stored yet: trending and recent papers instead', 'trending: 80 upvotes']);
  });

  it('gives trending and recent papers when the keywords match no stored word, and says so first', () => {
    const ps = corpus();
    ps[7].upvotes = 120;
    const out = rank(profile({ keywords: ['quantum chromodynamics'] }), ps, { now, size: 5 });
    expect(out).toHaveLength(5);
    expect(out[0].paper.id).toBe(ps[7].id);
    expect(out[0].why[0]).toBe('nothing this week matched your interests yet: trending and recent papers instead');
    expect(out[0].why).toContain('trending: 120 upvotes');
  });

  it('never answers a profile of unknown seeds with its own seeds', () => {
    const ps = corpus();
    const seed = paper({ id: '2605.77777', title: 'A seed paper nobody else has', abstract: 'zyxwv' });
    const out = rank(profile({ papers: [seed.id] }), [...ps, seed], { now, size: 30, known: known([seed]) });
    expect(out.some((r) => r.paper.id === seed.id)).toBe(false);
  });
});
