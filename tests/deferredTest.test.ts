import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { defaultComparison, makeLane, type ComparisonConfig } from '../src/engine/train/config';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import type { MetricPoint } from '../src/engine/train/metrics';
import { Trainer } from '../src/engine/train/trainer';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

// 2,500 test samples are three chunks of 1,000 (comparison.ts), so a test takes pieces.
const data = syntheticDataset(200, 2500);
const config: ComparisonConfig = {
  ...defaultComparison('synthetic'),
  model: { kind: 'mlp', hidden: [16] },
  batchSize: 10,
  epochs: 5,
  testSize: 2500,
  testEvery: 4,
  logEvery: 2,
  lanes: [makeLane(0, { ...defaultOptimizerConfig('sgd'), lr: 0.1 }), makeLane(1, { ...defaultOptimizerConfig('momentum'), lr: 0.05 })],
};

const tests = (points: MetricPoint[]) => points.filter((p) => p.metric === 'test_loss' || p.metric === 'test_acc');

describe('deferred test evaluations', () => {
  it('are taken at their step and computed in pieces between windows, to the same numbers as within the window', async () => {
    const direct = new Trainer(data, config, { checkpointEvery: null });
    const deferred = new Trainer(data, config, { checkpointEvery: null, deferTests: true });
    const before = tf.memory().numTensors;
    expect(tests(await direct.start())).toEqual(tests(await deferred.start()));
    const expected: MetricPoint[] = [];
    const got: MetricPoint[] = [];
    let pieces = 0;
    while (direct.comparison.step < 12) {
      expected.push(...tests((await direct.trainWindow(3)).points));
      const window = await deferred.trainWindow(3);
      expect(tests(window.points)).toEqual([]);
      // Training goes on while the test is pending: a few pieces after each window (2 steps: logEvery).
      for (let i = 0; i < 3 && deferred.testPending; i++, pieces++) got.push(...tests(await deferred.testPiece()));
    }
    got.push(...tests(await deferred.finishTest()));
    expect(got.map((p) => `${p.laneId}@${p.step}`)).toEqual(expected.map((p) => `${p.laneId}@${p.step}`));
    // The same numbers (wall seconds aside: each trainer keeps its own clock).
    const numbers = (points: MetricPoint[]) => points.map(({ wallSeconds: _wallSeconds, ...rest }) => rest);
    expect(numbers(got)).toEqual(numbers(expected));
    expect(got.map((p) => p.step)).toEqual([4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12]);
    // 2 lanes x 3 chunks per test.
    expect(pieces).toBeGreaterThanOrEqual(6);
    await deferred.dispose();
    await direct.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('finish before the lanes change; a reset or dispose drops one under way and frees its copies', async () => {
    const trainer = new Trainer(data, config, { checkpointEvery: null, deferTests: true });
    await trainer.start();
    const base = tf.memory().numTensors;
    while (trainer.comparison.step < 4) await trainer.trainWindow(4);
    expect(trainer.testPending).toBe(true);
    await trainer.testPiece();
    // Removing a lane first finishes the test of both lanes at step 4.
    const finished = tests(await trainer.reconfigure({ ...config, lanes: config.lanes.slice(0, 1) }));
    expect(finished.map((p) => `${p.laneId}@${p.step}`)).toEqual(['lane1@4', 'lane1@4', 'lane2@4', 'lane2@4']);
    expect(trainer.testPending).toBe(false);
    while (trainer.comparison.step < 8) await trainer.trainWindow(4);
    expect(trainer.testPending).toBe(true);
    await trainer.testPiece();
    await trainer.reset();
    expect(trainer.testPending).toBe(false);
    while (trainer.comparison.step < 4) await trainer.trainWindow(4);
    await trainer.testPiece();
    await trainer.dispose();
    expect(tf.memory().numTensors).toBeLessThan(base);
  });
});
