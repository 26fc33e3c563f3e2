// Relevance first, on a store that mixes what a real install stores: arXiv papers (categories, no upvotes) and
// Hugging Face daily papers (upvotes). Popularity orders relevant papers; it never carries an off-topic paper past a
// relevant one, and old news only fills what new papers leave.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/model.js';
import { buildRankModel } from '../../src/rank/model.js';
import { rank } from '../../src/rank/rank.js';
import { orderScores } from '../../src/rank/signals.js';
import { buildSpace } from '../../src/rank/space.js';
import { WEIGHTS } from '../../src/rank/weights.js';
import { profile } from '../helpers/rank-factories.js';

const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Paper & { primary_category?: string });
// 200 arXiv papers of April 2026 (cs.IT among them), as an arXiv feed brings them: no upvotes.
const arxiv = lines(readFileSync(new URL('../fixtures/arxiv-2026q2-200.jsonl', import.meta.url), 'utf8'))
  .map((p) => ({ id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, categories: [], published: p.published, url: null }));
// The 287 Hugging Face papers of the bundled sample, with their upvotes (up to 163).
const hf = lines(gunzipSync(readFileSync(new URL('../../data/sample/papers.jsonl.gz', import.meta.url))).toString());
const store: Paper[] = [...arxiv, ...hf.map((p) => ({ ...p, published: '2026-04-01T00:00:00Z' }))];
const byId = new Map(store.map((p) => [p.id, p]));
const model = buildRankModel(store, store, { space: buildSpace(store) });
const now = new Date('2026-04-02T08:00:00Z');

// Three information-theory papers (wireless communication) as seeds; the field's other papers are the relevant ones.
const seeds = ['2603.29098', '2603.29645', '2603.29717'];
const relevant = ['2603.29144', '2603.29649'];

describe('relevance first', () => {
  it('puts the seeds\' field above every upvoted paper of other fields, and says why', () => {
    const out = rank(profile({ papers: seeds }), store, { now, size: 10, model, known: byId });
    const top = out.slice(0, 2).map((r) => r.paper.id);
    expect(top.sort()).toEqual([...relevant].sort());
    for (const r of out.slice(0, 2)) expect(r.why[0]).toMatch(/^like "/);
    // No Hugging Face paper with more than a handful of upvotes came before the field's papers.
    const firstPopular = out.findIndex((r) => (r.paper.upvotes ?? 0) >= 10);
    expect(firstPopular === -1 || firstPopular >= 2).toBe(true);
  });

  it('lets popularity order papers of about the same relevance, never past a clearly more relevant one', () => {
    const relevance = Float32Array.from([0.5, 0.45, 0.2, 0.01, 0, -0.3]);
    const prior = Float32Array.from([0, 1, 0, 1, 1, 1]);
    const s = orderScores(relevance, prior, true);
    expect(s[1]).toBeGreaterThan(s[0]); // 0.45 and popular passes 0.5: within WEIGHTS.lift of it
    expect(s[2]).toBeLessThan(s[1]);
    expect(s[3]).toBeLessThan(s[2]); // barely relevant and popular stays below a relevant paper
    expect(s[4]).toBe(0); // matching nothing gets no lift
    expect(s[5]).toBeCloseTo(-0.3);
    // The largest lift is WEIGHTS.lift of a paper's own relevance.
    expect(s[1]).toBeCloseTo(0.45 * (1 + WEIGHTS.lift));
  });

  it('orders a profile with nothing to match by popularity and recency, and says so', () => {
    const out = rank(profile({ keywords: ['xqzv frobnicated'] }), store, { now, size: 5, model, known: byId });
    expect(out).toHaveLength(5);
    expect(out[0].why[0]).toBe('nothing this week matched your interests yet: trending and recent papers instead');
    expect(out[0].paper.upvotes).toBe(Math.max(...hf.map((p) => p.upvotes ?? 0)));
  });

  it('gives a library of junk lines the cold-start digest, saying so, never an error', () => {
    const junk = ['qwzx vbnm', 'zzzz yyyy xxxx', '1234 5678'].map((title, i) => ({
      paper: { id: `library:${i}`, title, abstract: '', authors: [], categories: [], published: null, url: null }, title, added: null,
    }));
    const out = rank(profile(), store, { now, size: 5, model, known: byId, library: junk });
    expect(out).toHaveLength(5);
    expect(out[0].why[0]).toBe('nothing this week matched your interests yet: trending and recent papers instead');
  });

  it('sends old news only where new papers leave room', () => {
    // In December, April's papers are old news (published more than WEIGHTS.newDays before); a new version of one of the
    // field's papers arrives as a new paper: as relevant as the old one, and first because it is new.
    const december = new Date('2026-12-07T08:00:00Z');
    const fresh: Paper = { ...byId.get('2603.29144')!, id: '2612.00001', published: '2026-12-06T00:00:00Z' };
    const withFresh = [...store, fresh];
    const m = buildRankModel(withFresh, withFresh, { space: buildSpace(withFresh) });
    const out = rank(profile({ papers: seeds }), withFresh, { now: december, size: 10, model: m, known: new Map(withFresh.map((p) => [p.id, p])) });
    expect(out[0].paper.id).toBe('2612.00001');
    expect(out).toHaveLength(10); // old news fills the rest rather than leaving the digest empty
    expect(out.slice(1).map((r) => r.paper.id)).toContain('2603.29649');
  });
});
