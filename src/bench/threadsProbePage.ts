/** The page half of bench-threads.html: starts the probe worker with ?threads= and shows its answer. */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { ProbeAnswer, ProbeRequest } from './threadsProbe.worker';

declare global {
  interface Window {
    __threadsProbe?: ProbeAnswer;
  }
}

const worker = new Worker(new URL('./threadsProbe.worker.ts', import.meta.url), { type: 'module' });
const request: ProbeRequest = {
  threads: Number(new URLSearchParams(location.search).get('threads') ?? 0) || 0,
  wasmPaths: {
    'tfjs-backend-wasm.wasm': new URL(wasmPlain, document.baseURI).href,
    'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, document.baseURI).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreaded, document.baseURI).href,
  },
};
worker.onmessage = (event: MessageEvent<ProbeAnswer>) => {
  window.__threadsProbe = event.data;
  document.getElementById('out')!.textContent = JSON.stringify(event.data, null, 2);
};
worker.postMessage(request);
