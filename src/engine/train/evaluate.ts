import * as tf from '@tensorflow/tfjs-core';
import { disposeBatch, makeBatch, rangeIndices, type Batch, type EvalSet } from '../data/batch';
import type { DatasetInfo, SplitArrays } from '../data/dataset';
import type { LossKind } from '../model/spec';
import type { Model } from '../model/model';
import type { Params } from '../model/params';
import { lossAndCorrect } from './gradients';

export interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
}

/** Sums loss·size and hits over chunks on the device (kept [2] tensor). */
function accumulate(model: Model, params: Params, chunks: Iterable<Batch>, loss: LossKind): tf.Tensor {
  return tf.tidy(() => {
    let lossSum: tf.Tensor = tf.scalar(0);
    let correct: tf.Tensor = tf.scalar(0);
    for (const chunk of chunks) {
      const r = lossAndCorrect(model, params, chunk, loss);
      lossSum = tf.add(lossSum, tf.mul(r.loss, chunk.size));
      correct = tf.add(correct, r.correct);
    }
    return tf.stack([lossSum, correct]);
  });
}

/**
 * Mean loss and accuracy over an evaluation set, chunk by chunk on the device, with a single
 * asynchronous readback at the end. Chunk losses are weighted by chunk size.
 */
export async function evaluate(model: Model, params: Params, set: EvalSet, loss: LossKind = 'cross-entropy'): Promise<Evaluation> {
  const totals = accumulate(model, params, set.chunks, loss);
  const [lossSum, correct] = await totals.data();
  totals.dispose();
  return { loss: lossSum / set.count, accuracy: correct / set.count, count: set.count };
}

/** The same over a whole split, uploading one chunk at a time (e.g. the full training split). */
export async function evaluateSplit(
  model: Model,
  params: Params,
  split: SplitArrays,
  info: DatasetInfo,
  loss: LossKind,
  chunkSize = 2000,
): Promise<Evaluation> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < split.count; start += chunkSize) {
    const chunk = makeBatch(split, info, rangeIndices(start, Math.min(split.count, start + chunkSize)));
    const totals = accumulate(model, params, [chunk], loss);
    disposeBatch(chunk);
    const [l, c] = await totals.data();
    totals.dispose();
    lossSum += l;
    correct += c;
  }
  return { loss: lossSum / split.count, accuracy: correct / split.count, count: split.count };
}
