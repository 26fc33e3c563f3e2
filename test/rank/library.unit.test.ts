import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/model.js';
import { type LibraryExample, libraryPositives, libraryWeight, orderLibrary } from '../../src/rank/library.js';
import { PROFILE_LIMITS } from '../../src/rank/limits.js';
import { buildRankModel } from '../../src/rank/model.js';
import { rank } from '../../src/rank/rank.js';
import { WEIGHTS } from '../../src/rank/weights.js';
import { corpus, paper, profile } from '../helpers/rank-factories.js';

const now = new Date('2026-05-21T08:00:00Z');

/** A library entry kept as a text example: a title and an abstract, no id, no category. */
function text(title: string, abstract: string, added: string | null = '2026-05-01', id = title): LibraryExample {
  return { paper: { id: `library:${id}`, title, abstract, authors: [], categories: [], published: null, url: null }, title, added };
}

describe('a library in the ranking', () => {
  it('learns from text examples as from seed papers, and names the entry "from your library"', () => {
    const library = [text('Graph networks for drug discovery', 'Graph neural networks predict molecular binding.')];
    const out = rank(profile(), corpus(), { now, size: 3, library });
    expect(out[0].paper.title).toMatch(/Graph neural networks/);
    expect(out[0].why).toContain('like "Graph networks for drug discovery" from your library');
  });

  it('names a matched entry by the title it has in the library, and never sends the matched paper itself', () => {
    const ps = corpus();
    const mine = ps.find((p) => p.title === 'Auction design and mechanism')!;
    const out = rank(profile(), ps, { now, size: 5, library: [{ paper: mine, title: 'Auction Design & Mechanism (my copy)', added: '2026-05-10' }] });
    expect(out.map((r) => r.paper.id)).not.toContain(mine.id);
    expect(out[0].paper.title).toMatch(/Auction design/);
    expect(out[0].why).toContain('like "Auction Design & Mechanism (my copy)" from your library');
  });

  it('counts recent entries more than a thesis-era backlog', () => {
    const recent = text('Speech recognition transformers', 'End-to-end speech recognition with a transformer encoder.', '2026-04-01');
    const old = text('Protein structure prediction networks', 'Predict protein structure from sequence with attention.', '2014-09-01');
    const out = rank(profile(), corpus(), { now, size: 2, library: [recent, old] });
    expect(out[0].paper.title).toMatch(/Speech recognition/);
    expect(libraryWeight('2026-04-01', now)).toBeGreaterThan(0.9);
    expect(libraryWeight('2014-09-01', now)).toBe(WEIGHTS.libraryFloor);
    expect(libraryWeight('2024', now)).toBeCloseTo(0.5 ** ((Date.parse('2026-05-21') - Date.parse('2024-01-01')) / 86_400_000 / 365.25 / WEIGHTS.libraryHalfLife), 3);
    expect(libraryWeight(null, now)).toBe(WEIGHTS.libraryUndated);
  });

  it('orders entries most recently added first, undated last, ties as given', () => {
    const es = [{ added: '2020', k: 'a' }, { added: null, k: 'b' }, { added: '2026-05-12', k: 'c' }, { added: '2026-05', k: 'd' }, { added: '2026-05-12', k: 'e' }];
    expect(orderLibrary(es).map((e) => e.k)).toEqual(['c', 'e', 'd', 'a', 'b']);
  });

  it('learns from the first PROFILE_LIMITS.libraryUsed entries only: 1,000 cost a digest what 50 do', () => {
    const library = Array.from({ length: 1000 }, (_, i) => text(`Entry ${i} on diffusion`, `Diffusion model number ${i} edits images.`, '2026-01-01', String(i)));
    expect(libraryPositives(library, now).used).toHaveLength(PROFILE_LIMITS.libraryUsed);
    const ps = corpus();
    const model = buildRankModel(ps, ps);
    rank(profile(), ps, { now, size: 5, model, library });
    // Every text example read gets its vector cached in the model: 50 of them, not 1,000.
    expect(model.known.current.size).toBe(PROFILE_LIMITS.libraryUsed);
    const first50 = rank(profile(), ps, { now, size: 5, model, library: library.slice(0, 50) });
    expect(rank(profile(), ps, { now, size: 5, model, library })).toEqual(first50);
  });

  it('counts a paper that is both a seed and in the library once, as a seed; drops a library paper voted 👎', () => {
    const ps = corpus();
    const seed: Paper = paper({ id: '2604.00009', title: 'Polar codes for 6G', abstract: 'Polar channel coding for wireless links.' });
    const both = rank(profile({ papers: [seed.id] }), ps, { now, size: 3, known: new Map([[seed.id, seed]]), library: [{ paper: seed, title: 'Polar codes (library)', added: '2026-05-01' }] });
    expect(both[0].why).toContain('like "Polar codes for 6G"');
    const disliked = rank(profile({ votes: [{ paperId: seed.id, vote: -1 }] }), ps, { now, size: 3, known: new Map([[seed.id, seed]]), library: [{ paper: seed, title: 'Polar codes (library)', added: '2026-05-01' }] });
    expect(disliked.flatMap((r) => r.why).join(' ')).not.toMatch(/from your library/);
  });
});
