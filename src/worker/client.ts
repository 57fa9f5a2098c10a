import * as Comlink from 'comlink';
import { errorMessage } from '../engine/errors';
import { probeGpu, type BackendReport, type BackendRequest } from '../engine/gpuProbe';
import type { InputFile } from '../engine/data/files';
import type { EngineApi, EngineListener, InitOptions } from './api';
import { browserServices } from './browser-services';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export interface StartedEngine {
  api: EngineApi;
  report: BackendReport;
  where: 'worker' | 'page';
  /** Why training is not in a worker, when it is not. */
  whereNote?: string;
  terminate(): void;
}

const INIT_TIMEOUT_MS = 60_000;

function initOptions(backend: BackendRequest): InitOptions {
  return {
    backend,
    baseUrl: new URL(import.meta.env.BASE_URL, document.baseURI).href,
    wasmPaths: {
      'tfjs-backend-wasm.wasm': new URL(wasmPlain, document.baseURI).href,
      'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, document.baseURI).href,
      'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreaded, document.baseURI).href,
    },
  };
}

/** Wraps the worker's Comlink proxy so callbacks and file buffers cross the boundary properly. */
function workerApi(remote: Comlink.Remote<EngineApi>): EngineApi {
  return {
    init: (o) => remote.init(o),
    tfBackend: () => remote.tfBackend(),
    subscribe: (listener: EngineListener) => remote.subscribe(Comlink.proxy(listener)),
    listDatasets: () => remote.listDatasets(),
    loadDataset: (id) => remote.loadDataset(id),
    importFiles: (kind, files: InputFile[]) =>
      remote.importFiles(
        kind,
        Comlink.transfer(
          files,
          files.map((f) => f.bytes.buffer as ArrayBuffer),
        ),
      ),
    configure: (c) => remote.configure(c),
    forkLane: (s, l) => remote.forkLane(s, l),
    shiftNow: (laneId, samples, hessian) => remote.shiftNow(laneId, samples, hessian),
    computeHessian: (r) => remote.computeHessian(r),
    cancelHessian: () => remote.cancelHessian(),
    setHessianTracking: (t) => remote.setHessianTracking(t),
    computeLandscape: (r) => remote.computeLandscape(r),
    cancelLandscape: () => remote.cancelLandscape(),
    computeAnalysis: (r) => remote.computeAnalysis(r),
    cancelAnalysis: () => remote.cancelAnalysis(),
    exportWeights: (laneId, format) => remote.exportWeights(laneId, format),
    importWeights: (files: InputFile[], target) =>
      remote.importWeights(
        Comlink.transfer(
          files,
          files.map((f) => f.bytes.buffer as ArrayBuffer),
        ),
        target,
      ),
    setCheckpointEvery: (n) => remote.setCheckpointEvery(n),
    loseDevice: () => remote.loseDevice(),
    continueOn: (b) => remote.continueOn(b),
    play: () => remote.play(),
    pause: () => remote.pause(),
    stepOnce: () => remote.stepOnce(),
    reset: () => remote.reset(),
    setSpeed: (s) => remote.setSpeed(s),
    memory: () => remote.memory(),
    dispose: () => remote.dispose(),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)),
  ]);
}

async function startOnPage(backend: BackendRequest, whereNote: string): Promise<StartedEngine> {
  // Loaded only when needed: the page itself never loads tfjs when training runs in the worker.
  const { EngineHost } = await import('./host');
  const host = new EngineHost(browserServices());
  const report = await host.init(initOptions(backend));
  return { api: host, report, where: 'page', whereNote, terminate: () => void host.dispose() };
}

/**
 * Starts the engine in a Web Worker when the chosen backend works there, otherwise on the page
 * (the training loop then yields to the browser between steps). `useWorker: false` forces the page.
 */
export async function startEngine(backend: BackendRequest, useWorker = true): Promise<StartedEngine> {
  if (!useWorker || typeof Worker === 'undefined') {
    return startOnPage(backend, useWorker ? 'this browser has no Web Workers' : 'the worker was turned off (?worker=0)');
  }
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  const remote = Comlink.wrap<EngineApi>(worker);
  let report: BackendReport;
  try {
    report = await withTimeout(remote.init(initOptions(backend)), INIT_TIMEOUT_MS, 'the engine worker');
  } catch (error) {
    worker.terminate();
    return startOnPage(backend, `the engine could not start in a Web Worker (${errorMessage(error)})`);
  }
  // A GPU backend the page has but the worker lacks (e.g. no WebGPU or OffscreenCanvas in workers):
  // if it is the one asked for, or a hardware one auto would prefer, train on the page instead.
  const page = await probeGpu();
  for (const name of ['webgpu', 'webgl'] as const) {
    const wanted = backend === name || (backend === 'auto' && !page[name].software);
    if (wanted && page[name].ok && !report.gpu[name].ok && report.name !== name) {
      worker.terminate();
      return startOnPage(
        backend,
        `${name} does not work inside a Web Worker in this browser (the worker could only use ${report.name}), ` +
          `so training runs on the page`,
      );
    }
  }
  return { api: workerApi(remote), report, where: 'worker', terminate: () => worker.terminate() };
}
