import * as tf from '@tensorflow/tfjs-core';
import type { DatasetInfo } from './data/dataset';
import type { ModelSpec } from './model/spec';
import type { ComparisonConfig, LaneConfig } from './train/config';

/**
 * Memory estimates made before allocating, so that a request too large for the device is refused
 * with what would fit instead of crashing the tab. Estimates count float32 tensors on the device
 * (weights, optimizer state, gradients, activations kept for the backward pass, evaluation
 * samples); they are upper-bound-ish (tfjs frees intermediates early), not exact.
 */

const FLOAT = 4;
const MIB = 2 ** 20;

export interface DeviceBudget {
  backend: string;
  /** What this backend can hold in all (the working budget we allow ourselves). */
  totalBytes: number;
  /** The largest single tensor the backend can allocate. */
  maxTensorBytes: number;
  /** Where the numbers come from, for the message. */
  source: string;
}

interface WebGpuLimits {
  maxStorageBufferBindingSize?: number;
  maxBufferSize?: number;
}

/** Device memory reported by the browser (GiB, rounded down by the browser); null elsewhere. */
function deviceMemoryGiB(): number | null {
  const n = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  return typeof n === 'number' && n > 0 ? n : null;
}

/** The budget of the backend in use now. */
export function deviceBudget(): DeviceBudget {
  const backend = tf.getBackend();
  const ram = deviceMemoryGiB();
  // Half of the machine's memory (as the browser reports it), capped at 4 GiB: a tab shares it.
  const share = ram ? Math.min(4, ram / 2) * 1024 * MIB : 2048 * MIB;
  const ramNote = ram ? `half of the ${ram} GiB the browser reports, at most 4 GiB` : 'an assumed 2 GiB';
  if (backend === 'webgpu') {
    const limits = (tf.backend() as unknown as { device?: { limits?: WebGpuLimits } }).device?.limits;
    const binding = limits?.maxStorageBufferBindingSize ?? 128 * MIB;
    return {
      backend,
      totalBytes: share,
      maxTensorBytes: Math.min(binding, limits?.maxBufferSize ?? binding),
      source: `WebGPU: largest buffer binding ${formatBytes(binding)}; total ${ramNote}`,
    };
  }
  if (backend === 'webgl') {
    const side = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE') || 4096;
    return {
      backend,
      totalBytes: share,
      maxTensorBytes: side * side * 4 * FLOAT,
      source: `WebGL: textures up to ${side} x ${side}; total ${ramNote}`,
    };
  }
  if (backend === 'wasm') {
    // tfjs's WASM heap is a 32-bit linear memory: at most 4 GiB, of which we plan on 2.
    return {
      backend,
      totalBytes: Math.min(share, 2048 * MIB),
      maxTensorBytes: 2048 * MIB,
      source: 'WASM: a 32-bit heap (we plan on 2 GiB)',
    };
  }
  return { backend, totalBytes: share, maxTensorBytes: 2048 * MIB, source: `the JavaScript heap (${ramNote})` };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / 1024 / MIB).toFixed(1)} GiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

/** Floats per sample of each layer's output (what the backward pass keeps), and the parameter count. */
export function modelShape(
  spec: ModelSpec,
  input: readonly [number, number, number],
  classes: number,
): { params: number; activations: number; largestActivation: number; inputFloats: number } {
  const [h, w, c] = input;
  const inputFloats = h * w * c;
  if (spec.kind === 'mlp') {
    const widths = [inputFloats, ...spec.hidden, classes];
    let params = 0;
    for (let i = 1; i < widths.length; i++) params += widths[i - 1] * widths[i] + widths[i];
    const layers = widths.slice(1);
    return { params, activations: layers.reduce((a, b) => a + 2 * b, 0), largestActivation: Math.max(...layers), inputFloats };
  }
  const [c1, c2] = spec.channels;
  const k = spec.kernelSize;
  const h1 = Math.floor(h / 2);
  const w1 = Math.floor(w / 2);
  const h2 = Math.floor(h1 / 2);
  const w2 = Math.floor(w1 / 2);
  const flat = h2 * w2 * c2;
  const params = k * k * c * c1 + c1 + k * k * c1 * c2 + c2 + flat * spec.dense + spec.dense + spec.dense * classes + classes;
  // conv (pre- and post-ReLU) and pool outputs of both blocks, then the dense layer and the logits.
  const layers = [h * w * c1, h * w * c1, h1 * w1 * c1, h1 * w1 * c2, h1 * w1 * c2, flat, spec.dense, spec.dense, classes];
  return { params, activations: layers.reduce((a, b) => a + b, 0), largestActivation: Math.max(...layers), inputFloats };
}

/** Weight-sized buffers a lane holds during a step, besides its weights: optimizer state, gradients, the method's copies. */
export function laneBuffers(lane: LaneConfig): number {
  const state = lane.optimizer.kind === 'adam' ? 2 : lane.optimizer.kind === 'momentum' ? 1 : 0;
  const method = { none: 0, sam: 2, asam: 3, nso: 3, wpsgd: 2, fam: 1 }[lane.method.kind];
  // Gradients (1) and the new weights while the old are still alive (1).
  return state + method + 2;
}

export interface Footprint {
  bytes: number;
  largestTensorBytes: number;
  parts: Array<[string, number]>;
}

/** The comparison while it trains: every lane's weights and buffers, one batch's activations, the test samples. */
export function trainingFootprint(config: ComparisonConfig, info: DatasetInfo): Footprint {
  const shape = modelShape(config.model, info.shape, info.classNames.length);
  const weights = shape.params * FLOAT;
  const lanes = config.lanes.reduce((acc, lane) => acc + weights * (1 + laneBuffers(lane)), weights);
  // The backward pass keeps each layer's output; SAM/NSO run it twice but not at once.
  const batch = config.batchSize * (shape.activations + shape.inputFloats) * FLOAT * 2;
  const test = Math.min(config.testSize, Number.MAX_SAFE_INTEGER) * shape.inputFloats * FLOAT;
  const largest = Math.max(
    weights,
    config.batchSize * shape.largestActivation * FLOAT,
    Math.min(config.testSize, 1000) * shape.inputFloats * FLOAT,
  );
  return {
    bytes: lanes + batch + test,
    largestTensorBytes: largest,
    parts: [
      ['weights, optimizer states and gradients of all lanes', lanes],
      [`activations of a batch of ${config.batchSize}`, batch],
      [`${config.testSize.toLocaleString('en-US')} test samples`, test],
    ],
  };
}

/** An evaluation subset on the device (chunks of `chunk` samples) and one chunk's activations. */
export function evaluationFootprint(
  spec: ModelSpec,
  info: DatasetInfo,
  samples: number,
  chunk: number,
  what: string,
  weightCopies: number,
): Footprint {
  const shape = modelShape(spec, info.shape, info.classNames.length);
  const data = samples * shape.inputFloats * FLOAT;
  const activations = Math.min(samples, chunk) * shape.activations * FLOAT * 2;
  const weights = shape.params * FLOAT * weightCopies;
  return {
    bytes: data + activations + weights,
    largestTensorBytes: Math.max(
      Math.min(samples, chunk) * Math.max(shape.inputFloats, shape.largestActivation) * FLOAT,
      shape.params * FLOAT,
    ),
    parts: [
      [`${samples.toLocaleString('en-US')} ${what} samples`, data],
      [`activations of a chunk of ${Math.min(samples, chunk)}`, activations],
      [`${weightCopies} weight-sized buffers`, weights],
    ],
  };
}

export class MemoryLimitError extends Error {}

/**
 * Throws a MemoryLimitError if `footprint` does not fit `budget`, saying what it needs, the limit,
 * the largest parts and `suggestion` (what would fit).
 */
export function checkFits(what: string, footprint: Footprint, budget: DeviceBudget, suggestion: string): void {
  const tooMuch = footprint.bytes > budget.totalBytes;
  const tooLarge = footprint.largestTensorBytes > budget.maxTensorBytes;
  if (!tooMuch && !tooLarge) return;
  const parts = [...footprint.parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, bytes]) => `${name} ${formatBytes(bytes)}`)
    .join(', ');
  const limit = tooMuch
    ? `needs about ${formatBytes(footprint.bytes)} but ${budget.backend} has about ${formatBytes(budget.totalBytes)} ` +
      `here (${budget.source})`
    : `needs a single tensor of ${formatBytes(footprint.largestTensorBytes)} but ${budget.backend} ` +
      `allows at most ${formatBytes(budget.maxTensorBytes)} (${budget.source})`;
  throw new MemoryLimitError(`${what} ${limit}; the largest parts: ${parts}. ${suggestion}`);
}

/** The largest value of `n` in [1, upper] for which `fits(n)` holds (fits is monotone), or 0. */
export function largestFitting(upper: number, fits: (n: number) => boolean): number {
  if (!fits(1)) return 0;
  let lo = 1;
  let hi = Math.max(1, Math.floor(upper));
  if (fits(hi)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function fitsBudget(footprint: Footprint, budget: DeviceBudget): boolean {
  return footprint.bytes <= budget.totalBytes && footprint.largestTensorBytes <= budget.maxTensorBytes;
}

/** Refuses a comparison too large for the device, naming a batch size, test size or lane count that fits. */
export function checkTrainingFits(config: ComparisonConfig, info: DatasetInfo, budget: DeviceBudget = deviceBudget()): void {
  const footprint = trainingFootprint(config, info);
  if (fitsBudget(footprint, budget)) return;
  const fits = (c: ComparisonConfig) => fitsBudget(trainingFootprint(c, info), budget);
  const options: string[] = [];
  const batch = largestFitting(config.batchSize, (b) => fits({ ...config, batchSize: b }));
  if (batch > 0 && batch < config.batchSize) options.push(`a batch size of at most ${batch}`);
  const test = largestFitting(config.testSize, (n) => fits({ ...config, testSize: n }));
  if (test > 0 && test < config.testSize) options.push(`at most ${test.toLocaleString('en-US')} test samples`);
  const lanes = largestFitting(config.lanes.length, (n) => fits({ ...config, lanes: config.lanes.slice(0, n) }));
  if (lanes > 0 && lanes < config.lanes.length) options.push(`at most ${lanes} lane${lanes === 1 ? '' : 's'}`);
  const params = modelShape(config.model, info.shape, info.classNames.length).params;
  const suggestion =
    options.length > 0
      ? `What would fit: ${options.join(', or ')}.`
      : `Even one lane with a batch of 1 does not fit: choose a smaller model (this one has ${params.toLocaleString('en-US')} parameters).`;
  checkFits('This comparison', footprint, budget, suggestion);
}

/** Refuses an analysis whose evaluation samples do not fit, naming how many would. */
export function checkEvaluationFits(
  spec: ModelSpec,
  info: DatasetInfo,
  samples: number,
  chunk: number,
  what: string,
  weightCopies: number,
  budget: DeviceBudget = deviceBudget(),
): void {
  const footprint = evaluationFootprint(spec, info, samples, chunk, what, weightCopies);
  if (fitsBudget(footprint, budget)) return;
  const most = largestFitting(samples, (n) => fitsBudget(evaluationFootprint(spec, info, n, chunk, what, weightCopies), budget));
  checkFits(
    `The ${what}`,
    footprint,
    budget,
    most > 0 ? `What would fit: at most ${most.toLocaleString('en-US')} samples.` : 'Choose a smaller model.',
  );
}

/** JavaScript memory the Lanczos basis takes (float64 vectors of every parameter), against a heap budget. */
export function checkLanczosFits(parameters: number, vectors: number, heapBytes = 1024 * MIB): void {
  const bytes = parameters * vectors * 8;
  if (bytes <= heapBytes) return;
  const most = Math.max(1, Math.floor(heapBytes / (parameters * 8)));
  throw new MemoryLimitError(
    `The Hessian analysis would keep ${vectors} Lanczos vectors of ${parameters.toLocaleString('en-US')} ` +
      `numbers (${formatBytes(bytes)}) in JavaScript memory; at most ${formatBytes(heapBytes)} is ` +
      `allowed. What would fit: at most ${most} iterations (max iterations), or a smaller model.`,
  );
}
