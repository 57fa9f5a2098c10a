import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { EvalSet } from '../data/batch';
import { dataLoss } from '../model/loss';
import { type LossKind } from '../model/spec';
import { FrozenActivations } from '../model/activations';
import type { Model } from '../model/model';
import { paramSize, paramsFromList } from '../model/params';
import type { HostParams } from '../model/params';
import { norm, type SymmetricOperator } from './operator';

/**
 * Relative size of the finite-difference step: ε‖v‖ = STEP · max(‖θ‖, 1). With the activation
 * pattern frozen the loss is smooth in θ, so central differences have truncation error O(ε²) and
 * float32 rounding error O(1e-7 · ‖g‖ / ε); at 1e-3 of the weight norm both stay below about
 * 1e-4 relative on the tests' quadratics and tiny networks (asymmetry of a built Hessian ~1e-4).
 */
export const RELATIVE_STEP = 1e-3;

/**
 * The Hessian of the mean training loss on a fixed evaluation subset, as an operator:
 * Hv ≈ (∇L(θ + εv) − ∇L(θ − εv)) / 2ε (docs/ALGORITHMS.md, "Hessian-vector products": nested tf.grad is silently wrong through
 * tanh, exp and softmax, so no second-order autodiff). Both gradients use the ReLU and max-pool
 * pattern recorded at θ: otherwise every kink crossed between θ ± εv adds a jump of order 1/ε,
 * which on small subsets made the result neither linear nor symmetric. Vectors are flattened in
 * the model's parameter order. Counts HVPs and gradient evaluations.
 */
export class HessianOperator implements SymmetricOperator {
  readonly dimension: number;
  hvps = 0;
  gradients = 0;
  private readonly names: string[];
  private readonly theta: tf.Tensor[];
  private readonly thetaNorm: number;
  private readonly patterns: FrozenActivations[];

  constructor(
    private readonly model: Model,
    weights: HostParams,
    private readonly set: EvalSet,
    private readonly loss: LossKind,
    private readonly relativeStep = RELATIVE_STEP,
  ) {
    this.names = model.params.map((p) => p.name);
    this.theta = model.params.map((p) => tf.keep(tf.tensor(weights[p.name], p.shape, 'float32')));
    this.dimension = model.params.reduce((acc, p) => acc + paramSize(p.shape), 0);
    this.thetaNorm = Math.sqrt(this.names.reduce((acc, name) => acc + weights[name].reduce((s, v) => s + v * v, 0), 0));
    this.patterns = set.chunks.map((chunk) => {
      const pattern = new FrozenActivations();
      tf.tidy(() => {
        model.forward(paramsFromList(this.names, this.theta), chunk.x, pattern);
      });
      pattern.freeze();
      return pattern;
    });
  }

  /** Σ over chunks of (n_c / N) ∇L_c at the given weights, flattened on the device. */
  private gradient(at: tf.Tensor[]): tf.Tensor1D {
    this.gradients++;
    return tf.tidy(() => {
      let total: tf.Tensor1D | null = null;
      for (const [c, chunk] of this.set.chunks.entries()) {
        const weight = chunk.size / this.set.count;
        const f = (...ts: tf.Tensor[]) =>
          tf.mul(
            dataLoss(this.loss, this.model.forward(paramsFromList(this.names, ts), chunk.x, this.patterns[c]).logits, chunk.y),
            weight,
          ) as tf.Scalar;
        const flat = tf.concat(
          tf
            .grads(f)(at)
            .map((g) => tf.reshape(g, [-1])),
        ) as tf.Tensor1D;
        total = total ? tf.add(total, flat) : flat;
      }
      return total!;
    });
  }

  /** ∇L(θ) flattened (for tests and read-outs). */
  async gradientAtTheta(): Promise<Float64Array> {
    const g = this.gradient(this.theta);
    const values = Float64Array.from(await g.data());
    g.dispose();
    return values;
  }

  /** The step ε used for a vector of norm ‖v‖. */
  step(vNorm: number): number {
    return (this.relativeStep * Math.max(this.thetaNorm, 1)) / vNorm;
  }

  async apply(v: Float64Array): Promise<Float64Array> {
    if (v.length !== this.dimension) throw new Error(`vector of length ${v.length} for a Hessian of dimension ${this.dimension}`);
    const vNorm = norm(v);
    if (vNorm === 0) return new Float64Array(this.dimension);
    const eps = this.step(vNorm);
    this.hvps++;
    const hv = tf.tidy(() => {
      const direction = tf.tensor1d(Float32Array.from(v));
      let offset = 0;
      const pieces = this.model.params.map((p) => {
        const size = paramSize(p.shape);
        const piece = tf.reshape(tf.slice(direction, offset, size), p.shape);
        offset += size;
        return piece;
      });
      const plus = this.gradient(this.theta.map((t, i) => tf.add(t, tf.mul(pieces[i], eps))));
      const minus = this.gradient(this.theta.map((t, i) => tf.sub(t, tf.mul(pieces[i], eps))));
      return tf.div(tf.sub(plus, minus), 2 * eps);
    });
    const values = Float64Array.from(await hv.data());
    hv.dispose();
    return values;
  }

  dispose(): void {
    tf.dispose(this.theta);
    this.patterns.forEach((p) => p.dispose());
  }
}
