import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseByMeasurement, describeWorkload, timeTrainingStep, timingCandidates, type TimedWorkload } from '../src/engine/backendChoice';
import type { BackendTiming } from '../src/engine/gpuProbe';
import { initBackend } from '../src/engine/backend';

const workload: TimedWorkload = { model: { kind: 'mlp', hidden: [128, 64] }, inputShape: [28, 28, 1], classes: 10, batchSize: 64 };

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('the backend auto picks, by measurement', () => {
  it('times hardware GPUs and WASM only', () => {
    const gpu = (webgpu: [boolean, boolean], webgl: [boolean, boolean]) => ({
      webgpu: { ok: webgpu[0], software: webgpu[1] },
      webgl: { ok: webgl[0], software: webgl[1] },
    });
    expect(timingCandidates(gpu([true, false], [true, false]))).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(timingCandidates(gpu([true, true], [true, false]))).toEqual(['webgl', 'wasm']);
    expect(timingCandidates(gpu([true, true], [true, true]))).toEqual(['wasm']);
    expect(timingCandidates(gpu([false, false], [false, false]))).toEqual(['wasm']);
  });

  it('a timed step leaves no tensor behind and takes a positive time', async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const ms = await timeTrainingStep(workload, 100);
    expect(ms).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the faster of two backends that work here (WASM against the JS CPU backend), with the figures, and reuses them', async () => {
    const cache = new Map<string, BackendTiming[]>();
    const { report, choice } = await chooseByMeasurement(['cpu', 'wasm'], workload, {}, cache, 200);
    expect(choice.timings.map((t) => t.name)).toEqual(['cpu', 'wasm']);
    const [cpu, wasm] = choice.timings.map((t) => t.msPerStep!);
    expect(cpu).toBeGreaterThan(0);
    expect(wasm).toBeGreaterThan(0);
    const faster = cpu < wasm ? 'cpu' : 'wasm';
    expect(report.name).toBe(faster);
    expect(tf.getBackend()).toBe(faster);
    expect(report.requested).toBe('auto');
    expect(choice.reason).toContain(`auto chose ${faster}: fastest of cpu`);
    expect(choice.workload).toBe(describeWorkload(workload));
    // Seen before: the same figures, no new timing.
    const again = await chooseByMeasurement(['cpu', 'wasm'], workload, {}, cache, 200);
    expect(again.choice.timings).toBe(choice.timings);
    // Another model is timed afresh.
    const cnn: TimedWorkload = { ...workload, model: { kind: 'cnn', channels: [4, 8], kernelSize: 3, dense: 16 }, batchSize: 8 };
    const other = await chooseByMeasurement(['cpu', 'wasm'], cnn, {}, cache, 100);
    expect(other.choice.timings).not.toBe(choice.timings);
    expect(cache.size).toBe(2);
  });
});
