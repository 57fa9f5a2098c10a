import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerWasmConv2dFilterGrad } from './kernels/wasmConv2dFilterGrad';
import { errorMessage } from './errors';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendRequest = BackendName | 'auto';

export interface BackendReport {
  name: BackendName;
  requested: BackendRequest;
  /** What the hardware or emulator says it is, e.g. "google swiftshader (SwiftShader Device (Subzero))". */
  adapter: string;
  /** True when the backend runs on a software rasterizer or the CPU. */
  software: boolean;
  /** Why a preferred backend was not used, and warnings about the one in use. */
  notes: string[];
  context: 'worker' | 'page' | 'node';
  /** Whether the GPU backends could start where the engine runs (software rasterizers included). */
  gpu: GpuAvailability;
}

export interface GpuAvailability {
  webgpu: { ok: boolean; software: boolean };
  webgl: { ok: boolean; software: boolean };
}

export interface BackendOptions {
  /** URLs of the tfjs WASM binaries, by file name (the bundler provides them). */
  wasmPaths?: Record<string, string>;
}

interface Probe {
  ok: boolean;
  adapter: string;
  software: boolean;
  reason?: string;
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

export function currentContext(): BackendReport['context'] {
  const g = globalThis as { WorkerGlobalScope?: unknown; document?: unknown; process?: { versions?: { node?: string } } };
  if (g.WorkerGlobalScope !== undefined && g.document === undefined) return 'worker';
  if (g.document !== undefined) return 'page';
  if (g.process?.versions?.node) return 'node';
  return 'worker';
}

export function isSoftwareDescription(text: string): boolean {
  return /swiftshader|llvmpipe|software|basic render|softpipe|lavapipe/i.test(text);
}

async function probeWebGpu(): Promise<Probe> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) {
    const where =
      currentContext() === 'node'
        ? 'Node.js has no WebGPU'
        : 'navigator.gpu is missing (no WebGPU in this browser, or not a secure context)';
    return { ok: false, adapter: '', software: false, reason: where };
  }
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return {
      ok: false,
      adapter: '',
      software: false,
      reason: `requestAdapter failed: ${errorMessage(error)}`,
    };
  }
  if (!adapter)
    return { ok: false, adapter: '', software: false, reason: 'no WebGPU adapter (the GPU is blocklisted or WebGPU is disabled)' };
  const info = adapter.info ?? {};
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s): s is string => Boolean(s));
  const text = parts.join(' ') || 'unnamed WebGPU adapter';
  const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || isSoftwareDescription(text);
  return { ok: true, adapter: text, software };
}

function probeWebGl(): Probe {
  const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown } };
  if (!g.OffscreenCanvas) {
    return {
      ok: false,
      adapter: '',
      software: false,
      reason: currentContext() === 'node' ? 'Node.js has no WebGL' : 'OffscreenCanvas is missing, so WebGL is unavailable here',
    };
  }
  const gl = new g.OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
  if (!gl) return { ok: false, adapter: '', software: false, reason: 'no WebGL2 context (WebGL is disabled or unsupported)' };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { ok: true, adapter: renderer, software: isSoftwareDescription(renderer) };
}

/** Probes WebGPU and WebGL without starting TensorFlow.js (used to compare a worker with the page). */
export async function probeGpu(): Promise<GpuAvailability> {
  const [webgpu, webgl] = [await probeWebGpu(), probeWebGl()];
  return { webgpu: { ok: webgpu.ok, software: webgpu.software }, webgl: { ok: webgl.ok, software: webgl.software } };
}

async function probe(name: BackendName): Promise<Probe> {
  if (name === 'webgpu') return probeWebGpu();
  if (name === 'webgl') return probeWebGl();
  if (name === 'wasm') return { ok: true, adapter: 'WebAssembly on the CPU', software: true };
  return { ok: true, adapter: 'plain JavaScript on the CPU', software: true };
}

async function activate(name: BackendName, options: BackendOptions): Promise<string | null> {
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths);
    registerWasmConv2dFilterGrad();
  }
  try {
    if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') failed to initialize`;
    await tf.ready();
    return null;
  } catch (error) {
    return `initialization failed: ${errorMessage(error)}`;
  }
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
    const failure = await activate(name, options);
    if (failure) {
      notes.push(`${name}: ${failure}`);
      probes.set(name, { ...p, ok: false });
      return null;
    }
    return { name, requested, adapter: p.adapter, software: p.software, notes, context: currentContext(), gpu: await gpuOf(probes) };
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

/** Reads a backend request (e.g. from ?backend=); an unknown name falls back to auto with a message. */
export function parseBackendRequest(value: string | null | undefined): { request: BackendRequest; problem?: string } {
  if (!value || value === 'auto') return { request: 'auto' };
  if ((BACKENDS as readonly string[]).includes(value)) return { request: value as BackendName };
  return { request: 'auto', problem: `unknown backend "${value.slice(0, 40)}" ignored; use one of ${BACKENDS.join(', ')} or auto` };
}
