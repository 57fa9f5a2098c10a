import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/batch';
import { correctCount, dataLoss } from '../model/loss';
import { type LossKind } from '../model/spec';
import type { Model } from '../model/model';
import type { Params } from '../model/params';

/** Loss and hit count without gradients (evaluation). Returns kept scalars. */
export function lossAndCorrect(
  model: Model,
  params: Params,
  batch: Batch,
  loss: LossKind = 'cross-entropy',
): { loss: tf.Scalar; correct: tf.Scalar } {
  return tf.tidy(() => {
    const { logits } = model.forward(params, batch.x);
    return { loss: dataLoss(loss, logits, batch.y), correct: correctCount(logits, batch.labels) };
  });
}
