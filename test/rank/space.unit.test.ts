// The semantic space's arithmetic against exact answers, and what it keeps and restores.
import { describe, expect, it } from 'vitest';
import { cholesky, gaussian, gram, multiply, orthonormalize, symmetricEigen } from '../../src/rank/linalg.js';
import { buildSpace, decodeSpace, encodeSpace, foldIn, spaceRow } from '../../src/rank/space.js';
import { paperTerms } from '../../src/rank/vocabulary.js';
import { corpus, paper } from '../helpers/rank-factories.js';

/** A random symmetric matrix (n × n). */
function symmetric(n: number, seed: number): Float64Array {
  const g = gaussian(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = g();
  return a;
}

describe('dense linear algebra', () => {
  it('decomposes a symmetric matrix: A V = V Λ, V orthonormal, eigenvalues descending', () => {
    const n = 12;
    const a = symmetric(n, 7);
    const { values, vectors } = symmetricEigen(a, n);
    const av = multiply(a, vectors, n, n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(av[i * n + j]).toBeCloseTo(vectors[i * n + j] * values[j], 9);
    const vtv = gram(vectors, n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(vtv[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 9);
    for (let j = 1; j < n; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
  });

  it('orthonormalizes columns without changing the space they span', () => {
    const rows = 40;
    const cols = 6;
    const g = gaussian(3);
    const a = Float64Array.from({ length: rows * cols }, g);
    const q = Float64Array.from(a);
    orthonormalize(q, rows, cols);
    const qtq = gram(q, rows, cols);
    for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) expect(qtq[i * cols + j]).toBeCloseTo(i === j ? 1 : 0, 10);
    // Each column of A is Q (Qᵀ a): nothing of it lies outside Q's span.
    for (let c = 0; c < cols; c++) {
      const coef = Array.from({ length: cols }, (_, k) => { let s = 0; for (let r = 0; r < rows; r++) s += q[r * cols + k] * a[r * cols + c]; return s; });
      for (let r = 0; r < rows; r++) expect(coef.reduce((s, x, k) => s + x * q[r * cols + k], 0)).toBeCloseTo(a[r * cols + c], 9);
    }
  });

  it('factors a positive definite matrix as L Lᵀ', () => {
    const n = 5;
    const g = gaussian(11);
    const b = Float64Array.from({ length: 8 * n }, g);
    const m = gram(b, 8, n);
    const l = cholesky(m, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += l[i * n + k] * l[j * n + k];
      expect(s).toBeCloseTo(m[i * n + j], 9);
    }
  });
});

/** Sixty papers on three topics, written so that each topic has a few words of its own. */
function topics(): ReturnType<typeof paper>[] {
  const vocab = [
    ['galaxy', 'redshift', 'cosmology', 'dark', 'matter', 'telescope', 'survey', 'halo', 'lensing', 'supernova'],
    ['protein', 'folding', 'enzyme', 'binding', 'residue', 'structure', 'sequence', 'ligand', 'membrane', 'kinase'],
    ['auction', 'bidder', 'mechanism', 'revenue', 'equilibrium', 'strategic', 'welfare', 'market', 'pricing', 'buyer'],
  ];
  const g = gaussian(5);
  const pick = (ws: string[]) => ws[Math.floor(Math.abs(g() * 997)) % ws.length];
  return Array.from({ length: 60 }, (_, i) => {
    const ws = vocab[i % 3];
    return paper({ id: `2605.${20000 + i}`, title: `${pick(ws)} ${pick(ws)} ${pick(ws)}`, abstract: Array.from({ length: 30 }, () => pick(ws)).join(' ') });
  });
}

describe('the semantic space', () => {
  it('puts papers of one topic closer to each other than to other topics', () => {
    const papers = topics();
    const space = buildSpace(papers, { share: 0.1, minDims: 4, maxDims: 16, neighbours: 5, minDf: 2, maxDfShare: 0.5, iterations: 8, oversample: 5 })!;
    expect(space.ids).toHaveLength(60);
    const cos = (a: number, b: number) => { const x = spaceRow(space, a); const y = spaceRow(space, b); return x.reduce((s, v, d) => s + v * y[d], 0); };
    let same = 0;
    let other = 0;
    for (let i = 0; i < 60; i++) for (let j = i + 1; j < 60; j++) (i % 3 === j % 3 ? (same += cos(i, j)) : (other += cos(i, j)));
    expect(same / 590).toBeGreaterThan(0.8);
    expect(other / 1180).toBeLessThan(0.3);
  });

  // With enough power iterations the randomized decomposition is the exact one (the 8 ranking uses are enough for
  // ranking: docs/ranking.md).
  it('finds the singular values an exact decomposition finds', () => {
    const papers = topics();
    const space = buildSpace(papers, { share: 0.1, minDims: 4, maxDims: 6, neighbours: 5, minDf: 2, maxDfShare: 0.5, iterations: 40, oversample: 5 })!;
    // Exact: the eigenvalues of X Xᵀ (60 × 60) are the squared singular values.
    const n = 60;
    const xxt = new Float64Array(n * n);
    const row = (r: number) => new Map(Array.from(space.col.subarray(space.rowStart[r], space.rowStart[r + 1]), (c, k) => [c, space.val[space.rowStart[r] + k]]));
    const rows = Array.from({ length: n }, (_, r) => row(r));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (const [c, v] of rows[i]) s += v * (rows[j].get(c) ?? 0); xxt[i * n + j] = s; }
    const exact = symmetricEigen(xxt, n).values;
    for (let k = 0; k < space.width; k++) expect(space.sigma[k]).toBeCloseTo(Math.sqrt(exact[k]), 4);
  });

  it('folds a paper of the space in where the decomposition put it', () => {
    const papers = topics();
    const space = buildSpace(papers, { share: 0.1, minDims: 4, maxDims: 8, neighbours: 5, minDf: 2, maxDfShare: 0.5, iterations: 40, oversample: 5 })!;
    const w = space.width;
    for (const at of [0, 17, 41]) {
      const folded = foldIn(space, paperTerms(papers[at]))!;
      const coords = space.coords.subarray(at * w, (at + 1) * w);
      const norm = Math.hypot(...coords);
      coords.forEach((x, d) => expect(folded[d]).toBeCloseTo(x / norm, 4));
    }
    expect(foldIn(space, paperTerms(paper({ title: 'zzz qqq', abstract: 'nothing the store has' })))).toBeNull();
  });

  it('comes back from its bytes as it was', () => {
    const space = buildSpace(topics(), { share: 0.1, minDims: 4, maxDims: 8, neighbours: 5, minDf: 2, maxDfShare: 0.5, iterations: 8, oversample: 5 })!;
    const back = decodeSpace(space.ids, space.width, encodeSpace(space));
    expect(Array.from(back.rows)).toEqual(Array.from(space.rows));
    expect(Array.from(back.proj)).toEqual(Array.from(space.proj));
    expect(Array.from(back.cov)).toEqual(Array.from(space.cov));
    expect(() => decodeSpace(space.ids.slice(1), space.width, encodeSpace(space))).toThrow(/does not match/);
  });

  it('is not built from a handful of papers', () => {
    expect(buildSpace(corpus().slice(0, 10))).toBeNull();
  });
});
