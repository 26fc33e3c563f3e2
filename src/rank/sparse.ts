// Sparse vectors over hashed feature ids: sorted ids with float weights.

/** A sparse vector: strictly increasing `ids` and their weights. */
export interface SparseVector {
  ids: Int32Array;
  w: Float32Array;
}

/** Builds a sorted sparse vector from an id → weight map, scaled to unit length (zero weights dropped). */
export function unitVector(weights: Map<number, number>): SparseVector {
  let norm = 0;
  let n = 0;
  for (const w of weights.values()) if (w !== 0) { norm += w * w; n++; }
  const ids = new Int32Array(n);
  let k = 0;
  for (const [id, w] of weights) if (w !== 0) ids[k++] = id;
  ids.sort();
  const inv = 1 / (Math.sqrt(norm) || 1);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = weights.get(ids[i])! * inv;
  return { ids, w };
}

/** Keeps the `n` largest weights of a vector (ties at the cut kept), renormalised to unit length. */
export function truncate(v: SparseVector, n: number): SparseVector {
  if (v.ids.length <= n) return v;
  const cut = Float32Array.from(v.w).sort()[v.w.length - n];
  const kept = new Map<number, number>();
  for (let k = 0; k < v.ids.length; k++) if (v.w[k] >= cut) kept.set(v.ids[k], v.w[k]);
  return unitVector(kept);
}

/** Weight of feature `id` in `v`, or 0 (binary search). */
export function weightOf(v: SparseVector, id: number): number {
  let lo = 0;
  let hi = v.ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (v.ids[mid] === id) return v.w[mid];
    if (v.ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}
