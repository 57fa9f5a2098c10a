import * as tf from '@tensorflow/tfjs-core';
import { FREE_ACTIVATIONS, type Activations } from './activations';
import { batchedDense, denseParams, type Model } from './model';
import { HEAD_BIAS, HEAD_KERNEL } from './params';
import type { Params } from './params';
import type { MlpSpec } from './spec';

/** Flatten, then ReLU dense layers dense1..denseN, then the linear head. */
export function createMlp(spec: MlpSpec, inputShape: [number, number, number], classes: number): Model {
  const inputSize = inputShape[0] * inputShape[1] * inputShape[2];
  const widths = [inputSize, ...spec.hidden];
  const hidden = spec.hidden.flatMap((w, i) => denseParams(`dense${i + 1}`, widths[i], w, 'he-normal'));
  const featureSize = widths[widths.length - 1];
  const layers = [...spec.hidden.map((_, i) => `dense${i + 1}`), 'head'];
  const flatten = (x: tf.Tensor4D) => tf.reshape(x, [x.shape[0], inputSize]) as tf.Tensor2D;
  const [firstKernel, firstBias] = [`${layers[0]}/kernel`, `${layers[0]}/bias`];
  /** The layers after the first; a linear model (no hidden layer) has its input as features. */
  const fromPre = (params: Params, pre: tf.Tensor, act: Activations, input: tf.Tensor2D | null) => {
    if (spec.hidden.length === 0) return { features: input ?? (pre as tf.Tensor2D), logits: pre as tf.Tensor2D };
    let h = act.relu(pre, 'dense1') as tf.Tensor2D;
    for (let i = 2; i <= spec.hidden.length; i++) {
      h = act.relu(tf.add(tf.matMul(h, params[`dense${i}/kernel`] as tf.Tensor2D), params[`dense${i}/bias`]), `dense${i}`) as tf.Tensor2D;
    }
    const logits = tf.add(tf.matMul(h, params[HEAD_KERNEL] as tf.Tensor2D), params[HEAD_BIAS]) as tf.Tensor2D;
    return { features: h, logits };
  };
  return {
    spec,
    inputShape,
    classes,
    featureSize,
    params: [...hidden, ...denseParams('head', featureSize, classes, 'lecun-normal')],
    forward(params: Params, x: tf.Tensor4D, act: Activations = FREE_ACTIVATIONS) {
      const input = flatten(x);
      return fromPre(params, tf.add(tf.matMul(input, params[firstKernel] as tf.Tensor2D), params[firstBias]), act, input);
    },
    logitsFromPre: (params: Params, pre: tf.Tensor, act: Activations = FREE_ACTIVATIONS) => fromPre(params, pre, act, null).logits,
    firstLayer: { kernel: firstKernel, bias: firstBias },
    firstLinear: (x, kernel) => tf.matMul(flatten(x), kernel as tf.Tensor2D),
    firstKernelGradient: (x, dPre) => tf.matMul(flatten(x), dPre as tf.Tensor2D, true, false),
    logitsFromFirst(params: Params, pre: tf.Tensor) {
      let h = pre as tf.Tensor3D;
      for (const layer of layers.slice(1)) h = batchedDense(tf.relu(h), params[`${layer}/kernel`], params[`${layer}/bias`]);
      return h;
    },
  };
}
