/**
 * SOS: stochastic optimum shifting ("Optimum Shifting to Stabilize Training and Improve Generalization of
 * Deep Neural Networks", §3.3 and Algorithm 1; docs/ALGORITHMS.md, "SOS").
 * On b2 training samples with features Φ (b2 x m) and logits without bias Z = Φ Wᵀ, replace W by
 * the minimum-Frobenius-norm W* with Φ W*ᵀ = Z:  W* = W P,  P = Φᵀ (Φ Φᵀ)⁺ Φ, the projector onto the
 * row space of Φ. The bias is unchanged. Dependent rows are handled by a rank-revealing
 * eigendecomposition of the small b2 x b2 Gram matrix G = Φ Φᵀ on the CPU (ml-matrix), in float64:
 * with G = V Λ Vᵀ and Q = Φᵀ V_r Λ_r^(−1/2) (orthonormal columns), P = Q Qᵀ and K* = Q (Qᵀ K) for the
 * head kernel K = Wᵀ [m, d]; the device computes Φ and the final product.
 * Invariants: logits on the b2 samples unchanged; ‖W*‖_F ≤ ‖W‖_F; applying it twice changes nothing.
 * Only changes W when b2 < m (under-determined).
 */
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Batch } from '../data/batch';
import type { Model } from '../model/model';
import { HEAD_KERNEL, type Params } from '../model/params';

/** Eigenvalues below this fraction of the largest count as zero (rank revelation). */
export const SOS_RELATIVE_TOLERANCE = 1e-10;

export interface ShiftOutcome {
  /** The new head kernel (kept), or null when nothing changed. */
  kernel: tf.Tensor2D | null;
  changed: boolean;
  reason?: string;
  rank: number;
  samples: number;
  features: number;
  headNormBefore: number;
  headNormAfter: number;
}

/** An orthonormal basis (m x r, float64) of the row space of Φ (b2 x m), through the eigendecomposition of ΦΦᵀ. */
export function rowSpaceBasis(
  phi: Float64Array,
  b2: number,
  m: number,
  tolerance = SOS_RELATIVE_TOLERANCE,
): { basis: Float64Array; rank: number } {
  const gram = new Matrix(b2, b2);
  for (let i = 0; i < b2; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let c = 0; c < m; c++) sum += phi[i * m + c] * phi[j * m + c];
      gram.set(i, j, sum);
      gram.set(j, i, sum);
    }
  }
  const eig = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const vectors = eig.eigenvectorMatrix;
  const largest = Math.max(0, ...values);
  const kept = values.map((v, i) => ({ v, i })).filter(({ v }) => largest > 0 && v > tolerance * largest);
  const rank = kept.length;
  const basis = new Float64Array(m * rank);
  kept.forEach(({ v, i }, col) => {
    const scale = 1 / Math.sqrt(v);
    for (let c = 0; c < m; c++) {
      let sum = 0;
      for (let r = 0; r < b2; r++) sum += phi[r * m + c] * vectors.get(r, i);
      basis[c * rank + col] = sum * scale;
    }
  });
  return { basis, rank };
}

/** Computes W* for the head on a batch of b2 samples. Does not modify `params`. */
export async function optimumShift(model: Model, params: Params, batch: Batch): Promise<ShiftOutcome> {
  const kernel = params[HEAD_KERNEL] as tf.Tensor2D;
  const [m] = kernel.shape;
  const b2 = batch.size;
  const normBefore = tf.tidy(() => tf.norm(kernel));
  const headNormBefore = (await normBefore.data())[0];
  normBefore.dispose();
  const unchanged = (reason: string, rank = 0): ShiftOutcome => ({
    kernel: null,
    changed: false,
    reason,
    rank,
    samples: b2,
    features: m,
    headNormBefore,
    headNormAfter: headNormBefore,
  });
  if (b2 >= m) {
    return unchanged(
      `b2 = ${b2} samples ≥ m = ${m} features: the system Φ W*ᵀ = Z is not under-determined, so W ` +
        `stays as it is. Use fewer samples than features.`,
    );
  }
  const features = tf.tidy(() => model.forward(params, batch.x).features);
  const phi = Float64Array.from(await features.data());
  features.dispose();
  const { basis, rank } = rowSpaceBasis(phi, b2, m);
  if (rank === 0) return unchanged('all features of the SOS samples are zero (dead units): no constraint to keep, W left as it is');
  const next = tf.tidy(() => {
    const q = tf.tensor2d(Float32Array.from(basis), [m, rank]);
    return tf.matMul(q, tf.matMul(q, kernel, true, false)) as tf.Tensor2D;
  });
  const normAfter = tf.tidy(() => tf.norm(next));
  const headNormAfter = (await normAfter.data())[0];
  normAfter.dispose();
  return { kernel: next, changed: true, rank, samples: b2, features: m, headNormBefore, headNormAfter };
}
