/**
 * The browser half of `npm run bench`: the Hessian and landscape benchmarks of scripts/ run on the
 * page with the backend of `?backend=`, on Fashion-MNIST shards served with the app. The result
 * (or the error) is put on window.__bench for Playwright and printed on the page.
 */
import '../engine/noEval';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend';
import { type BackendName } from '../engine/gpuProbe';
import { loadDataset } from '../engine/data/loader';
import { DEFAULT_CNN, DEFAULT_MLP } from '../engine/model/spec';
import { benchHessian, type HessianBench } from './hessian';
import { benchLandscape, type LandscapeBenchRow } from './landscape';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { errorMessage } from '../engine/errors';

export interface BrowserBench {
  backend: string;
  adapter: string;
  hessian: HessianBench;
  landscape: { mlp: LandscapeBenchRow; cnn: LandscapeBenchRow };
}

declare global {
  interface Window {
    __bench?: { result?: BrowserBench; error?: string };
  }
}

const number = (params: URLSearchParams, key: string, fallback: number) => Number(params.get(key) ?? fallback) || fallback;

async function run(): Promise<BrowserBench> {
  const params = new URLSearchParams(location.search);
  const requested = (params.get('backend') ?? 'webgl') as BackendName;
  const report = await initBackend(requested, {
    wasmPaths: {
      'tfjs-backend-wasm.wasm': new URL(wasmPlain, document.baseURI).href,
      'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, document.baseURI).href,
      'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreaded, document.baseURI).href,
    },
  });
  if (report.name !== requested) throw new Error(`${requested} unavailable: ${report.notes.join('; ')}`);
  const base = new URL('data/fashion-mnist/', document.baseURI);
  const { dataset } = await loadDataset({
    cacheKey: 'bench-fashion-mnist',
    fetchFile: async (file) => new Uint8Array(await (await fetch(new URL(file, base))).arrayBuffer()),
  });
  const samples = number(params, 'samples', 1000);
  // ?parts=hessian,mlp,cnn runs some of the three (all by default), to find which one a backend fails.
  const parts = new Set((params.get('parts') ?? 'hessian,mlp,cnn').split(','));
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T | null> => {
    if (!parts.has(name)) return null;
    try {
      return await work();
    } catch (error) {
      throw new Error(`${name}: ${errorMessage(error)}`, { cause: error });
    }
  };
  const hessian = await step('hessian', () => benchHessian(dataset, samples, number(params, 'train-steps', 300)));
  const mlp = await step('mlp', () => benchLandscape(dataset, DEFAULT_MLP, number(params, 'mlp-grid', 21), samples));
  const cnn = await step('cnn', () => benchLandscape(dataset, DEFAULT_CNN, number(params, 'cnn-grid', 5), samples));
  return { backend: tf.getBackend(), adapter: report.adapter, hessian: hessian!, landscape: { mlp: mlp!, cnn: cnn! } };
}

window.__bench = {};
run().then(
  (result) => {
    window.__bench = { result };
    document.getElementById('out')!.textContent = JSON.stringify(result, null, 2);
  },
  (error: unknown) => {
    const message = errorMessage(error);
    window.__bench = { error: message };
    document.getElementById('out')!.textContent = `failed: ${message}`;
  },
);
