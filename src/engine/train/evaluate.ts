import * as tf from '@tensorflow/tfjs-core';
import type { EvalSet } from '../data/batch';
import type { Model } from '../model/model';
import type { Params } from '../model/params';
import { lossAndCorrect } from './gradients';

export interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
}

/**
 * Mean loss and accuracy over an evaluation set, chunk by chunk on the device, with a single
 * asynchronous readback at the end. Chunk losses are weighted by chunk size.
 */
export async function evaluate(model: Model, params: Params, set: EvalSet): Promise<Evaluation> {
  const totals = tf.tidy(() => {
    let lossSum: tf.Tensor = tf.scalar(0);
    let correct: tf.Tensor = tf.scalar(0);
    for (const chunk of set.chunks) {
      const r = lossAndCorrect(model, params, chunk);
      lossSum = tf.add(lossSum, tf.mul(r.loss, chunk.size));
      correct = tf.add(correct, r.correct);
    }
    return tf.stack([lossSum, correct]);
  });
  const [lossSum, correct] = await totals.data();
  totals.dispose();
  return { loss: lossSum / set.count, accuracy: correct / set.count, count: set.count };
}
