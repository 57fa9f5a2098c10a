import * as tf from '@tensorflow/tfjs-core';
import type { LossKind } from './spec';

/** The loss of every row of logits [..., d] against one-hot targets broadcastable to them: shape [...]. */
export function rowLosses(kind: LossKind, logits: tf.Tensor, oneHot: tf.Tensor): tf.Tensor {
  const last = logits.rank - 1;
  if (kind === 'mse') return tf.mul(tf.sum(tf.square(tf.sub(logits, oneHot)), last), 0.5);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits, last)), last));
}

/** Mean softmax cross-entropy of logits [n, d] against one-hot targets [n, d]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.mean(rowLosses('cross-entropy', logits, oneHot));
}

/** Mean over samples of ½‖z − y‖². */
export function halfSquaredError(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.mean(rowLosses('mse', logits, oneHot));
}

export function dataLoss(kind: LossKind, logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return kind === 'mse' ? halfSquaredError(logits, oneHot) : softmaxCrossEntropy(logits, oneHot);
}

/** Number of rows whose arg-max equals the label (a float32 scalar, read back later). */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
}
