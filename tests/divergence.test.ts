import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison, makeLane, type ComparisonConfig } from '../src/engine/train/config';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { detectDivergence, emptyHistory, likelyCause } from '../src/engine/train/divergence';
import { MetricAggregator } from '../src/engine/train/aggregator';
import type { StepRecord } from '../src/engine/train/records';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const sgd = (lr: number) => ({ ...defaultOptimizerConfig('sgd'), lr });
const record = (step: number, loss: number, extra: Record<string, number> = {}): StepRecord => ({
  step,
  loss,
  accuracy: 0.5,
  lr: 1,
  metrics: extra,
});

describe('divergence detection', () => {
  it('finds the first non-finite loss, remembers the last finite one and names the cause', () => {
    const lane = makeLane(0, sgd(3), 'hot SGD');
    const history = emptyHistory();
    expect(detectDivergence(lane, [record(1, 2.3), record(2, 1.9)], true, history, 2)).toBeNull();
    const d = detectDivergence(lane, [record(3, 4.5), record(4, 80), record(5, NaN), record(6, NaN)], true, history, 6)!;
    expect(d).toMatchObject({ step: 5, what: 'loss', lastFiniteLoss: 80, lastFiniteStep: 4 });
    expect(d.cause).toBe('learning rate 1 too high for SGD');
    expect(d.message).toBe(
      '"hot SGD" stopped at step 5: its training loss became NaN (last finite loss 80.00). Likely ' +
        'cause: learning rate 1 too high for SGD. The other lanes go on; reset to try again.',
    );
  });

  it('catches weights that overflowed while every loss was finite', () => {
    const d = detectDivergence(makeLane(0, sgd(1)), [record(1, 2), record(2, 2.1)], false, emptyHistory(), 2)!;
    expect(d).toMatchObject({ step: 2, what: 'weights', lastFiniteLoss: 2.1, lastFiniteStep: 2 });
    expect(d.message).toMatch(/its weights became NaN or infinite/);
  });

  it('says Infinity when the loss overflowed, and that no loss was ever finite when none was', () => {
    const d = detectDivergence(makeLane(0, sgd(1)), [record(1, Infinity)], true, emptyHistory(), 1)!;
    expect(d.message).toMatch(/became Infinity \(no finite loss before\)/);
    expect(d.lastFiniteLoss).toBeNull();
  });

  it('blames the deformation guard, a method strength or the learning rate', () => {
    const lane = makeLane(0, { ...defaultOptimizerConfig('momentum'), lr: 0.5 });
    const flat = { first: 1, recent: [1, 0.9, 0.8] };
    expect(likelyCause({ ...lane, deformation: { kind: 'le', e1: 1, e2: 0.9 } }, flat, 3, 0.5)).toMatch(
      /LE deformation's slope δ′ hit its guard 3 time/,
    );
    expect(likelyCause({ ...lane, method: { kind: 'sam', rho: 5 } }, flat, 0, 0.5)).toBe(
      'learning rate 0.5 too high for SGD with momentum with SAM, or its ρ too large',
    );
    expect(likelyCause({ ...lane, method: { kind: 'sam', rho: 5 } }, { first: 1, recent: [1, 0.5, 3] }, 0, 0.5)).toBe(
      'learning rate 0.5 too high for SGD with momentum',
    );
    expect(likelyCause(lane, flat, 0, 0.5)).toBe('learning rate 0.5 too high for SGD with momentum');
  });
});

describe('a diverging lane in a comparison', () => {
  const config: ComparisonConfig = {
    ...defaultComparison('synthetic'),
    model: { kind: 'mlp', hidden: [16, 16] },
    batchSize: 10,
    epochs: 20,
    testSize: 50,
    logEvery: 5,
    lanes: [makeLane(0, sgd(1e4), 'SGD η 1e4'), makeLane(1, sgd(0.05), 'SGD'), makeLane(2, defaultOptimizerConfig('adam'), 'Adam')],
  };

  it('stops that lane with a message, keeps the others training, and lets no NaN through', async () => {
    const before = tf.memory().numTensors;
    const comparison = new Comparison(syntheticDataset(), config);
    const aggregator = new MetricAggregator(config.logEvery);
    const points = [];
    let diverged = null;
    for (let w = 0; w < 12; w++) {
      for (const window of await comparison.trainWindow(5)) {
        points.push(...aggregator.addWindow(window));
        if (window.diverged) diverged = window.diverged;
      }
    }
    const [hot, calm, adam] = comparison.lanes;
    expect(hot.diverged).not.toBeNull();
    expect(diverged).toEqual(hot.diverged);
    expect(hot.diverged!.message).toMatch(/^"SGD η 1e4" stopped at step \d+: .*Likely cause: learning rate 10000 too high for SGD\./);
    expect(calm.diverged).toBeNull();
    expect(adam.diverged).toBeNull();
    expect(calm.steps).toBe(60);
    expect(adam.steps).toBe(60);
    expect(points.every((p) => Number.isFinite(p.value))).toBe(true);
    expect(points.filter((p) => p.laneId === hot.config.id && p.metric === 'train_loss').every((p) => p.step < hot.diverged!.step)).toBe(
      true,
    );
    expect(points.some((p) => p.laneId === calm.config.id && p.step === 60)).toBe(true);
    const test = await comparison.evaluateTest();
    expect([...test.keys()]).toEqual([calm.config.id, adam.config.id]);
    await expect(comparison.snapshot([hot.config.id])).rejects.toThrow(/"SGD η 1e4" diverged at step \d+: its weights are not finite/);
    expect(() => comparison.forkLane(hot.config.id, { ...hot.config, id: 'copy' })).toThrow(/nothing to duplicate/);
    expect(() => comparison.requireFiniteLane(hot.config.id)).toThrow(/nothing to analyse, shift or export/);
    expect(comparison.allDiverged).toBe(false);
    comparison.reset();
    expect(comparison.lanes[0].diverged).toBeNull();
    comparison.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
