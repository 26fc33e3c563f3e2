// The weak-day rule on real arXiv papers (June 2026, categories removed as Hugging Face papers come): a full digest
// for every kind of profile on an ordinary day, a weak day when the day's papers are all off the subscriber's field.
import { describe, expect, it } from 'vitest';
import type { Paper, Profile } from '../../src/model.js';
import { loadPapers } from '../../tools/eval/data.js';
import { days, relevantIn } from '../../tools/eval/stores.js';
import { buildRankModel } from '../../src/rank/model.js';
import { isWeakDay, rank } from '../../src/rank/rank.js';
import { fitVocabulary } from '../../src/rank/vocabulary.js';
import { profile } from '../helpers/rank-factories.js';

const papers = loadPapers('arxiv-2026-06.jsonl.gz');
const truth = new Map(papers.map((p) => [p.id, p.categories]));
const day = days(papers, 5, 1, 2)[0];
const model = buildRankModel(fitVocabulary(day.week), day.week);
const known = new Map(day.history.map((p) => [p.id, p]));
const now = new Date(`${day.label}T08:00:00Z`);
const sent = (p: Profile, candidates: Paper[]) => rank(p, candidates, { now, size: 10, model, known });

/** The first five earlier papers of a field (held-out categories say which). */
const seedsOf = (field: string) => day.history.filter((p) => truth.get(p.id)!.includes(field)).slice(-5).map((p) => p.id);
const offTopic = (fields: string[]) => {
  const relevant = relevantIn(day.eval, truth, fields);
  return day.eval.filter((p) => !relevant.has(p.id)).slice(0, 15);
};

describe('weak days, relative to the subscriber\'s own week', () => {
  const cases: [string, string, Profile][] = [
    ['seed papers only', 'cs.CL', profile({ papers: seedsOf('cs.CL') })],
    ['seed papers only, a small field', 'cs.GT', profile({ papers: seedsOf('cs.GT') })],
    ['keywords only', 'cs.CV', profile({ keywords: ['computer vision'] })],
    ['an about text only', 'cs.IT', profile({ about: known.get(seedsOf('cs.IT')[0])!.abstract })],
  ];

  for (const [kind, field, p] of cases) {
    it(`fills the digest on an ordinary day: ${kind} (${field})`, () => {
      expect(day.eval.length).toBeGreaterThan(150);
      const out = sent(p, day.eval);
      expect(out).toHaveLength(10);
      expect(isWeakDay(out, 10)).toBe(false);
    });

    it(`calls a day of 15 papers from other fields weak: ${kind} (${field})`, () => {
      const out = sent(p, offTopic([field]));
      expect(isWeakDay(out, 10)).toBe(true);
    });
  }
});
