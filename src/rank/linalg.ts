// Dense linear algebra for the semantic space (space.ts): row-major Float64Array matrices, small and exact enough for
// a store of a few thousand papers. Pure.

/** A deterministic source of standard normal numbers (mulberry32 + Box-Muller), so a space is the same at every build. */
export function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** G = AᵀA for A (rows × cols, row-major); G is cols × cols. */
export function gram(a: Float64Array, rows: number, cols: number): Float64Array {
  const g = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let i = 0; i < cols; i++) {
      const x = a[o + i];
      if (x === 0) continue;
      const gi = i * cols;
      for (let j = i; j < cols; j++) g[gi + j] += x * a[o + j];
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) g[i * cols + j] = g[j * cols + i];
  return g;
}

/** Lower-triangular L with LLᵀ = G (n × n), a small multiple of the diagonal added until it is positive definite. */
export function cholesky(g: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += g[i * n + i];
  for (let jitter = 0; ; jitter = jitter ? jitter * 100 : 1e-14 * (trace / n || 1)) {
    const l = new Float64Array(n * n);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = g[i * n + j] + (i === j ? jitter : 0);
        for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
        if (i === j) {
          if (!(s > 0)) { ok = false; break; }
          l[i * n + i] = Math.sqrt(s);
        } else l[i * n + j] = s / l[j * n + j];
      }
    }
    if (ok) return l;
  }
}

/** Makes the columns of A (rows × cols, row-major) orthonormal in place by Cholesky QR, `passes` times (a second pass
 *  restores the orthogonality the first loses when A is ill-conditioned). */
export function orthonormalize(a: Float64Array, rows: number, cols: number, passes = 2): void {
  const row = new Float64Array(cols);
  for (let pass = 0; pass < passes; pass++) {
    const m = inverseTranspose(cholesky(gram(a, rows, cols), cols), cols);
    // Each row x becomes x L⁻ᵀ, summed as scaled rows of the upper-triangular L⁻ᵀ (no chain of dependent additions).
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      row.fill(0);
      for (let i = 0; i < cols; i++) {
        const x = a[o + i];
        if (x === 0) continue;
        const mi = i * cols;
        for (let j = i; j < cols; j++) row[j] += x * m[mi + j];
      }
      a.set(row, o);
    }
  }
}

/** L⁻ᵀ (upper triangular, row-major) of a lower-triangular L (n × n). */
function inverseTranspose(l: Float64Array, n: number): Float64Array {
  // Column j of L⁻¹ solves L x = e_j (forward substitution); it is row j of L⁻ᵀ.
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const o = j * n;
    out[o + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * n + k] * out[o + k];
      out[o + i] = s / l[i * n + i];
    }
  }
  return out;
}

/** C = A B for A (n × m) and B (m × p), row-major. */
export function multiply(a: Float64Array, b: Float64Array, n: number, m: number, p: number): Float64Array {
  const c = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const ci = i * p;
    for (let k = 0; k < m; k++) {
      const x = a[i * m + k];
      if (x === 0) continue;
      const bk = k * p;
      for (let j = 0; j < p; j++) c[ci + j] += x * b[bk + j];
    }
  }
  return c;
}

/** Eigenvalues (descending) and eigenvectors (as columns of a row-major n × n matrix, in the same order) of a
 *  symmetric matrix, by cyclic Jacobi rotations: exact to rounding, fine for the few hundred rows it is used on. */
export function symmetricEigen(m: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { const x = a[i * n + j] ** 2; total += x; if (i !== j) off += x; }
    if (off <= 1e-22 * total) break;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) rotate(a, v, n, p, q);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) order.forEach((c, j) => { vectors[r * n + j] = v[r * n + c]; });
  return { values, vectors };
}

/** One Jacobi rotation zeroing a[p][q] (and a[q][p]); v accumulates the rotations. */
function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q];
  if (Math.abs(apq) < 1e-300) return;
  const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p];
    const akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k];
    const aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p];
    const vkq = v[k * n + q];
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

/** Scales each row of A (rows × cols, row-major) to unit length in place (a zero row stays zero). */
export function unitRows(a: Float32Array | Float64Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += a[o + j] * a[o + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < cols; j++) a[o + j] *= inv;
  }
}
