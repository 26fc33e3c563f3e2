import { describe, it, expect } from 'vitest';
import { authorKey, termCounts, words } from '../../src/rank/tokenize.js';
import { fitVocabulary, idf, paperVector } from '../../src/rank/vocabulary.js';
import { corpus, paper } from '../helpers/rank-factories.js';

describe('tokenizer', () => {
  it('drops stopwords, numbers and LaTeX commands, folds accents and plurals', () => {
    expect(words('The Transformers of $\\alpha$-Café models in 2026 are vision-language')).toEqual(
      ['transformer', 'cafe', 'model', 'vision', 'language']);
  });

  it('counts unigrams, bigrams of adjacent words, and one term per author', () => {
    const counts = termCounts('diffusion model diffusion model', ['Ann Lee']);
    // 2 unigrams + bigrams "diffusion model" (twice) and "model diffusion" + the author term
    expect(counts.size).toBe(5);
    expect([...counts.values()].sort()).toEqual([1, 1, 2, 2, 2]);
  });

  it('normalises author names for matching', () => {
    expect(authorKey('José  García-López')).toBe('jose garcia lopez');
  });
});

describe('tf-idf', () => {
  it('gives rare terms more weight than common ones, and unit-length vectors', () => {
    const ps = corpus();
    const vocab = fitVocabulary(ps);
    const mask = (1 << vocab.bits) - 1;
    const h = (w: string) => [...termCounts(w).keys()][0] & mask;
    expect(idf(vocab, h('polar'))).toBeGreaterThan(idf(vocab, h('revisited')));
    const v = paperVector(vocab, ps[0]);
    expect(Math.hypot(...v.w)).toBeCloseTo(1, 5);
    expect([...v.ids]).toEqual([...v.ids].sort((a, b) => a - b));
  });

  it('keeps only the heaviest terms when asked', () => {
    const vocab = fitVocabulary(corpus());
    const p = paper({ title: 'Zyx', abstract: 'zyx zyx zyx qwv qwv qwv plk plk mno' });
    expect(paperVector(vocab, p, 4).ids.length).toBeLessThanOrEqual(5);
    expect(paperVector(vocab, p).ids.length).toBeGreaterThan(10);
  });
});
