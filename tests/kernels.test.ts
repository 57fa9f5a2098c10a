/**
 * Our WASM kernels (src/engine/kernels) against tfjs's CPU backend, over the shapes, strides,
 * paddings and kernel sizes the models allow and more: the same gradients to float precision, and
 * nothing left behind in either tfjs's tensor count or the WASM backend's data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { initBackend } from '../src/engine/backend';

type Backend = 'cpu' | 'wasm';
type Shape4 = [number, number, number, number];

const values = (shape: number[], salt: number) =>
  Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 1.37 + salt));

/** Runs `work` on a backend and returns every output's values; checks that no tensor and no WASM buffer is left. */
async function on(backend: Backend, work: () => tf.Tensor[]): Promise<number[][]> {
  await initBackend(backend);
  const tensors = tf.memory().numTensors;
  const buffers = tf.engine().backend.numDataIds();
  const outs = tf.tidy(work);
  const arrays = await Promise.all(outs.map(async (t) => Array.from(await t.data())));
  tf.dispose(outs);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(tf.engine().backend.numDataIds()).toBe(buffers);
  return arrays;
}

/** Largest absolute difference relative to the largest magnitude of the reference. */
function relativeError(reference: number[], other: number[]): number {
  expect(other).toHaveLength(reference.length);
  const scale = Math.max(1e-30, ...reference.map(Math.abs));
  return Math.max(0, ...reference.map((v, i) => Math.abs(other[i] - v))) / scale;
}

async function sameOnBoth(work: () => tf.Tensor[], tolerance: number, label: string): Promise<void> {
  const cpu = await on('cpu', work);
  const wasm = await on('wasm', work);
  cpu.forEach((reference, i) => expect(relativeError(reference, wasm[i]), `${label}, output ${i}`).toBeLessThan(tolerance));
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('WASM BatchMatMul with transposed operands', () => {
  const cases: { a: number[]; b: number[]; tA: boolean; tB: boolean }[] = [
    { a: [64, 784], b: [64, 128], tA: true, tB: false },
    { a: [64, 128], b: [64, 128], tA: false, tB: true },
    { a: [7, 5], b: [3, 7], tA: true, tB: true },
    { a: [3, 9, 4], b: [3, 9, 6], tA: true, tB: false },
    { a: [2, 5, 8], b: [2, 6, 8], tA: false, tB: true },
    { a: [4, 6, 5], b: [5, 7], tA: false, tB: false },
  ];
  it.each(cases)('a $a (transposed: $tA) · b $b (transposed: $tB) equals the CPU product', async (c) => {
    await sameOnBoth(
      () => [tf.matMul(tf.tensor(values(c.a, 1), c.a), tf.tensor(values(c.b, 2), c.b), c.tA, c.tB)],
      1e-6,
      JSON.stringify(c),
    );
  });

  it('the dense layer gradients (which use them) equal the CPU ones', async () => {
    const x = [64, 100];
    const w = [100, 30];
    await sameOnBoth(
      () => {
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.tanh(tf.matMul(a, b))))([
          tf.tensor(values(x, 3), x),
          tf.tensor(values(w, 4), w),
        ]);
        return [gx, gw];
      },
      1e-5,
      'dense',
    );
  });
});

describe('WASM convolution gradients (input and filter)', () => {
  const cases: { x: Shape4; k: Shape4; stride: number | [number, number]; pad: 'same' | 'valid' }[] = [
    { x: [2, 7, 6, 3], k: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { x: [1, 9, 8, 2], k: [3, 2, 2, 5], stride: 1, pad: 'valid' },
    { x: [3, 5, 5, 1], k: [5, 5, 1, 2], stride: 1, pad: 'same' },
    { x: [2, 8, 8, 3], k: [4, 4, 3, 2], stride: 1, pad: 'same' },
    { x: [2, 9, 7, 2], k: [2, 2, 2, 3], stride: 1, pad: 'same' },
    { x: [2, 6, 6, 2], k: [6, 6, 2, 2], stride: 1, pad: 'same' },
    { x: [2, 10, 9, 2], k: [7, 7, 2, 3], stride: 1, pad: 'same' },
    { x: [1, 6, 6, 4], k: [1, 1, 4, 3], stride: 1, pad: 'valid' },
    { x: [2, 9, 9, 2], k: [3, 3, 2, 3], stride: 2, pad: 'same' },
    { x: [2, 10, 8, 3], k: [3, 3, 3, 2], stride: 2, pad: 'valid' },
    { x: [1, 11, 11, 1], k: [4, 4, 1, 2], stride: 3, pad: 'same' },
    { x: [2, 12, 9, 2], k: [3, 2, 2, 2], stride: [2, 1], pad: 'valid' },
    { x: [4, 28, 28, 1], k: [3, 3, 1, 16], stride: 1, pad: 'same' },
    { x: [8, 14, 14, 16], k: [3, 3, 16, 32], stride: 1, pad: 'same' },
  ];
  it.each(cases)('x $x, kernel $k, stride $stride, $pad', async (c) => {
    await sameOnBoth(
      () => {
        const loss = (x: tf.Tensor, k: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, c.stride, c.pad)));
        const [gx, gk] = tf.grads(loss)([tf.tensor4d(values(c.x, 1), c.x), tf.tensor4d(values(c.k, 2), c.k)]);
        return [gx, gk];
      },
      1e-5,
      JSON.stringify(c),
    );
  });
});

describe('WASM MaxPoolGrad', () => {
  const cases: { x: Shape4; size: number; stride: number; pad: 'same' | 'valid' }[] = [
    { x: [3, 8, 8, 4], size: 2, stride: 2, pad: 'valid' },
    { x: [2, 7, 7, 3], size: 2, stride: 2, pad: 'valid' },
    { x: [2, 7, 6, 2], size: 2, stride: 2, pad: 'same' },
    { x: [2, 6, 6, 2], size: 3, stride: 1, pad: 'same' },
    { x: [1, 9, 9, 3], size: 3, stride: 2, pad: 'valid' },
  ];
  it.each(cases)('x $x, window $size, stride $stride, $pad: the same gradient, ties included', async (c) => {
    // ReLU'd values: many windows are all zeros, so the first maximum must be the one that gets dY.
    const x = values(c.x, 5).map((v, i) => (i % 7 === 0 ? 0.5 : Math.max(0, v)));
    const dy = (shape: number[]) => values(shape, 6);
    await sameOnBoth(
      () => {
        const input = tf.tensor4d(x, c.x);
        const pooled = tf.maxPool(input, c.size, c.stride, c.pad);
        const g = tf.grad((t: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.size, c.stride, c.pad), tf.tensor(dy(pooled.shape), pooled.shape))),
        )(input);
        return [g];
      },
      1e-7,
      JSON.stringify(c),
    );
  });
});

describe('a CNN training step on WASM', () => {
  it('gives the CPU gradient of every parameter (the default CNN layout, batch 16)', async () => {
    const shapes: Record<string, number[]> = { k1: [3, 3, 1, 16], k2: [3, 3, 16, 32], w: [7 * 7 * 32, 10] };
    await sameOnBoth(
      () => {
        const x = tf.tensor4d(values([16, 28, 28, 1], 9), [16, 28, 28, 1]);
        const params = Object.values(shapes).map((shape, i) =>
          tf.tensor(
            values(shape, i).map((v) => v * 0.2),
            shape,
          ),
        );
        const loss = (k1: tf.Tensor, k2: tf.Tensor, w: tf.Tensor) => {
          const block = (t: tf.Tensor4D, k: tf.Tensor) => tf.maxPool(tf.relu(tf.conv2d(t, k as tf.Tensor4D, 1, 'same')), 2, 2, 'valid');
          const features = tf.reshape(block(block(x, k1), k2), [16, -1]);
          return tf.mean(tf.square(tf.matMul(features, w)));
        };
        return tf.grads(loss)(params);
      },
      1e-5,
      'cnn',
    );
  });
});
