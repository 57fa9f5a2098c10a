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
import { CancelledError, DIRECT_CONTROL, type JobControl } from '../control';

/**
 * Relative size of the finite-difference step: ε‖v‖ = STEP · max(‖θ‖, 1). With the activation
 * pattern frozen the loss is smooth in θ, so the central difference has a truncation error that
 * falls as ε² and a float32 rounding error that rises as 1/ε. Measured on trained default models
 * (`npm run hvp-accuracy`, against a Romberg extrapolation): at 1e-3 λ1 and λ2 were 1-2e-3 low;
 * at 1e-4 their error is 0.8-2.7e-5 on the MLP and the CNN, the bottom of the curve (at 3e-5
 * rounding already dominates). Richardson extrapolation reaches ~3e-6 but costs 4 gradients,
 * not 2; 1e-4 meets the 1e-4 target at 2.
 */
export const RELATIVE_STEP = 1e-4;

/** Most floats of first-layer pre-activations an operator keeps from θ (64 MiB); beyond, they are recomputed. */
const PRE_CACHE_FLOATS = 2 ** 24;

/**
 * The Hessian of the mean training loss on a fixed evaluation subset, as an operator:
 * Hv ≈ (∇L(θ + εv) − ∇L(θ − εv)) / 2ε (docs/ALGORITHMS.md, "Hessian-vector products": nested tf.grad is silently wrong through
 * tanh, exp and softmax, so no second-order autodiff). Both gradients use the ReLU and max-pool
 * pattern recorded at θ: otherwise every kink crossed between θ ± εv adds a jump of order 1/ε,
 * which on small subsets made the result neither linear nor symmetric. Vectors are flattened in
 * the model's parameter order. Counts HVPs and gradient evaluations.
 *
 * The first layer is linear in its kernel, so its pre-activation at θ ± εv is P ± εD with
 * P = X·W₁ + b₁ (kept from θ) and D = X·V₁ + v_b (once per product), and its kernel's share of
 * the difference of the two gradients is one adjoint product Xᵀ·(dP₊ − dP₋). That is two products
 * with the data instead of four: the step from a 12x to a 2x gap with PyTorch on the MLP.
 */
export class HessianOperator implements SymmetricOperator {
  readonly dimension: number;
  hvps = 0;
  gradients = 0;
  private readonly names: string[];
  private readonly theta: tf.Tensor[];
  private readonly thetaNorm: number;
  /** Chunk c's ReLU and max-pool pattern at θ, recorded on its first use (so that cost is spread over pieces too). */
  private readonly patterns: (FrozenActivations | null)[];
  /** Index of the first layer's kernel and bias in `names`, and of every other parameter. */
  private readonly first: { kernel: number; bias: number };
  private readonly rest: number[];
  /** P = firstLinear(x, W₁) + b₁ per chunk at θ, when all of them fit PRE_CACHE_FLOATS. */
  private readonly pres: tf.Tensor[] | null;

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
    this.patterns = set.chunks.map(() => null);
    this.first = { kernel: this.names.indexOf(model.firstLayer.kernel), bias: this.names.indexOf(model.firstLayer.bias) };
    this.rest = this.names.map((_, i) => i).filter((i) => i !== this.first.kernel && i !== this.first.bias);
    this.pres = null;
    const pres = set.chunks.map((chunk) => tf.keep(this.preAt(chunk.x, this.theta)));
    if (pres.reduce((acc, t) => acc + t.size, 0) <= PRE_CACHE_FLOATS) this.pres = pres;
    else tf.dispose(pres);
  }

  private patternOf(c: number): FrozenActivations {
    const recorded = this.patterns[c];
    if (recorded) return recorded;
    const pattern = new FrozenActivations();
    tf.tidy(() => {
      this.model.forward(paramsFromList(this.names, this.theta), this.set.chunks[c].x, pattern);
    });
    pattern.freeze();
    this.patterns[c] = pattern;
    return pattern;
  }

  /** The first layer's pre-activation with its bias at the given (or direction's) parameters. */
  private preAt(x: tf.Tensor4D, at: readonly tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(this.model.firstLinear(x, at[this.first.kernel]), at[this.first.bias]));
  }

  /** Σ over chunks of (n_c / N) ∇L_c at the given weights, flattened on the device. */
  private gradient(at: tf.Tensor[]): tf.Tensor1D {
    this.gradients++;
    return tf.tidy(() => {
      let total: tf.Tensor1D | null = null;
      for (const [c, chunk] of this.set.chunks.entries()) {
        const weight = chunk.size / this.set.count;
        const pattern = this.patternOf(c);
        const f = (...ts: tf.Tensor[]) =>
          tf.mul(
            dataLoss(this.loss, this.model.forward(paramsFromList(this.names, ts), chunk.x, pattern).logits, chunk.y),
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

  apply(v: Float64Array): Promise<Float64Array> {
    return this.applyInPieces(v, DIRECT_CONTROL);
  }

  /**
   * (∇L(θ + εv) − ∇L(θ − εv)) / 2ε, one chunk of the samples per piece of `control` (so a tracking
   * slice on a CNN is a chunk, not a whole product); the last piece also reads the result back.
   */
  async applyInPieces(v: Float64Array, control: JobControl): Promise<Float64Array> {
    if (v.length !== this.dimension) throw new Error(`vector of length ${v.length} for a Hessian of dimension ${this.dimension}`);
    const vNorm = norm(v);
    if (vNorm === 0) return new Float64Array(this.dimension);
    const eps = this.step(vNorm);
    this.hvps++;
    this.gradients += 2;
    const vParts = tf.tidy(() => {
      const direction = tf.tensor1d(Float32Array.from(v));
      let offset = 0;
      return this.model.params.map((p) => {
        const size = paramSize(p.shape);
        const part = tf.reshape(tf.slice(direction, offset, size), p.shape);
        offset += size;
        return part;
      });
    });
    const plusRest = tf.tidy(() => this.rest.map((i) => tf.add(this.theta[i], tf.mul(vParts[i], eps))));
    const minusRest = tf.tidy(() => this.rest.map((i) => tf.sub(this.theta[i], tf.mul(vParts[i], eps))));
    let sums: tf.Tensor[] | null = null;
    let values: Float64Array | null = null;
    try {
      for (let c = 0; c < this.set.chunks.length; c++) {
        await control.exclusive(async () => {
          const previous: tf.Tensor[] | null = sums;
          sums = tf.tidy(() => {
            const part = this.chunkDifference(c, vParts, plusRest, minusRest, eps);
            return previous ? part.map((t, i) => tf.add(previous[i], t)) : part;
          });
          if (previous) tf.dispose(previous);
          if (c < this.set.chunks.length - 1) return;
          const done: tf.Tensor[] = sums;
          const hv = tf.tidy(() => tf.div(tf.concat(done.map((g) => tf.reshape(g, [-1]))), 2 * eps));
          values = Float64Array.from(await hv.data());
          hv.dispose();
        });
      }
    } finally {
      tf.dispose([...vParts, ...plusRest, ...minusRest, ...(sums ?? [])]);
    }
    if (!values) throw new CancelledError();
    return values;
  }

  /** Chunk c's weighted share of ∇L(θ + εv) − ∇L(θ − εv), per parameter, with v given per parameter. */
  private chunkDifference(c: number, vParts: tf.Tensor[], plusRest: tf.Tensor[], minusRest: tf.Tensor[], eps: number): tf.Tensor[] {
    const chunk = this.set.chunks[c];
    const restNames = this.rest.map((i) => this.names[i]);
    const weight = chunk.size / this.set.count;
    const pattern = this.patternOf(c);
    const pre = this.pres ? this.pres[c] : this.preAt(chunk.x, this.theta);
    const shift = tf.mul(this.preAt(chunk.x, vParts), eps);
    const lossAt = (p: tf.Tensor, rest: tf.Tensor[]) =>
      dataLoss(this.loss, this.model.logitsFromPre(paramsFromList(restNames, rest), p, pattern), chunk.y);
    const r = this.rest.length;
    const f = (plusPre: tf.Tensor, minusPre: tf.Tensor, ...both: tf.Tensor[]) =>
      tf.mul(tf.sub(lossAt(plusPre, both.slice(0, r)), lossAt(minusPre, both.slice(r))), weight) as tf.Scalar;
    const grads = tf.grads(f)([tf.add(pre, shift), tf.sub(pre, shift), ...plusRest, ...minusRest]);
    // The loss at θ − εv enters with a minus sign, so each sum of a pair is a difference.
    const dPre = tf.add(grads[0], grads[1]);
    const part = new Array<tf.Tensor>(this.names.length);
    part[this.first.kernel] = this.model.firstKernelGradient(chunk.x, dPre);
    part[this.first.bias] = tf.sum(tf.reshape(dPre, [-1, dPre.shape[dPre.rank - 1]]), 0);
    this.rest.forEach((i, j) => (part[i] = tf.add(grads[2 + j], grads[2 + r + j])));
    return part;
  }

  dispose(): void {
    tf.dispose(this.theta);
    if (this.pres) tf.dispose(this.pres);
    this.patterns.forEach((p) => p?.dispose());
  }
}
