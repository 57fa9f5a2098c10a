import * as tf from '@tensorflow/tfjs-core';
import type { Activations } from './activations';
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
  /** `activations` lets a caller freeze the ReLU/max-pool pattern (Hessian-vector products). */
  forward(params: Params, x: tf.Tensor4D, activations?: Activations): ForwardResult;
  /**
   * The first layer is linear in its kernel: `firstLinear(x, kernel)` is its pre-activation
   * without the bias ([n, out] for a dense layer, [n, h, w, out] for a convolution).
   */
  firstLayer: { kernel: string; bias: string };
  firstLinear(x: tf.Tensor4D, kernel: tf.Tensor): tf.Tensor;
  /** `forward`'s logits from the first layer's pre-activation with its bias: logitsFromPre(p, firstLinear(x, k) + b). */
  logitsFromPre(params: Params, pre: tf.Tensor, activations?: Activations): tf.Tensor2D;
  /** The adjoint of k ↦ firstLinear(x, k): the kernel's gradient for an upstream gradient `dPre` (Xᵀ·dPre for a dense layer). */
  firstKernelGradient(x: tf.Tensor4D, dPre: tf.Tensor): tf.Tensor;
  /**
   * Logits [K, n, classes] for K parameter sets at once: `pre` is the first layer's pre-activation
   * with its bias, [K, n, ...]; every other parameter carries a leading K axis.
   */
  logitsFromFirst(params: Params, pre: tf.Tensor): tf.Tensor3D;
}

export function denseParams(name: string, fanIn: number, fanOut: number, init: ParamSpec['init']): ParamSpec[] {
  return [
    { name: `${name}/kernel`, shape: [fanIn, fanOut], init, fanIn },
    { name: `${name}/bias`, shape: [fanOut], init: 'zeros', fanIn },
  ];
}

/** A dense layer for K parameter sets: h [K, n, in] · W [K, in, out] + b [K, out] → [K, n, out]. */
export function batchedDense(h: tf.Tensor3D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor3D {
  return tf.add(tf.matMul(h, kernel as tf.Tensor3D), tf.expandDims(bias, 1));
}
