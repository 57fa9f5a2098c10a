import * as tf from '@tensorflow/tfjs-core';
// Not re-exported from tfjs-core's index; the op (not the kernel) so it is backend independent.
import { conv2DBackpropFilter } from '@tensorflow/tfjs-core/dist/ops/conv2d_backprop_filter';
import { FREE_ACTIVATIONS, type Activations } from './activations';
import { batchedDense, denseParams, type Model } from './model';
import { HEAD_BIAS, HEAD_KERNEL } from './params';
import type { Params, ParamSpec } from './params';
import type { CnnSpec } from './spec';

function convParams(name: string, k: number, cin: number, cout: number): ParamSpec[] {
  const fanIn = k * k * cin;
  return [
    { name: `${name}/kernel`, shape: [k, k, cin, cout], init: 'he-normal', fanIn },
    { name: `${name}/bias`, shape: [cout], init: 'zeros', fanIn },
  ];
}

/** Two blocks of conv ('same' padding) - ReLU - 2x2 max-pool, then a ReLU dense layer, then the linear head. */
export function createCnn(spec: CnnSpec, inputShape: [number, number, number], classes: number): Model {
  const [h, w, c] = inputShape;
  const [c1, c2] = spec.channels;
  const k = spec.kernelSize;
  const pooled = (n: number) => Math.floor(Math.floor(n / 2) / 2);
  const flat = pooled(h) * pooled(w) * c2;
  if (flat === 0) throw new Error(`a ${h}x${w} input is too small for two 2x2 max-pools`);
  const params = [
    ...convParams('conv1', k, c, c1),
    ...convParams('conv2', k, c1, c2),
    ...denseParams('dense1', flat, spec.dense, 'he-normal'),
    ...denseParams('head', spec.dense, classes, 'lecun-normal'),
  ];
  const block = (x: tf.Tensor4D, name: string, p: Params, act: Activations): tf.Tensor4D =>
    act.maxPool2x2(
      act.relu(tf.add(tf.conv2d(x, p[`${name}/kernel`] as tf.Tensor4D, 1, 'same'), p[`${name}/bias`]), name) as tf.Tensor4D,
      `${name}/pool`,
    );
  const fromPre = (p: Params, pre: tf.Tensor, act: Activations) => {
    const b1 = act.maxPool2x2(act.relu(pre, 'conv1') as tf.Tensor4D, 'conv1/pool');
    const flatX = tf.reshape(block(b1, 'conv2', p, act), [pre.shape[0], flat]) as tf.Tensor2D;
    const features = act.relu(tf.add(tf.matMul(flatX, p['dense1/kernel'] as tf.Tensor2D), p['dense1/bias']), 'dense1') as tf.Tensor2D;
    const logits = tf.add(tf.matMul(features, p[HEAD_KERNEL] as tf.Tensor2D), p[HEAD_BIAS]) as tf.Tensor2D;
    return { features, logits };
  };
  return {
    spec,
    inputShape,
    classes,
    featureSize: spec.dense,
    params,
    forward(p: Params, x: tf.Tensor4D, act: Activations = FREE_ACTIVATIONS) {
      return fromPre(p, tf.add(tf.conv2d(x, p['conv1/kernel'] as tf.Tensor4D, 1, 'same'), p['conv1/bias']), act);
    },
    logitsFromPre: (p: Params, pre: tf.Tensor, act: Activations = FREE_ACTIVATIONS) => fromPre(p, pre, act).logits,
    firstLayer: { kernel: 'conv1/kernel', bias: 'conv1/bias' },
    firstLinear: (x, kernel) => tf.conv2d(x, kernel as tf.Tensor4D, 1, 'same'),
    firstKernelGradient: (x, dPre) => conv2DBackpropFilter(x, dPre as tf.Tensor4D, [k, k, c, c1], 1, 'same'),
    logitsFromFirst(p: Params, pre: tf.Tensor) {
      const [sets, n] = pre.shape;
      const pool = (t: tf.Tensor4D) => tf.maxPool(tf.relu(t), 2, 2, 'valid');
      const a1 = pool(tf.reshape(pre, [sets * n, h, w, c1]) as tf.Tensor4D);
      // tfjs has no grouped convolution: conv2 runs once per parameter set.
      const kernels = tf.unstack(p['conv2/kernel']) as tf.Tensor4D[];
      const z2 = tf.concat(
        tf.split(a1, sets, 0).map((part, k) => tf.conv2d(part as tf.Tensor4D, kernels[k], 1, 'same')),
        0,
      );
      const [, h2, w2] = z2.shape;
      const withBias = tf.add(tf.reshape(z2, [sets, n * h2 * w2, c2]), tf.expandDims(p['conv2/bias'], 1));
      const a2 = pool(tf.reshape(withBias, [sets * n, h2, w2, c2]) as tf.Tensor4D);
      const features = tf.relu(batchedDense(tf.reshape(a2, [sets, n, flat]) as tf.Tensor3D, p['dense1/kernel'], p['dense1/bias']));
      return batchedDense(features, p[HEAD_KERNEL], p[HEAD_BIAS]);
    },
  };
}
