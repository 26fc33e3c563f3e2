// Sparse vectors over hashed feature ids: sorted ids with float weights.

/** A sparse vector: strictly increasing `ids` and their weights. */
export interface SparseVector {
  ids: Int32Array;
  w: Float32Array;
}

/** Builds a sorted sparse vector from id → weight pairs, scaled to unit length (zero stays zero). */
export function unitVector(entries: Iterable<[number, number]>): SparseVector {
  const pairs = [...entries].filter(([, w]) => w !== 0).sort((a, b) => a[0] - b[0]);
  const norm = Math.sqrt(pairs.reduce((s, [, w]) => s + w * w, 0)) || 1;
  return { ids: Int32Array.from(pairs, (p) => p[0]), w: Float32Array.from(pairs, (p) => p[1] / norm) };
}

/** Dot product of two sorted sparse vectors (a merge walk). */
export function dot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i];
    const y = b.ids[j];
    if (x === y) s += a.w[i++] * b.w[j++];
    else if (x < y) i++;
    else j++;
  }
  return s;
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
