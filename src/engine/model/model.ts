import type * as tf from '@tensorflow/tfjs-core';
import type { Params, ParamSpec } from './params';
import type { ModelSpec } from './spec';

/** What a forward pass gives: the penultimate activations and the head's logits z = φ·K + b. */
export interface ForwardResult {
  features: tf.Tensor2D;
  logits: tf.Tensor2D;
}

/**
 * A model is a list of named parameters and a pure forward function of (params, x). The head is
 * always "head/kernel" [m, classes] and "head/bias" [classes], applied to `features` [n, m].
 */
export interface Model {
  spec: ModelSpec;
  inputShape: [number, number, number];
  classes: number;
  params: ParamSpec[];
  featureSize: number;
  forward(params: Params, x: tf.Tensor4D): ForwardResult;
}

export const HEAD_KERNEL = 'head/kernel';
export const HEAD_BIAS = 'head/bias';

export function denseParams(name: string, fanIn: number, fanOut: number, init: ParamSpec['init']): ParamSpec[] {
  return [
    { name: `${name}/kernel`, shape: [fanIn, fanOut], init, fanIn },
    { name: `${name}/bias`, shape: [fanOut], init: 'zeros', fanIn },
  ];
}
