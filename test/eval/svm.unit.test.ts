import { describe, it, expect } from 'vitest';
import { rng } from '../../tools/eval/data.js';
import { type Example, svmScores } from '../../tools/eval/svm.js';
import { ndcg, mrr, precision } from '../../tools/eval/metrics.js';

const vec = (pairs: [number, number][]) => {
  const norm = Math.hypot(...pairs.map((p) => p[1]));
  return { ids: Int32Array.from(pairs, (p) => p[0]), w: Float32Array.from(pairs, (p) => p[1] / norm) };
};

describe('linear SVM baseline', () => {
  it('separates two classes, even when one is rare (class balancing)', () => {
    const rand = rng(1);
    const data: Example[] = [];
    for (let i = 0; i < 3; i++) data.push({ x: vec([[1, 1], [2, 0.2 + rand()]]), y: 1 });
    for (let i = 0; i < 200; i++) data.push({ x: vec([[3, 1], [2, 0.2 + rand()]]), y: -1 });
    const [pos, neg] = svmScores(data, [vec([[1, 1]]), vec([[3, 1]])], { C: 0.01, rand });
    expect(pos).toBeGreaterThan(neg);
    expect(pos).toBeGreaterThan(0);
  });
});

describe('metrics', () => {
  it('scores a perfect, a late and an empty ranking', () => {
    const rel = new Set(['a', 'b']);
    expect(ndcg(['a', 'b', 'c'], rel)).toBeCloseTo(1);
    expect(ndcg(['c', 'd', 'a'], rel)).toBeCloseTo(0.5 / (1 + 1 / Math.log2(3)));
    expect(precision(['a', 'c'], rel)).toBeCloseTo(0.1);
    expect(mrr(['c', 'b'], rel)).toBe(0.5);
    expect(mrr(['c'], rel)).toBe(0);
  });
});
