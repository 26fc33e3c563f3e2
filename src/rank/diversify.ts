// Diversity by maximal marginal relevance: each pick trades its score against similarity to earlier picks.
import type { RankModel } from './model.js';
import type { SparseVector } from './sparse.js';
import { WEIGHTS } from './weights.js';

/** Picks up to `size` of `pool` (candidate indices, best first) by MMR over `score`; near-duplicates are skipped. */
export function diversify(model: RankModel, pool: number[], score: Float32Array, size: number): number[] {
  const { mmrLambda: MMR_LAMBDA, duplicateCosine: DUPLICATE_COSINE } = WEIGHTS;
  if (pool.length === 0 || size <= 0) return [];
  const top = score[pool[0]];
  const bottom = Math.min(0, score[pool[pool.length - 1]]);
  const scale = 1 / ((top - bottom) || 1);
  const maxSim = new Float32Array(pool.length);
  const taken = new Uint8Array(pool.length);
  const picked: number[] = [];
  while (picked.length < size) {
    let best = -1;
    let bestValue = -Infinity;
    for (let k = 0; k < pool.length; k++) {
      if (taken[k] || maxSim[k] >= DUPLICATE_COSINE) continue;
      const value = MMR_LAMBDA * (score[pool[k]] - bottom) * scale - (1 - MMR_LAMBDA) * maxSim[k];
      if (value > bestValue) { bestValue = value; best = k; }
    }
    if (best < 0) break;
    taken[best] = 1;
    picked.push(pool[best]);
    const v = model.short[pool[best]];
    const dense = model.scratch;
    for (let j = 0; j < v.ids.length; j++) dense[v.ids[j]] = v.w[j];
    for (let k = 0; k < pool.length; k++) if (!taken[k]) maxSim[k] = Math.max(maxSim[k], denseDot(dense, model.short[pool[k]]));
    for (let j = 0; j < v.ids.length; j++) dense[v.ids[j]] = 0;
  }
  return picked;
}

/** Dot product of a dense vector with a sparse one. */
function denseDot(dense: Float32Array, v: SparseVector): number {
  let s = 0;
  for (let j = 0; j < v.ids.length; j++) s += dense[v.ids[j]] * v.w[j];
  return s;
}
