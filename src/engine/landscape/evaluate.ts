import * as tf from '@tensorflow/tfjs-core';
import type { EvalSet } from '../data/batch';
import { rowLosses, type LossKind } from '../model/loss';
import type { Model } from '../model/model';
import { disposeParams } from '../model/params';
import { evaluate } from '../train/evaluate';
import type { AffineFamily } from './family';

/** Mean loss and accuracy on the evaluation subset at each point, in the order given. */
export interface PointValues {
  loss: Float64Array;
  accuracy: Float64Array;
}

/** Largest intermediate of one dispatch, in floats (a few such tensors are alive at once). */
const DISPATCH_FLOATS = 2 ** 24;
/** Largest first-layer output of one evaluation chunk, in floats. */
const CHUNK_FLOATS = 2 ** 22;

/** Size of the first layer's output per sample (e.g. 128 for dense1, 28·28·16 for conv1). */
export function firstLayerWidth(model: Model): number {
  return tf.tidy(() => {
    const x = tf.zeros([1, ...model.inputShape]) as tf.Tensor4D;
    const kernel = tf.zeros(model.params.find((p) => p.name === model.firstLayer.kernel)!.shape);
    return model.firstLinear(x, kernel).size;
  });
}

/** Evaluation chunk size that keeps a chunk's first-layer output within budget (the fast path keeps J + 1 of them). */
export function landscapeChunkSize(model: Model): number {
  return Math.max(16, Math.min(1000, Math.floor(CHUNK_FLOATS / firstLayerWidth(model))));
}

/**
 * The reference: the per-point loop of the Python loss-landscape tool. For each point, form the
 * weights, evaluate the whole subset, read the result back, go to the next point.
 */
export async function evaluatePointsNaive(model: Model, family: AffineFamily, set: EvalSet, coords: readonly number[][], loss: LossKind): Promise<PointValues> {
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
 * The fast path. The first layer is linear in its kernel, so for each chunk of the subset it
 * computes f(X, K0), f(X, D1), f(X, D2) once and forms every point's first-layer pre-activation as
 * their linear combination (one matmul); the rest of the network runs for K points per dispatch
 * with batched weights [K, ...]. Sums stay on the device; one readback at the end.
 */
export async function evaluatePointsFast(model: Model, family: AffineFamily, set: EvalSet, coords: readonly number[][], loss: LossKind, pointsPerDispatch?: number): Promise<PointValues> {
  const { kernel: firstKernel, bias: firstBias } = model.firstLayer;
  const others = model.params.map((p) => p.name).filter((name) => name !== firstKernel);
  const J = family.dimensions;
  let blocks: number[][][] | null = null;
  let sums: (tf.Tensor | null)[] = [];
  for (const chunk of set.chunks) {
    const basis = tf.tidy(() => {
      const parts = [model.firstLinear(chunk.x, family.origin[firstKernel]), ...Array.from({ length: J }, (_, j) => model.firstLinear(chunk.x, family.direction(j, firstKernel)))];
      return { shape: parts[0].shape.slice(1), stacked: tf.stack(parts.map((p) => tf.reshape(p, [-1]))) as tf.Tensor2D };
    });
    if (!blocks) {
      const perPoint = basis.stacked.shape[1];
      const size = pointsPerDispatch ?? Math.max(1, Math.min(64, Math.floor(DISPATCH_FLOATS / perPoint)));
      blocks = [];
      for (let s = 0; s < coords.length; s += size) blocks.push(coords.slice(s, s + size) as number[][]);
      sums = blocks.map(() => null);
    }
    blocks.forEach((block, b) => {
      const total = tf.tidy(() => {
        const coef = tf.tensor2d(block.flat(), [block.length, J]);
        const params = family.batched(coef, others);
        const combination = tf.concat([tf.ones([block.length, 1]), coef], 1);
        const bias = tf.reshape(params[firstBias], [block.length, 1, ...basis.shape.map(() => 1).slice(1), -1]);
        const pre = tf.add(tf.reshape(tf.matMul(combination, basis.stacked), [block.length, chunk.size, ...basis.shape]), bias);
        const logits = model.logitsFromFirst(params, pre);
        const lossSum = tf.sum(rowLosses(loss, logits, chunk.y), 1);
        const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 2), chunk.labels), 'float32'), 1);
        const both = tf.stack([lossSum, correct]);
        return sums[b] ? tf.add(sums[b]!, both) : both;
      });
      sums[b]?.dispose();
      sums[b] = total;
    });
    basis.stacked.dispose();
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
