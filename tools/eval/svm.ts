// A linear SVM (L2-regularised squared hinge, as scikit-learn's LinearSVC) trained by dual coordinate descent
// (Hsieh et al. 2008, the LIBLINEAR algorithm), with class-balanced costs: the arxiv-sanity baseline.
import type { SparseVector } from '#paperboy/rank/sparse.js';

/** A labelled training vector (unit length). */
export interface Example {
  x: SparseVector;
  y: 1 | -1;
}

/** Options: C, epochs, and a random source for the visiting order. */
export interface SvmOptions {
  C: number;
  epochs?: number;
  rand: () => number;
}

/** Shared dense weight buffer (hashed feature space), zeroed after each use. */
let buffer: Float64Array | null = null;

/** Trains a class-balanced linear SVM and returns the decision values of `targets`; the bias is learnt as the weight of a constant feature (LinearSVC's intercept). */
export function svmScores(data: Example[], targets: SparseVector[], opts: SvmOptions): Float64Array {
  const w = (buffer ??= new Float64Array(1 << 22));
  const pos = data.filter((e) => e.y === 1).length;
  const neg = data.length - pos;
  // Balanced: C_i = C × n / (2 × n_class), so both classes carry the same total cost.
  const diag = (y: number) => 1 / (2 * opts.C * data.length / (2 * (y === 1 ? pos : neg)));
  let bias = 0;
  const alpha = new Float64Array(data.length);
  const order = data.map((_, i) => i);
  for (let epoch = 0; epoch < (opts.epochs ?? 30); epoch++) {
    shuffle(order, opts.rand);
    let maxStep = 0;
    for (const i of order) {
      const { x, y } = data[i];
      const d = diag(y);
      const g = y * (dense(w, x) + bias) - 1 + d * alpha[i];
      const next = Math.max(0, alpha[i] - g / (1 + 1 + d)); // ||x||² = 1, plus 1 for the bias feature
      const step = next - alpha[i];
      if (step === 0) continue;
      alpha[i] = next;
      for (let k = 0; k < x.ids.length; k++) w[x.ids[k]] += step * y * x.w[k];
      bias += step * y;
      maxStep = Math.max(maxStep, Math.abs(step));
    }
    if (maxStep < 1e-5) break;
  }
  const out = Float64Array.from(targets, (x) => dense(w, x) + bias);
  for (const { x } of data) for (let k = 0; k < x.ids.length; k++) w[x.ids[k]] = 0;
  return out;
}

function dense(w: Float64Array, x: SparseVector): number {
  let s = 0;
  for (let k = 0; k < x.ids.length; k++) s += w[x.ids[k]] * x.w[k];
  return s;
}

function shuffle(xs: number[], rand: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
}
