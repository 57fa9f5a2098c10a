import * as tf from '@tensorflow/tfjs-core';
import type { EvalSet } from '../data/batch';
import { rowLosses } from '../model/loss';
import { type LossKind } from '../model/spec';
import type { Model } from '../model/model';
import { disposeParams } from '../model/paramTensors';
import { evaluate } from '../train/evaluate';
import type { AffineFamily } from './family';

/** Mean loss and accuracy on the evaluation subset at each point, in the order given. */
export interface PointValues {
  loss: Float64Array;
  accuracy: Float64Array;
}

/** Largest intermediate of one dispatch, in floats (a few such tensors are alive at once). */
const DISPATCH_FLOATS = 2 ** 24;
/**
 * The reference: the per-point loop of the Python loss-landscape tool. For each point, form the
 * weights, evaluate the whole subset, read the result back, go to the next point.
 */
export async function evaluatePointsNaive(
  model: Model,
  family: AffineFamily,
  set: EvalSet,
  coords: readonly number[][],
  loss: LossKind,
): Promise<PointValues> {
  const out: PointValues = { loss: new Float64Array(coords.length), accuracy: new Float64Array(coords.length) };
  for (let k = 0; k < coords.length; k++) {
    const params = family.at(coords[k]);
    const r = await evaluate(model, params, set, loss);
    disposeParams(params);
    out.loss[k] = r.loss;
    out.accuracy[k] = r.accuracy;
  }
  return out;
}

/**
 * Points per dispatch: on GPU backends many (the per-dispatch overhead dominates and batched matmul
 * is native), within a memory budget; on the CPU backends one, because tfjs-wasm's batched matmul
 * with a batch of weight matrices is about 12x slower than the same work as one 2D matmul.
 */
export function defaultPointsPerDispatch(floatsPerPoint: number): number {
  const gpu = ['webgl', 'webgpu'].includes(tf.getBackend());
  return gpu ? Math.max(1, Math.min(64, Math.floor(DISPATCH_FLOATS / floatsPerPoint))) : 1;
}

/** θ's first-layer pre-activation at K points: Y0 + Σ_j c_kj Y_j + bias_k, shaped [K, n, ...]. */
function combineFirstLayer(parts: tf.Tensor[], block: readonly number[][], bias: tf.Tensor, shape: number[]): tf.Tensor {
  const sets = block.length;
  if (sets === 1) {
    const point = block[0].reduce<tf.Tensor>((acc, c, j) => tf.add(acc, tf.mul(parts[j + 1], c)), parts[0]);
    return tf.add(tf.reshape(point, [1, ...shape]), tf.reshape(bias, [1, 1, ...shape.slice(2).map(() => 1), -1]));
  }
  // Σ_j c_kj Y_j as broadcast products, not one matMul [K, J+1] x [J+1, N]: with a convolution's
  // N = samples x height x width x channels (millions) that matMul's dispatch exceeds WebGPU's
  // 65,535 workgroups per dimension; elementwise kernels split their dispatch across dimensions.
  const coefficient = (j: number) => tf.reshape(tf.tensor1d(block.map((c) => (j === 0 ? 1 : c[j - 1]))), [sets, 1]);
  const combined = tf.addN(parts.map((part, j) => tf.mul(coefficient(j), tf.reshape(part, [1, -1]))));
  return tf.add(tf.reshape(combined, [sets, ...shape]), tf.reshape(bias, [sets, 1, ...shape.slice(2).map(() => 1), -1]));
}

/**
 * On the CPU backends a first layer with a small fan-in (e.g. a 3 x 3 convolution of a one-channel
 * image: 9 multiply-adds per output) is cheaper to recompute per point than to combine from J + 1
 * precomputed outputs, which costs J + 1 multiply-adds and memory traffic per output.
 */
function recomputesFirstLayer(model: Model, dimensions: number): boolean {
  if (['webgl', 'webgpu'].includes(tf.getBackend())) return false;
  const shape = model.params.find((p) => p.name === model.firstLayer.kernel)!.shape;
  return shape.slice(0, -1).reduce((a, b) => a * b, 1) <= 4 * (dimensions + 1);
}

/**
 * The fast path. The first layer is linear in its kernel, so for each chunk of the subset it
 * computes f(X, K0), f(X, D1), f(X, D2) once and forms every point's first-layer pre-activation as
 * their linear combination; the rest of the network runs for K points per dispatch with batched
 * weights [K, ...]. Sums stay on the device; one readback at the end.
 */
export async function evaluatePointsFast(
  model: Model,
  family: AffineFamily,
  set: EvalSet,
  coords: readonly number[][],
  loss: LossKind,
  pointsPerDispatch?: number,
): Promise<PointValues> {
  const { kernel: firstKernel, bias: firstBias } = model.firstLayer;
  const others = model.params.map((p) => p.name).filter((name) => name !== firstKernel);
  const J = family.dimensions;
  const recompute = pointsPerDispatch === undefined && recomputesFirstLayer(model, J);
  let blocks: number[][][] | null = null;
  let sums: (tf.Tensor | null)[] = [];
  for (const chunk of set.chunks) {
    const kernels = recompute ? [] : [family.origin[firstKernel], ...Array.from({ length: J }, (_, j) => family.direction(j, firstKernel))];
    const parts = tf.tidy(() => kernels.map((kernel) => model.firstLinear(chunk.x, kernel)));
    const flat = parts.map((p) => tf.reshape(p, [-1]));
    if (!blocks) {
      const size = recompute ? 1 : (pointsPerDispatch ?? defaultPointsPerDispatch(flat[0].size));
      blocks = [];
      for (let s = 0; s < coords.length; s += size) blocks.push(coords.slice(s, s + size) as number[][]);
      sums = blocks.map(() => null);
    }
    blocks.forEach((block, b) => {
      const total = tf.tidy(() => {
        let logits: tf.Tensor3D;
        if (recompute) {
          logits = tf.expandDims(model.forward(family.at(block[0]), chunk.x).logits, 0) as tf.Tensor3D;
        } else {
          const params = family.batched(block, others);
          logits = model.logitsFromFirst(
            params,
            combineFirstLayer(flat, block, params[firstBias], [chunk.size, ...parts[0].shape.slice(1)]),
          );
        }
        const lossSum = tf.sum(rowLosses(loss, logits, chunk.y), 1);
        const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 2), chunk.labels), 'float32'), 1);
        const both = tf.stack([lossSum, correct]);
        return sums[b] ? tf.add(sums[b]!, both) : both;
      });
      sums[b]?.dispose();
      sums[b] = total;
    });
    tf.dispose([...parts, ...flat]);
  }
  const out: PointValues = { loss: new Float64Array(coords.length), accuracy: new Float64Array(coords.length) };
  if (coords.length === 0 || !blocks) return out;
  const packed = tf.concat(sums as tf.Tensor[], 1);
  tf.dispose(sums as tf.Tensor[]);
  const values = await packed.data();
  packed.dispose();
  for (let k = 0; k < coords.length; k++) {
    out.loss[k] = values[k] / set.count;
    out.accuracy[k] = values[coords.length + k] / set.count;
  }
  return out;
}
