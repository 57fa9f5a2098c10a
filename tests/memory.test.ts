import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkEvaluationFits,
  checkLanczosFits,
  checkTrainingFits,
  deviceBudget,
  fitsBudget,
  largestFitting,
  MemoryLimitError,
  modelShape,
  trainingFootprint,
  type DeviceBudget,
} from '../src/engine/memory';
import { createModel } from '../src/engine/model/registry';
import { countParams } from '../src/engine/model/params';
import { DEFAULT_CNN, DEFAULT_MLP, type ModelSpec } from '../src/engine/model/spec';
import { defaultComparison, makeLane, type ComparisonConfig } from '../src/engine/train/config';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const MIB = 2 ** 20;
const info = syntheticDataset(10, 10, [28, 28, 1], 10).info;
const budget: DeviceBudget = { backend: 'test', totalBytes: 2048 * MIB, maxTensorBytes: 256 * MIB, source: 'a test budget' };

describe('memory estimates', () => {
  it('count exactly the parameters the models have', () => {
    const specs: ModelSpec[] = [
      DEFAULT_MLP,
      { kind: 'mlp', hidden: [] },
      { kind: 'mlp', hidden: [300, 100, 50] },
      DEFAULT_CNN,
      { kind: 'cnn', channels: [3, 5], kernelSize: 5, dense: 7 },
    ];
    for (const spec of specs) {
      for (const shape of [
        [28, 28, 1],
        [32, 32, 3],
      ] as const) {
        expect(modelShape(spec, shape, 10).params, JSON.stringify([spec, shape])).toBe(
          countParams(createModel(spec, [...shape] as [number, number, number], 10).params),
        );
      }
    }
  });

  it('add up weights, optimizer state, gradients, method copies, batch activations and test samples', () => {
    const config: ComparisonConfig = {
      ...defaultComparison('x'),
      model: { kind: 'mlp', hidden: [10] },
      batchSize: 2,
      testSize: 3,
      lanes: [
        makeLane(0, defaultOptimizerConfig('sgd')),
        { ...makeLane(1, defaultOptimizerConfig('adam')), method: { kind: 'sam', rho: 0.05 } },
      ],
    };
    const p = 784 * 10 + 10 + 10 * 10 + 10;
    const f = trainingFootprint(config, info);
    // initial weights + SGD lane (weights, gradients, new weights) + Adam+SAM lane (weights, m, v, SAM's two copies,
    // gradients, new weights)
    const lanes = 4 * p * (1 + 3 + 7);
    const batch = 2 * (2 * 10 + 2 * 10 + 784) * 4 * 2;
    expect(f.bytes).toBe(lanes + batch + 3 * 784 * 4);
  });

  it('refuse a comparison too large for the device and say what would fit', () => {
    const huge: ComparisonConfig = {
      ...defaultComparison('x'),
      model: { kind: 'mlp', hidden: [4096, 4096, 4096, 4096] },
      lanes: Array.from({ length: 8 }, (_, i) => makeLane(i, defaultOptimizerConfig('adam'))),
    };
    let message = '';
    try {
      checkTrainingFits(huge, info, budget);
    } catch (error) {
      expect(error).toBeInstanceOf(MemoryLimitError);
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^This comparison needs about [\d.]+ GiB but test has about 2\.0 GiB here \(a test budget\); the largest parts: weights, optimizer states and gradients of all lanes [\d.]+ GiB/,
    );
    const lanes = Number(/at most (\d+) lanes?/.exec(message)?.[1]);
    expect(lanes).toBeGreaterThan(0);
    expect(fitsBudget(trainingFootprint({ ...huge, lanes: huge.lanes.slice(0, lanes) }, info), budget)).toBe(true);
    expect(fitsBudget(trainingFootprint({ ...huge, lanes: huge.lanes.slice(0, lanes + 1) }, info), budget)).toBe(false);
    expect(() => checkTrainingFits(defaultComparison('x'), info, budget)).not.toThrow();
    const giant = { ...huge, model: { kind: 'mlp' as const, hidden: [4096, 4096, 4096, 4096, 4096, 4096] }, lanes: huge.lanes.slice(0, 1) };
    expect(() => checkTrainingFits(giant, info, { ...budget, totalBytes: 100 * MIB })).toThrow(
      /choose a smaller model \(this one has [\d,]+ parameters\)/,
    );
  });

  it('refuse a single tensor over the backend limit, and analyses with too many samples', () => {
    const wide: ComparisonConfig = {
      ...defaultComparison('x'),
      model: { kind: 'mlp', hidden: [4096] },
      batchSize: 4096,
      lanes: [makeLane(0, defaultOptimizerConfig('sgd'))],
    };
    expect(() => checkTrainingFits(wide, info, { ...budget, maxTensorBytes: 32 * MIB })).toThrow(
      /needs a single tensor of 64\.0 MiB but test allows at most 32\.0 MiB.*batch size of at most 2048/,
    );
    expect(() => checkEvaluationFits(DEFAULT_MLP, info, 1_000_000, 500, 'landscape', 4, budget)).toThrow(
      /^The landscape needs about [\d.]+ GiB.*What would fit: at most [\d,]+ samples\./,
    );
    expect(() => checkEvaluationFits(DEFAULT_MLP, info, 2000, 500, 'landscape', 4, budget)).not.toThrow();
    expect(() => checkLanczosFits(10_000_000, 100)).toThrow(
      /100 Lanczos vectors of 10,000,000 numbers \(7\.5 GiB\).*at most 13 iterations/,
    );
    expect(() => checkLanczosFits(109_386, 105)).not.toThrow();
  });

  it('finds the largest fitting value by bisection', () => {
    expect(largestFitting(1000, (n) => n <= 437)).toBe(437);
    expect(largestFitting(1000, () => true)).toBe(1000);
    expect(largestFitting(1000, () => false)).toBe(0);
    expect(largestFitting(1, (n) => n <= 1)).toBe(1);
  });

  it('knows the budget of the backend in use', () => {
    const b = deviceBudget();
    expect(b.backend).toBe('cpu');
    expect(b.totalBytes).toBeGreaterThan(100 * MIB);
    expect(b.source).toMatch(/JavaScript heap/);
  });
});
