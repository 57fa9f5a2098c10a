import * as tf from '@tensorflow/tfjs-core';

export const LOSSES = {
  'cross-entropy': { label: 'cross-entropy', help: 'Mean softmax cross-entropy of the logits against the labels.' },
  mse: { label: 'squared error', help: 'Mean over samples of ½‖z − y‖², z the logits and y the one-hot label.' },
} as const;

export type LossKind = keyof typeof LOSSES;

/** Mean softmax cross-entropy of logits [n, d] against one-hot targets [n, d]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)));
}

/** Mean over samples of ½‖z − y‖². */
export function halfSquaredError(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.mul(tf.mean(tf.sum(tf.square(tf.sub(logits, oneHot)), 1)), 0.5);
}

export function dataLoss(kind: LossKind, logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return kind === 'mse' ? halfSquaredError(logits, oneHot) : softmaxCrossEntropy(logits, oneHot);
}

/** Number of rows whose arg-max equals the label (a float32 scalar, read back later). */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
}
