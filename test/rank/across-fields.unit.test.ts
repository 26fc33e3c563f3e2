// Issue 23, item 6: ranking across fields. The week's vocabulary covers every source; a paper no upvotes can exist
// for (bioRxiv, medRxiv, journals) is neither lifted nor held back by the trending prior; the weak-day rule holds for a
// subscriber who follows a bioRxiv subject only. Papers from the recorded fixtures.
import { describe, expect, it } from 'vitest';
import { parseArxivRss } from '../../src/ingest/arxiv-rss.js';
import { parseJournalFeed } from '../../src/ingest/journal-feed.js';
import { parseRxivDetails } from '../../src/ingest/rxiv.js';
import type { Paper, Profile } from '../../src/model.js';
import { buildRankModel } from '../../src/rank/model.js';
import { isWeakDay, rank } from '../../src/rank/rank.js';
import { fairTrending, trendingPrior, upvotesApply } from '../../src/rank/signals.js';
import { fixture } from '../helpers/ingest.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const seen = (p: Paper): Paper => ({ ...p, firstSeen: '2026-12-07T06:00:00.000Z', published: '2026-12-06T00:00:00.000Z' });
const arxiv = parseArxivRss(fixture('arxiv-rss/cs.CL.rss.xml')).papers.map(seen);
const bio = [...parseRxivDetails(fixture('biorxiv/details-biorxiv-2026-07-15.json')).papers, ...parseRxivDetails(fixture('biorxiv/details-medrxiv-2026-09-15.json')).papers].map(seen);
const journal = parseJournalFeed(fixture('journals/science.rss')).papers.map(seen);
const profile = (p: Partial<Profile>): Profile => ({ keywords: [], categories: [], authors: [], about: '', papers: [], votes: [], ...p });

describe('the trending prior across sources', () => {
  it('gives a paper without possible upvotes the week\'s mean prior of those with them', () => {
    const hf = { ...arxiv[0], upvotes: 80 };
    const papers = [hf, arxiv[1], bio[0], journal[0]];
    expect(papers.map(upvotesApply)).toEqual([true, true, false, false]);
    const t = fairTrending(papers);
    const mean = (trendingPrior(hf) + 0) / 2;
    expect(t[0]).toBeCloseTo(trendingPrior(hf));
    expect(t[1]).toBe(0);
    expect(t[2]).toBeCloseTo(mean);
    expect(t[3]).toBeCloseTo(mean);
    // A week without any arXiv paper: no prior for anyone.
    expect([...fairTrending([bio[0], journal[0]])]).toEqual([0, 0]);
  });

  it('does not let upvoted arXiv papers push out a bioRxiv paper that matches as well', () => {
    // Two papers of the same relevance: the bioRxiv one, and an arXiv copy of its text with the week's upvotes.
    const target = bio[0];
    const twin: Paper = { ...target, id: '2607.00001', categories: [], upvotes: 5, url: null, doi: null };
    const others = arxiv.map((p, i) => ({ ...p, upvotes: [200, 150, 0, 0][i] }));
    const pool = [...others, twin, target];
    const model = buildRankModel(pool, pool);
    // Each ranked beside the same others (apart, so neither is dropped as the other's duplicate), in one model.
    const scoreOf = (p: Paper) => rank(profile({ keywords: ['subcortical structures', 'brain dynamics'] }), [...others, p], { now: NOW, size: 5, model })
      .find((r) => r.paper.id === p.id)!.score;
    // The week's upvoted papers lift the mean prior above the twin's 5 upvotes: the bioRxiv paper is not held back.
    expect(scoreOf(target)).toBeGreaterThanOrEqual(scoreOf(twin));
  });
});

describe('one vocabulary over every source', () => {
  const pool = [...arxiv, ...bio, ...journal];
  const model = buildRankModel(pool, pool);

  it('finds medRxiv, bioRxiv and journal papers by their own words', () => {
    const med = rank(profile({ keywords: ['lupus nephritis'] }), pool, { now: NOW, size: 3, model });
    expect(med[0].paper.id).toBe('doi:10.64898/2026.09.13.26362948');
    const sc = rank(profile({ keywords: ['superconductor'] }), pool, { now: NOW, size: 3, model });
    expect(sc[0].paper.id).toBe('doi:10.1126/science.adk1234');
  });

  it('ranks a bioRxiv subject\'s papers for someone who follows only that subject, and a quiet day is judged on them', () => {
    const ranked = rank(profile({ categories: ['biorxiv.neuroscience'] }), pool, { now: NOW, size: 10, model });
    expect(ranked.slice(0, 2).map((r) => r.paper.categories[0])).toEqual(['biorxiv.neuroscience', 'biorxiv.neuroscience']);
    // Two papers in the subject this week: fewer than three worth sending, a quiet day, as for an arXiv category.
    expect(isWeakDay(ranked, 10)).toBe(true);
  });
});
