import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Objective } from '../src/engine/analyses/objective';
import { createRng } from '../src/engine/rng';

/** Q diag(λ) Qᵀ with a seeded random orthogonal Q. */
export function rotatedMatrix(spectrum: number[], seed = 1): number[][] {
  const n = spectrum.length;
  const rng = createRng(seed);
  const g = new Matrix(Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal())));
  const q = new EigenvalueDecomposition(g.mmul(g.transpose()), { assumeSymmetric: true }).eigenvectorMatrix;
  return q.mmul(Matrix.diag(spectrum)).mmul(q.transpose()).to2DArray();
}

/**
 * L_b(θ) = ½ (θ − c_b)ᵀ H (θ − c_b) + f_b in float64: batch b has its own centre (all the same by
 * default), the loss over all batches is their mean. Exact answers for the sharpness measures.
 */
export class QuadraticObjective implements Objective {
  readonly dimension: number;
  readonly counts = { losses: 0, gradients: 0 };
  constructor(
    readonly h: number[][],
    readonly centres: Float64Array[],
  ) {
    this.dimension = h.length;
  }
  get batches(): number {
    return this.centres.length;
  }
  private one(theta: Float64Array, b: number) {
    const d = theta.map((v, i) => v - this.centres[b][i]);
    const hd = this.h.map((row) => row.reduce((acc, v, j) => acc + v * d[j], 0));
    return { loss: 0.5 * hd.reduce((acc, v, i) => acc + v * d[i], 0), gradient: Float64Array.from(hd) };
  }
  private all(theta: Float64Array, batch: number | null) {
    const list = batch === null ? this.centres.map((_, b) => b) : [batch];
    const parts = list.map((b) => this.one(theta, b));
    const gradient = new Float64Array(this.dimension);
    parts.forEach((p) => p.gradient.forEach((v, i) => (gradient[i] += v / parts.length)));
    return { loss: parts.reduce((a, p) => a + p.loss, 0) / parts.length, gradient };
  }
  async loss(theta: Float64Array, batch: number | null): Promise<number> {
    this.counts.losses++;
    return this.all(theta, batch).loss;
  }
  async gradient(theta: Float64Array, batch: number | null) {
    this.counts.gradients++;
    return this.all(theta, batch);
  }
}

export function largestEigenvalue(m: number[][]): number {
  return Math.max(...new EigenvalueDecomposition(new Matrix(m), { assumeSymmetric: true }).realEigenvalues);
}
