import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { TrajectoryRecorder } from '../src/engine/train/trajectories';
import { Trainer } from '../src/engine/train/trainer';
import { defaultComparison } from '../src/engine/train/config';
import { polylinesVtp } from '../src/engine/io/exports/analyses';
import { defaultExperiment, experimentFromJson, experimentToJson } from '../src/engine/io/experiment';
import { DEFAULT_ANALYSIS_SETTINGS } from '../src/engine/analyses/config';
import { countParams } from '../src/engine/model/params';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const weights = (value: number, size = 1000) => new Float32Array(size).fill(value);

describe('trajectory snapshots', () => {
  it('keep every lane within the budget by thinning the older half; the first and the newest stay', () => {
    // 4,000 bytes a snapshot, two lanes, 40 KB: 10 snapshots in all before thinning.
    const recorder = new TrajectoryRecorder({ every: 10, budgetBytes: 40_000 });
    for (let step = 0; step <= 200; step += 10) {
      recorder.record('a', step, weights(step));
      recorder.record('b', step, weights(-step));
      expect(recorder.bytes).toBeLessThanOrEqual(40_000);
    }
    for (const lane of ['a', 'b']) {
      const steps = recorder.snapshots(lane).map((s) => s.step);
      expect(steps[0]).toBe(0);
      expect(steps[steps.length - 1]).toBe(200);
      expect([...steps].sort((x, y) => x - y)).toEqual(steps);
      // Denser at the newest end than at the oldest.
      expect(steps[steps.length - 1] - steps[steps.length - 2]).toBeLessThan(steps[1] - steps[0]);
    }
    expect(recorder.state().thinned).toBe(true);
    expect(recorder.snapshots('a').find((s) => s.step === 200)?.weights[0]).toBe(200);
  });

  it('go back with the comparison, forget removed lanes and start over on reset', () => {
    const recorder = new TrajectoryRecorder({ every: 10, budgetBytes: 1e9 });
    for (let step = 0; step <= 50; step += 10) recorder.record('a', step, weights(step));
    recorder.dropAfter(25);
    expect(recorder.snapshots('a').map((s) => s.step)).toEqual([0, 10, 20]);
    recorder.record('a', 20, weights(99)); // the same step again replaces it
    expect(recorder.snapshots('a').map((s) => s.weights[0])).toEqual([0, 10, 99]);
    recorder.forget('a');
    expect(recorder.snapshots('a')).toEqual([]);
    recorder.record('b', 0, weights(1));
    recorder.clear();
    expect(recorder.bytes).toBe(0);
  });

  it('are taken by the trainer every 20 steps from step 0, for every lane, without leaking tensors', async () => {
    const data = syntheticDataset(640, 50, [4, 4, 1], 3);
    const config = {
      ...defaultComparison(),
      datasetId: 'synthetic',
      model: { kind: 'mlp' as const, hidden: [4] },
      batchSize: 16,
      epochs: 1,
      testEvery: 20,
      testSize: 50,
    };
    config.lanes = config.lanes.slice(0, 2);
    // The recording reads weights back and keeps no tensor: training holds as many as without it.
    const held = async (trajectory: null | undefined) => {
      const t = new Trainer(data, config, { checkpointEvery: null, trajectory });
      const before = tf.memory().numTensors;
      await t.start();
      while (!t.finished) await t.trainWindow(7);
      return { trainer: t, tensors: tf.memory().numTensors - before };
    };
    const without = await held(null);
    expect(without.trainer.trajectories).toBeNull();
    await without.trainer.dispose();
    const { trainer, tensors } = await held(undefined);
    expect(tensors).toBe(without.tensors);
    const size = countParams(trainer.comparison.model.params);
    for (const lane of config.lanes) {
      const snapshots = trainer.trajectories!.snapshots(lane.id);
      expect(snapshots.map((s) => s.step)).toEqual([0, 20, 40]);
      expect(snapshots.every((s) => s.weights.length === size)).toBe(true);
    }
    expect(trainer.trajectories!.snapshots(config.lanes[0].id)[0].weights).toEqual(
      trainer.trajectories!.snapshots(config.lanes[1].id)[0].weights,
    );
    await trainer.reset();
    expect(trainer.trajectories!.snapshots(config.lanes[0].id).map((s) => s.step)).toEqual([0]);
    await trainer.dispose();
  });
});

describe('analysis exports and settings', () => {
  it('paths as VTK polylines: one line cell per path, points in order, counts that agree', () => {
    const xml = polylinesVtp([
      {
        name: 'a',
        points: [
          [0, 0, 1],
          [1, 0, 2],
          [2, 1, 3],
        ],
      },
      {
        name: 'b',
        points: [
          [5, 5, 0],
          [6, 6, 0],
        ],
      },
    ]);
    const array = (name: string) => new RegExp(`Name="${name}"[^>]*>([^<]*)<`).exec(xml)![1].trim().split(/\s+/).map(Number);
    expect(xml).toContain('NumberOfPoints="5"');
    expect(xml).toContain('NumberOfLines="2"');
    expect(array('connectivity')).toEqual([0, 1, 2, 3, 4]);
    expect(array('offsets')).toEqual([3, 5]);
    expect(array('Points')).toEqual([0, 0, 1, 1, 0, 2, 2, 1, 3, 5, 5, 0, 6, 6, 0]);
    expect(array('path')).toEqual([0, 1]);
    expect(array('order')).toEqual([0, 1, 2, 0, 1]);
  });

  it('the experiment document carries every analysis’s settings; bad values fall back to the defaults with a note', () => {
    const e = defaultExperiment();
    e.analysisSettings.sharpness.rho = 0.3;
    e.analysisSettings.connectivity.steps = 77;
    const back = experimentFromJson(experimentToJson(e));
    expect(back.ignored).toEqual([]);
    expect(back.experiment.analysisSettings.sharpness.rho).toBe(0.3);
    expect(back.experiment.analysisSettings.connectivity.steps).toBe(77);
    const raw = JSON.parse(experimentToJson(e));
    raw.analysisSettings.sharpness.rho = -1;
    raw.analysisSettings.convexity.gridPoints = 'many';
    const bad = experimentFromJson(JSON.stringify(raw));
    expect(bad.experiment.analysisSettings.sharpness.rho).toBe(DEFAULT_ANALYSIS_SETTINGS.sharpness.rho);
    expect(bad.experiment.analysisSettings.sharpness.draws).toBe(e.analysisSettings.sharpness.draws);
    expect(bad.experiment.analysisSettings.convexity.gridPoints).toBe(DEFAULT_ANALYSIS_SETTINGS.convexity.gridPoints);
    expect(bad.ignored.join('\n')).toMatch(/analysisSettings\.sharpness\.rho/);
    expect(bad.ignored.join('\n')).toMatch(/analysisSettings\.convexity\.gridPoints/);
    // An older document without the section reads with the defaults and no complaint.
    delete raw.analysisSettings;
    const old = experimentFromJson(JSON.stringify(raw));
    expect(old.ignored).toEqual([]);
    expect(old.experiment.analysisSettings).toEqual(DEFAULT_ANALYSIS_SETTINGS);
  });
});
