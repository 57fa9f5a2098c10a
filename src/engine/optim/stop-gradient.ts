import * as tf from '@tensorflow/tfjs-core';

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

const stop = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as CustomGradientFunc);

/** Identity in the forward pass, zero gradient in the backward pass (tfjs has no tf.stopGradient). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
