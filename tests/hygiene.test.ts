/**
 * Tensor hygiene: every engine operation leaves tf.memory().numTensors where it found it.
 * Each operation runs twice (the first may create lazily cached constants) and the count is
 * compared across the second run, on a small MLP and a small CNN.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison, makeLane, type ComparisonConfig, type LaneConfig } from '../src/engine/train/config';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { allMethods, defaultMethod } from '../src/engine/optim/methods';
import { DEFAULT_SOS } from '../src/engine/optim/sos';
import { runLandscape } from '../src/engine/landscape/job';
import { DEFAULT_LANDSCAPE } from '../src/engine/landscape/config';
import { DEFAULT_HESSIAN } from '../src/engine/hessian/config';
import { analyseHessian } from '../src/engine/hessian/analysis';
import { CurvatureTracker } from '../src/engine/hessian/tracker';
import { HessianOperator } from '../src/engine/hessian/hvp';
import { gaussian, topEigenvalues } from '../src/engine/hessian/lanczos';
import { hutchinsonTrace } from '../src/engine/hessian/trace';
import { spectralDensity } from '../src/engine/hessian/density';
import { disposeEvalSet, makeEvalSet } from '../src/engine/data/batch';
import { DIRECT_CONTROL } from '../src/engine/control';
import { readParams } from '../src/engine/model/paramTensors';
import { weightsFromSafetensors, weightsFromTfjs, weightsToSafetensors, weightsToTfjs } from '../src/engine/io/weights';
import type { ModelSpec } from '../src/engine/model/spec';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const data = syntheticDataset(120, 40, [8, 8, 1], 4);

function everyMethodLanes(): LaneConfig[] {
  const base = { ...defaultOptimizerConfig('momentum'), lr: 0.05 };
  const methods = allMethods().map((m) => m.kind);
  return [
    ...methods.map((kind, i) => ({ ...makeLane(i, base, kind), method: defaultMethod(kind) as LaneConfig['method'] })),
    { ...makeLane(methods.length, defaultOptimizerConfig('adam'), 'sos'), sos: { ...DEFAULT_SOS, enabled: true, every: 2, samples: 4 } },
  ].slice(0, 8);
}

function configFor(model: ModelSpec, lanes: LaneConfig[]): ComparisonConfig {
  return { ...defaultComparison('synthetic'), model, batchSize: 10, epochs: 5, testSize: 20, logEvery: 2, lanes };
}

async function unchanged(name: string, op: () => Promise<unknown>): Promise<void> {
  await op();
  const before = tf.memory().numTensors;
  await op();
  expect(tf.memory().numTensors, name).toBe(before);
}

const MODELS: ModelSpec[] = [
  { kind: 'mlp', hidden: [6] },
  { kind: 'cnn', channels: [2, 2], kernelSize: 3, dense: 6 },
];

describe.each(MODELS)('every engine operation leaves numTensors unchanged ($kind)', (model) => {
  it('training steps of every method, SOS shifts and deformations; evaluation; reset; fork; dispose', async () => {
    const before = tf.memory().numTensors;
    const lanes = everyMethodLanes();
    expect(new Set(lanes.map((l) => l.method.kind)).size).toBeGreaterThanOrEqual(6);
    const deformed: LaneConfig[] = [
      { ...makeLane(0, defaultOptimizerConfig('momentum'), 'ap'), deformation: { kind: 'ap', a1: 18 / Math.PI, a2: 1, a3: 2, a4: 1 } },
      { ...makeLane(1, defaultOptimizerConfig('sgd'), 'le'), deformation: { kind: 'le', e1: 1, e2: 0.9 } },
    ];
    for (const set of [lanes, deformed]) {
      const comparison = new Comparison(data, configFor(model, set));
      await comparison.trainWindow(2);
      await unchanged('trainWindow', () => comparison.trainWindow(2));
      await unchanged('evaluateTest', () => comparison.evaluateTest());
      await unchanged('shiftNow', () => comparison.shiftNow(comparison.lanes[0].config.id, 4));
      await unchanged('fork + remove', async () => {
        const fork = comparison.forkLane(comparison.lanes[0].config.id, { ...comparison.lanes[0].config, id: 'fork' });
        expect(fork.steps).toBeGreaterThan(0);
        comparison.applyConfig({
          ...comparison.config,
          lanes: comparison.lanes.filter((l) => l.config.id !== 'fork').map((l) => l.config),
        });
      });
      await unchanged('reset + train', async () => {
        comparison.reset();
        await comparison.trainWindow(1);
      });
      comparison.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('landscapes (1D, 2D, interpolation), HVP, Lanczos, Hutchinson, SLQ, tracking, weights export and import', async () => {
    const before = tf.memory().numTensors;
    const lanes = [makeLane(0, { ...defaultOptimizerConfig('momentum'), lr: 0.05 }, 'a'), makeLane(1, defaultOptimizerConfig('adam'), 'b')];
    const comparison = new Comparison(data, configFor(model, lanes));
    await comparison.trainWindow(4);
    const inputs = await comparison.snapshot(['lane1', 'lane2']);
    const settings = { ...DEFAULT_LANDSCAPE, curvePoints: 5, surfacePoints: 3, trainSamples: 20, testSamples: 10 };
    await unchanged('1D landscape', () =>
      runLandscape(inputs, { kind: 'curve', laneIds: ['lane1', 'lane2'], settings }, DIRECT_CONTROL, () => undefined),
    );
    await unchanged('2D landscape', () =>
      runLandscape(inputs, { kind: 'surface', laneIds: ['lane1'], settings }, DIRECT_CONTROL, () => undefined),
    );
    await unchanged('interpolation', () =>
      runLandscape(
        inputs,
        { kind: 'interpolation', from: { laneId: 'lane1', weights: 'initial' }, to: { laneId: 'lane2', weights: 'current' }, settings },
        DIRECT_CONTROL,
        () => undefined,
      ),
    );
    const cancelling = { ...DIRECT_CONTROL, cancelled: () => true };
    await unchanged('a cancelled 2D landscape', () =>
      runLandscape(inputs, { kind: 'surface', laneIds: ['lane1'], settings }, cancelling, () => undefined),
    );

    const weights = inputs.weights.get('lane1')!.current;
    const set = makeEvalSet(data.train, data.info, 30, 10);
    await unchanged('HVP, Lanczos, Hutchinson, SLQ', async () => {
      const op = new HessianOperator(comparison.model, weights, set, 'cross-entropy');
      await op.apply(gaussian(op.dimension, 1));
      await topEigenvalues(op, { k: 2, tol: 1e-2, maxIterations: 8, seed: 0 });
      await hutchinsonTrace(op, { tol: 0.1, minSamples: 2, maxSamples: 3, seed: 0 });
      await spectralDensity(op, { runs: 1, steps: 5, broadening: 0.01, seed: 0, points: 50 });
      op.dispose();
    });
    disposeEvalSet(set);
    const subject = {
      model: comparison.model,
      loss: 'cross-entropy' as const,
      dataset: comparison.dataset,
      laneId: 'lane1',
      label: 'a',
      step: 4,
      weights,
    };
    await unchanged('analyseHessian', () =>
      analyseHessian(
        subject,
        { ...DEFAULT_HESSIAN, samples: 20, topK: 1, maxIterations: 5, traceMaxSamples: 2, densityRuns: 1, densitySteps: 4 },
        DIRECT_CONTROL,
      ),
    );
    let calls = 0;
    const cancelLater = { ...DIRECT_CONTROL, cancelled: () => ++calls > 3 };
    await unchanged('a Hessian analysis cancelled midway', () =>
      analyseHessian(subject, { ...DEFAULT_HESSIAN, samples: 20, topK: 2, maxIterations: 30 }, cancelLater),
    );
    const tracking = { every: 1, samples: 20, iterations: 3, traceSamples: 2, tol: 0.01, budget: 0.25, slice: true };
    await unchanged('curvature tracking: warm-started, in slices, cancelled midway', async () => {
      const tracker = new CurvatureTracker(tracking);
      const item = { at: { laneId: 'lane1', step: 0, gradEvals: 0, wallSeconds: 0 }, subject };
      tracker.enqueue([item]);
      expect(await tracker.drain()).toHaveLength(1);
      tracker.enqueue([item]);
      await tracker.work(1e-6);
      await tracker.work(1e-6);
      expect(tracker.pending).toBe(1);
      await tracker.clear();
      expect(tracker.pending).toBe(0);
    });

    await unchanged('weights export and import (safetensors, TF.js)', async () => {
      const values = await readParams(comparison.lanes[0].params);
      const metadata = comparison.weightsMetadata('lane1');
      const st = weightsFromSafetensors(weightsToSafetensors(comparison.model.params, values, metadata), 'w.safetensors');
      comparison.replaceWeights('lane2', st.values);
      const [json, bin] = await weightsToTfjs(comparison.model.params, values, metadata);
      const tfjs = await weightsFromTfjs(json.bytes, bin.bytes);
      const added = comparison.addLaneWithWeights({ ...lanes[0], id: 'imported' }, tfjs.values);
      await comparison.trainWindow(1);
      comparison.applyConfig({ ...comparison.config, lanes: comparison.lanes.filter((l) => l !== added).map((l) => l.config) });
    });
    comparison.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
