import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison, makeLane, type ComparisonConfig } from '../src/engine/train/config';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { defaultMethod } from '../src/engine/optim/methods';
import { DEFAULT_SOS } from '../src/engine/optim/sos';
import { readParams } from '../src/engine/model/paramTensors';
import { initBackend } from '../src/engine/backend';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const config: ComparisonConfig = {
  ...defaultComparison('synthetic'),
  model: { kind: 'mlp', hidden: [12] },
  batchSize: 10,
  epochs: 10,
  testSize: 20,
  lanes: [
    makeLane(0, { ...defaultOptimizerConfig('momentum'), lr: 0.05 }, 'momentum'),
    { ...makeLane(1, defaultOptimizerConfig('adam'), 'adam + NSO'), method: defaultMethod('nso') },
    {
      ...makeLane(2, { ...defaultOptimizerConfig('sgd'), lr: 0.1 }, 'sgd + SAM + SOS'),
      method: defaultMethod('sam'),
      sos: { ...DEFAULT_SOS, enabled: true, every: 4, samples: 4 },
    },
  ],
};

const weightsOf = async (c: Comparison) => Promise.all(c.lanes.map((l) => readParams(l.params)));

describe('checkpoints', () => {
  it('a comparison restored from a checkpoint goes on exactly as the original (weights, momentum, Adam moments, noise, SOS)', async () => {
    const data = syntheticDataset();
    const original = new Comparison(data, config);
    await original.trainWindow(10);
    const checkpoint = await original.checkpoint();
    expect(checkpoint.step).toBe(10);
    expect(Object.keys(checkpoint.lanes[1].optimizer.buffers).sort()).toEqual(['m', 'v']);
    expect(checkpoint.lanes[1].optimizer.step).toBe(10);
    await original.trainWindow(10);
    const expected = await weightsOf(original);

    const before = tf.memory().numTensors;
    const restored = new Comparison(data, config);
    await restored.trainWindow(3); // somewhere else entirely
    restored.restore(checkpoint);
    expect(restored.step).toBe(10);
    expect(restored.lanes.map((l) => [l.steps, l.gradEvals])).toEqual(checkpoint.lanes.map((l) => [l.steps, l.gradEvals]));
    await restored.trainWindow(10);
    expect(await weightsOf(restored)).toEqual(expected);
    restored.dispose();
    expect(tf.memory().numTensors).toBe(before);
    original.dispose();
  });

  it('restores on another backend (CPU to WASM) to float precision, and refuses another structure', async () => {
    const data = syntheticDataset();
    const onCpu = new Comparison(data, config);
    await onCpu.trainWindow(8);
    const checkpoint = await onCpu.checkpoint();
    const saved = await weightsOf(onCpu);
    onCpu.dispose();
    await initBackend('wasm');
    const onWasm = new Comparison(data, config);
    onWasm.restore(checkpoint);
    const restored = await weightsOf(onWasm);
    expect(restored).toEqual(saved);
    await onWasm.trainWindow(2);
    expect(onWasm.step).toBe(10);
    for (const lane of onWasm.lanes) expect(lane.diverged).toBeNull();
    onWasm.dispose();
    const other = new Comparison(data, { ...config, seed: 7 });
    expect(() => other.restore(checkpoint)).toThrow(/another dataset, model, seed or batch size/);
    other.dispose();
    await tf.setBackend('cpu');
  });
});
