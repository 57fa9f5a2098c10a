/**
 * How far tfjs-wasm's own kernels scale with threads, apart from the app: XNNPACK's convolution
 * (the default CNN's conv2, batch 64) and matrix product (an HVP's [1000, 784]·[784, 128]), timed in
 * a worker on the build the page gets (threaded when cross-origin isolated, else single-threaded).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend';
import { errorMessage } from '../engine/errors';

export interface ProbeRequest {
  /** Threads for the threaded build (0: one per core). */
  threads: number;
  wasmPaths: Record<string, string>;
}

export type ProbeAnswer = { isolated: boolean; threads: number; convMs: number; matMulMs: number } | { error: string };

async function msPer(op: () => tf.Tensor, repeats = 30): Promise<number> {
  for (let i = 0; i < 5; i++) await op().data();
  const started = performance.now();
  for (let i = 0; i < repeats; i++) {
    const out = op();
    await out.data();
    out.dispose();
  }
  return (performance.now() - started) / repeats;
}

async function probe(request: ProbeRequest): Promise<ProbeAnswer> {
  const report = await initBackend('wasm', { wasmPaths: request.wasmPaths, wasmThreads: request.threads || undefined });
  if (report.name !== 'wasm') throw new Error(`wasm unavailable: ${report.notes.join('; ')}`);
  const [x, filter, a, b] = [
    tf.randomNormal([64, 14, 14, 16]) as tf.Tensor4D,
    tf.randomNormal([3, 3, 16, 32]) as tf.Tensor4D,
    tf.randomNormal([1000, 784]) as tf.Tensor2D,
    tf.randomNormal([784, 128]) as tf.Tensor2D,
  ];
  const convMs = await msPer(() => tf.conv2d(x, filter, 1, 'same'));
  const matMulMs = await msPer(() => tf.matMul(a, b));
  tf.dispose([x, filter, a, b]);
  return { isolated: crossOriginIsolated, threads: report.threads, convMs, matMulMs };
}

self.onmessage = (event: MessageEvent<ProbeRequest>) => {
  probe(event.data).then(
    (answer) => self.postMessage(answer),
    (error: unknown) => self.postMessage({ error: errorMessage(error) }),
  );
};
