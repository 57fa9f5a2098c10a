import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs 4.22's WASM backend lacks Conv2DBackpropFilter, the kernel behind a convolution's weight
 * gradient, but it has the 3D one. A 2D convolution is a 3D one over a depth of 1, and a tensor's
 * data does not change when a unit axis is added, so the 2D filter gradient is the 3D kernel run on
 * the same buffers with shapes [b, 1, h, w, c] (stride 1 only: see below). Registering this lets CNNs train on WASM (measured
 * ~30x faster than the pure-JS CPU backend on the default CNN's convolutions in Node).
 */
interface FilterGradAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
  dataFormat: 'NHWC' | 'NCHW';
  filterShape: [number, number, number, number];
}

function withUnitDepth(t: tf.TensorInfo): tf.TensorInfo {
  const [batch, ...rest] = t.shape;
  return { dataId: t.dataId, dtype: t.dtype, shape: [batch, 1, ...rest] };
}

const conv2dFilterGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as FilterGradAttrs;
  if (a.dataFormat === 'NCHW') throw new Error('the WASM Conv2DBackpropFilter supports NHWC only');
  if (typeof a.pad === 'number') throw new Error('the WASM Conv2DBackpropFilter supports "same" and "valid" padding only');
  const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
  // Measured: tfjs 4.22's WASM Conv3DBackpropFilterV2 is wrong for strides above 1 (tf.conv3d's
  // gradient there differs from the CPU backend and from a hand loop); the app's models use stride 1.
  if (sh !== 1 || sw !== 1)
    throw new Error(`the WASM Conv2DBackpropFilter supports stride 1 only (got ${sh} x ${sw}): use the cpu, webgl or webgpu backend`);
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  if (!conv3d) throw new Error('the WASM backend has no Conv3DBackpropFilterV2 kernel to build Conv2DBackpropFilter on');
  const grad = conv3d.kernelFunc({
    inputs: { x: withUnitDepth(x), dy: withUnitDepth(dy) },
    backend,
    attrs: { strides: [1, sh, sw], pad: a.pad, filterShape: [1, ...a.filterShape] },
  }) as tf.TensorInfo;
  return { dataId: grad.dataId, dtype: grad.dtype, shape: a.filterShape };
};

/** Registers the kernel once; call after the WASM backend module is imported. */
export function registerWasmConv2dFilterGrad(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dFilterGrad });
}
