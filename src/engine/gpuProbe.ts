/**
 * The backends and what this browser (or Node) offers of them, probed without TensorFlow.js, so the
 * page can compare itself with its worker without loading tfjs.
 */
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
  /** CPU threads the backend computes on (WASM: its XNNPACK thread pool; 1 elsewhere). */
  threads: number;
  /** WASM only: how many threads and, when one, why. */
  threadNote?: string;
  /** With `auto`: the timings behind the choice. */
  choice?: BackendChoice;
}

export interface BackendTiming {
  name: BackendName;
  /** Milliseconds per training step, or null when it could not be timed. */
  msPerStep: number | null;
  note?: string;
}

/** What `auto` chose and the figures behind it. */
export interface BackendChoice {
  timings: BackendTiming[];
  workload: string;
  reason: string;
}

export interface GpuAvailability {
  webgpu: { ok: boolean; software: boolean };
  webgl: { ok: boolean; software: boolean };
}

export interface BackendOptions {
  /** URLs of the tfjs WASM binaries, by file name (the bundler provides them). */
  wasmPaths?: Record<string, string>;
  /** WASM threads to start where threads work (default: one per logical core); set before the backend starts. */
  wasmThreads?: number;
}

export interface Probe {
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

export async function probeWebGpu(): Promise<Probe> {
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

export function probeWebGl(): Probe {
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

/** Reads a backend request (e.g. from ?backend=); an unknown name falls back to auto with a message. */
export function parseBackendRequest(value: string | null | undefined): { request: BackendRequest; problem?: string } {
  if (!value || value === 'auto') return { request: 'auto' };
  if ((BACKENDS as readonly string[]).includes(value)) return { request: value as BackendName };
  return { request: 'auto', problem: `unknown backend "${value.slice(0, 40)}" ignored; use one of ${BACKENDS.join(', ')} or auto` };
}
