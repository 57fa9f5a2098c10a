/** Starting a TensorFlow.js backend: the best that works here, or the one asked for, with the reasons. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerWasmKernels } from './kernels/index';
import { errorMessage } from './errors';
import { singleThreadReason } from './wasmThreads';
import {
  currentContext,
  probeWebGl,
  probeWebGpu,
  type BackendName,
  type BackendOptions,
  type BackendReport,
  type BackendRequest,
  type GpuAvailability,
  type Probe,
} from './gpuProbe';

async function probe(name: BackendName): Promise<Probe> {
  if (name === 'webgpu') return probeWebGpu();
  if (name === 'webgl') return probeWebGl();
  if (name === 'wasm') return { ok: true, adapter: 'WebAssembly on the CPU', software: true };
  return { ok: true, adapter: 'plain JavaScript on the CPU', software: true };
}

function logicalCores(): number {
  return Math.max(1, (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1);
}

interface Activated {
  failure: string | null;
  threads: number;
  threadNote?: string;
}

async function activate(name: BackendName, options: BackendOptions): Promise<Activated> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm') | null = null;
  const singleThread = name === 'wasm' ? singleThreadReason(currentContext()) : null;
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (name === 'wasm') {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths);
    // Decided before the backend starts (tfjs reads the flag once): never the threaded build where it cannot work.
    if (singleThread) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else wasm.setThreadsCount(options.wasmThreads ?? logicalCores());
    registerWasmKernels();
  }
  // tfjs's WASM caps its pool at navigator.hardwareConcurrency / 2 (it assumes two hardware threads per
  // core); on a machine with 2 logical cores that is 1. Report twice the threads wanted while it starts.
  const restoreCores = wasm && !singleThread ? claimCores(2 * (options.wasmThreads ?? logicalCores())) : () => {};
  try {
    if (!(await tf.setBackend(name))) return { failure: `tf.setBackend('${name}') failed to initialize`, threads: 1 };
    await tf.ready();
    const threads = wasm ? wasm.getThreadsCount() : 1;
    return { failure: null, threads, threadNote: wasm ? (singleThread ?? `WASM runs on ${threads} threads`) : undefined };
  } catch (error) {
    return { failure: `initialization failed: ${errorMessage(error)}`, threads: 1 };
  } finally {
    restoreCores();
  }
}

/** Shadows navigator.hardwareConcurrency with `cores` until the returned function is called. */
function claimCores(cores: number): () => void {
  const nav = globalThis.navigator as object | undefined;
  if (!nav) return () => {};
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: cores, configurable: true });
  } catch {
    return () => {};
  }
  return () => {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

/**
 * Activates a backend. Auto: hardware WebGPU, then hardware WebGL, then WASM, then the software
 * rasterizers (WebGL, then CPU, then WebGPU: measured slowest on SwiftShader), reporting why each
 * better one was skipped. A forced backend is used if it works at all, else auto decides.
 */
export async function initBackend(requested: BackendRequest, options: BackendOptions = {}): Promise<BackendReport> {
  const notes: string[] = [];
  const probes = new Map<BackendName, Probe>();
  const tryBackend = async (name: BackendName): Promise<BackendReport | null> => {
    const p = probes.get(name) ?? (await probe(name));
    probes.set(name, p);
    if (!p.ok) return null;
    const { failure, threads, threadNote } = await activate(name, options);
    if (failure) {
      notes.push(`${name}: ${failure}`);
      probes.set(name, { ...p, ok: false });
      return null;
    }
    const context = currentContext();
    return { name, requested, adapter: p.adapter, software: p.software, notes, context, gpu: await gpuOf(probes), threads, threadNote };
  };
  if (requested !== 'auto') {
    const forced = await tryBackend(requested);
    if (forced) return withWarnings(forced);
    const reason = probes.get(requested)?.reason;
    if (reason) notes.push(`${requested}: ${reason}`);
    notes.unshift(`${requested} was requested but cannot be used here`);
  }
  for (const name of ['webgpu', 'webgl'] as const) {
    const p = probes.get(name) ?? (await probe(name));
    probes.set(name, p);
    if (!p.ok) {
      if (name !== requested) notes.push(`${name}: ${p.reason ?? 'unavailable'}`);
    } else if (p.software) {
      notes.push(
        name === 'webgpu'
          ? 'webgpu: the WebGPU adapter is a software rasterizer (SwiftShader), the slowest choice here (force it with ?backend=webgpu)'
          : 'webgl: the WebGL renderer is a software rasterizer',
      );
    } else {
      const chosen = await tryBackend(name);
      if (chosen) return withWarnings(chosen);
    }
  }
  for (const name of ['wasm', 'webgl', 'cpu', 'webgpu'] as const) {
    if (name === requested && probes.get(name)?.ok === false) continue;
    const chosen = await tryBackend(name);
    if (chosen) return withWarnings(chosen);
  }
  throw new Error(`no TensorFlow.js backend could start: ${notes.join('; ')}`);
}

async function gpuOf(probes: Map<BackendName, Probe>): Promise<GpuAvailability> {
  const of = async (name: 'webgpu' | 'webgl') => {
    const p = probes.get(name) ?? (await probe(name));
    probes.set(name, p);
    return { ok: p.ok, software: p.software };
  };
  return { webgpu: await of('webgpu'), webgl: await of('webgl') };
}

function withWarnings(report: BackendReport): BackendReport {
  if (report.requested !== 'auto' && report.name !== report.requested) {
    report.notes[0] = `${report.requested} was requested but cannot be used here; using ${report.name}`;
  }
  if (report.software && (report.name === 'webgpu' || report.name === 'webgl')) {
    report.notes.push(
      `the ${report.name === 'webgpu' ? 'WebGPU adapter' : 'WebGL renderer'} is a software rasterizer: it runs on the CPU and is slow`,
    );
  }
  return report;
}
