/**
 * MaxPoolGrad on WASM as one pass over the WebAssembly heap: each pooling window sends its dY to
 * the first position (row-major) holding the window's maximum, as tfjs's CPU kernel does, so ties
 * (a window of zeros after a ReLU) resolve the same way on both backends. Measured on the default
 * CNN's pools: several times faster than tfjs 4.22's WASM kernel (see BENCHMARKS.md).
 */
import * as tf from '@tensorflow/tfjs-core';
import { replaceWasmKernel, type WasmBackend } from './wasmKernel';

interface PoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Floats = Float32Array | Int32Array | Uint8Array;

/** dx[first arg max of each window] += dy[window], for any window size, stride and padding. */
function scatterToWindowMaxima(x: Floats, g: Floats, dx: Floats, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const [fh, fw] = [info.effectiveFilterHeight, info.effectiveFilterWidth];
  const best = new Float32Array(channels);
  const where = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++)
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - info.padInfo.top;
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - info.padInfo.left;
        best.fill(-Infinity);
        where.fill(-1);
        for (let yy = Math.max(0, y0); yy < Math.min(inHeight, y0 + fh); yy++)
          for (let xx = Math.max(0, x0); xx < Math.min(inWidth, x0 + fw); xx++) {
            const base = ((b * inHeight + yy) * inWidth + xx) * channels;
            for (let c = 0; c < channels; c++)
              if (x[base + c] > best[c]) {
                best[c] = x[base + c];
                where[c] = base + c;
              }
          }
        const from = ((b * outHeight + oy) * outWidth + ox) * channels;
        for (let c = 0; c < channels; c++) if (where[c] >= 0) dx[where[c]] += g[from + c];
      }
    }
}

const maxPoolGrad: tf.KernelFunc = (args) => {
  const backend = args.backend as WasmBackend;
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const a = args.attrs as unknown as PoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const out = backend.makeOutput(input.shape, 'float32');
  // Views after the allocation: growing the heap detaches earlier ones.
  const x = backend.typedArrayFromHeap(input);
  const g = backend.typedArrayFromHeap(dy);
  const dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  scatterToWindowMaxima(x, g, dx, info);
  return out;
};

export function registerWasmMaxPoolGrad(): void {
  replaceWasmKernel('MaxPoolGrad', () => maxPoolGrad);
}
