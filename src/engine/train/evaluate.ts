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

/** Running sums of loss·size and hits on the device. */
export interface RunningSums {
  lossSum: tf.Scalar;
  correct: tf.Scalar;
}

/** Adds one chunk to the running sums (null: from zero); the old sums are disposed. */
export function addChunk(model: Model, params: Params, chunk: Batch, loss: LossKind, running: RunningSums | null): RunningSums {
  const next = tf.tidy(() => {
    const r = lossAndCorrect(model, params, chunk, loss);
    const lossSum = tf.add(running?.lossSum ?? tf.scalar(0), tf.mul(r.loss, chunk.size)) as tf.Scalar;
    const correct = tf.add(running?.correct ?? tf.scalar(0), r.correct) as tf.Scalar;
    return { lossSum, correct };
  });
  if (running) tf.dispose([running.lossSum, running.correct]);
  return next;
}

/** Mean loss and accuracy from running sums over `count` samples (disposes the sums). */
export async function readSums(running: RunningSums | null, count: number): Promise<Evaluation> {
  if (!running) return { loss: NaN, accuracy: NaN, count: 0 };
  const totals = tf.stack([running.lossSum, running.correct]);
  tf.dispose([running.lossSum, running.correct]);
  const [lossSum, correct] = await totals.data();
  totals.dispose();
  return { loss: lossSum / count, accuracy: correct / count, count };
}

/** Sums loss·size and hits over chunks on the device (kept [2] tensor), chunk by chunk as addChunk. */
function accumulate(model: Model, params: Params, chunks: Iterable<Batch>, loss: LossKind): tf.Tensor {
  let running: RunningSums | null = null;
  for (const chunk of chunks) running = addChunk(model, params, chunk, loss, running);
  const sums = running ?? { lossSum: tf.scalar(0), correct: tf.scalar(0) };
  const totals = tf.stack([sums.lossSum, sums.correct]);
  tf.dispose([sums.lossSum, sums.correct]);
  return totals;
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
