import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Batch } from '../data/batch';
import { correctCount, softmaxCrossEntropy } from '../model/loss';
import type { Model } from '../model/model';
import { paramList, paramsFromList, type Params } from '../model/params';

export interface LossAndGradients {
  loss: tf.Scalar;
  /** Correctly classified samples of the batch (float32 scalar). */
  correct: tf.Scalar;
  grads: Params;
}

/** Mean cross-entropy of the batch, its gradient with respect to every parameter, and the hit count. All kept. */
export function lossAndGradients(model: Model, params: Params, batch: Batch): LossAndGradients {
  const names = model.params.map((p) => p.name);
  let correct: tf.Scalar | undefined;
  const f = (...tensors: tf.Tensor[]): tf.Scalar => {
    const { logits } = model.forward(paramsFromList(names, tensors), batch.x);
    correct = tf.keep(correctCount(logits, batch.labels));
    return softmaxCrossEntropy(logits, batch.y);
  };
  const { value, grads } = tf.valueAndGrads(f)(paramList(params, names));
  if (!correct) throw new Error('the loss function did not run');
  return { loss: value as tf.Scalar, correct, grads: paramsFromList(names, grads) };
}

/** Loss and hit count without gradients (evaluation). Returns kept scalars. */
export function lossAndCorrect(model: Model, params: Params, batch: Batch): { loss: tf.Scalar; correct: tf.Scalar } {
  return tf.tidy(() => {
    const { logits } = model.forward(params, batch.x);
    return { loss: softmaxCrossEntropy(logits, batch.y), correct: correctCount(logits, batch.labels) };
  });
}
