/**
 * The backend `auto` uses, chosen by measurement: a few training steps of the model the user will
 * train (SGD with momentum, the real batch size, random inputs of the dataset's shape) on each
 * candidate, the fastest kept. Candidates are the hardware GPU backends and WASM; software
 * rasterizers (SwiftShader) and the pure-JS CPU backend are not timed: they are measured slowest
 * wherever WASM works (BENCHMARKS.md), and a first WebGPU step on SwiftShader compiles for seconds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend';
import { errorMessage } from './errors';
import type { BackendChoice, BackendName, BackendOptions, BackendReport, BackendTiming, GpuAvailability } from './gpuProbe';
import type { ModelSpec } from './model/spec';
import { createModel } from './model/registry';
import { initParams } from './model/init';
import { disposeParams } from './model/paramTensors';
import { Objective } from './optim/objective';
import { createOptimizer } from './optim/optimizers';

export interface TimedWorkload {
  model: ModelSpec;
  inputShape: [number, number, number];
  classes: number;
  batchSize: number;
}

/** Backends worth timing: hardware GPUs that started, and WASM. */
export function timingCandidates(gpu: GpuAvailability): BackendName[] {
  const out: BackendName[] = [];
  if (gpu.webgpu.ok && !gpu.webgpu.software) out.push('webgpu');
  if (gpu.webgl.ok && !gpu.webgl.software) out.push('webgl');
  out.push('wasm');
  return out;
}

/** Milliseconds per training step on the active backend: one warm-up step (compilation), then until `budgetMs` or 5 steps. */
export async function timeTrainingStep(workload: TimedWorkload, budgetMs: number): Promise<number> {
  const { model: spec, inputShape, classes, batchSize } = workload;
  const model = createModel(spec, inputShape, classes);
  let params = initParams(model.params, 1);
  const objective = new Objective(model, 'cross-entropy');
  const optimizer = createOptimizer({ kind: 'momentum', lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0 }, tf);
  const size = batchSize * inputShape[0] * inputShape[1] * inputShape[2];
  const x = tf.tensor4d(
    Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.61)),
    [batchSize, ...inputShape],
  );
  const labels = tf.tensor1d(
    Array.from({ length: batchSize }, (_, i) => i % classes),
    'int32',
  );
  const y = tf.tidy(() => tf.cast(tf.oneHot(labels, classes), 'float32')) as tf.Tensor2D;
  const batch = { x, y, labels, size: batchSize };
  const step = async () => {
    const result = objective.evaluate(params, batch);
    const next = optimizer.apply(params, result.grads, 0.01);
    disposeParams(result.grads);
    disposeParams(params);
    params = next;
    await result.loss.data();
    tf.dispose([result.loss, result.correct, ...Object.values(result.metrics)]);
  };
  try {
    await step();
    const started = performance.now();
    let steps = 0;
    while (steps < 5 && (steps === 0 || performance.now() - started < budgetMs)) {
      await step();
      steps++;
    }
    return (performance.now() - started) / steps;
  } finally {
    disposeParams(params);
    optimizer.dispose();
    objective.dispose();
    tf.dispose([x, labels, y]);
  }
}

export function describeWorkload(w: TimedWorkload): string {
  const m = w.model;
  const model = m.kind === 'mlp' ? `MLP ${m.hidden.join('-')}` : `CNN ${m.channels.join('-')} k${m.kernelSize} dense ${m.dense}`;
  return `${model} on ${w.inputShape.join('x')} inputs, batch ${w.batchSize}`;
}

/**
 * Times each candidate and leaves the fastest active; returns its report with the figures.
 * `cache` maps a device+workload key to earlier timings, so a model seen before is not timed again.
 */
export async function chooseByMeasurement(
  candidates: readonly BackendName[],
  workload: TimedWorkload,
  options: BackendOptions,
  cache: Map<string, BackendTiming[]>,
  budgetMs = 400,
): Promise<{ report: BackendReport; choice: BackendChoice }> {
  const key = `${candidates.join(',')}|${describeWorkload(workload)}`;
  let timings = cache.get(key);
  if (!timings) {
    timings = [];
    for (const name of candidates) {
      try {
        const report = await initBackend(name, options);
        if (report.name !== name) timings.push({ name, msPerStep: null, note: 'did not start' });
        else timings.push({ name, msPerStep: await timeTrainingStep(workload, budgetMs) });
      } catch (error) {
        timings.push({ name, msPerStep: null, note: errorMessage(error) });
      }
    }
    cache.set(key, timings);
  }
  const timed = timings.filter((t): t is BackendTiming & { msPerStep: number } => t.msPerStep !== null);
  const fastest = timed.reduce<(typeof timed)[number] | null>(
    (best, t) => (best === null || t.msPerStep < best.msPerStep ? t : best),
    null,
  );
  const winner = fastest?.name ?? 'wasm';
  const report = await initBackend(winner, options);
  const figures = timed.map((t) => `${t.name} ${t.msPerStep.toPrecision(3)} ms`).join(', ');
  const reason =
    timed.length > 1
      ? `auto chose ${report.name}: fastest of ${figures} per training step (${describeWorkload(workload)})`
      : `auto chose ${report.name}: the only backend here worth timing (${figures || 'none timed'}); ` +
        'software rasterizers and the JS CPU backend are slower';
  return { report: { ...report, requested: 'auto' }, choice: { timings, workload: describeWorkload(workload), reason } };
}
