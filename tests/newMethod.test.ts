/**
 * Adding a flat-minima method is one file (a descriptor) and one line in the method list: here a
 * throw-away method is written the way such a file would be and registered, and everything that
 * reads the list picks it up — validation, defaults, the method menu, the lane description, the
 * metric catalogue and its chart, training, gradient counting, share links — with no other change.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultExperiment, loadExperiment } from '../src/engine/io/experiment';
import { mapEntries } from '../src/engine/model/params';
import { readParams } from '../src/engine/model/paramTensors';
import { numberParam, shortNumber } from '../src/engine/optim/controls';
import { defineMethod } from '../src/engine/optim/methodDescriptor';
import { allMethods, defaultMethod, methodGradEvals, methodSchema, registerMethod, type MethodConfig } from '../src/engine/optim/methods';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { MetricAggregator } from '../src/engine/train/aggregator';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison, laneConfigSchema, makeLane, type LaneConfig } from '../src/engine/train/config';
import { describeLane } from '../src/engine/train/describeLane';
import { metricInfo } from '../src/engine/train/metrics';
import { describeZodError } from '../src/engine/validation';
import { methodCharts } from '../src/app/training/charts';
import { syntheticDataset, useCpu } from './helpers';

// ---- the "file": a method that hands the base optimizer a scaled gradient and logs ‖∇L‖ ----------

const FACTOR = numberParam({ key: 'factor', label: 'factor', help: 'Scale of the gradient.', min: 0, max: 1, step: 0.05, default: 0.5 });

const probe = defineMethod({
  kind: 'probe',
  label: 'Probe',
  help: 'A scaled gradient factor·∇L(θ) (1 gradient per step).',
  controls: [FACTOR],
  gradEvals: () => 1,
  metric: { name: 'probe_grad_norm', label: 'probe ‖∇L‖', help: 'Global norm of the plain gradient.' },
  summary: (c) => `probe ×${shortNumber(c.factor)}`,
  parts: (config, { tf: lib }) => ({
    gradient: ({ params, batch, objective }) => {
      const e = objective.evaluate(params, batch);
      const norm = lib.tidy(() => lib.sqrt(lib.addN(Object.values(e.grads).map((g) => lib.sum(lib.square(g))))) as tf.Scalar);
      const grads = lib.tidy(() => mapEntries(e.grads, (g) => lib.mul(g, config.factor)));
      lib.dispose(e.grads);
      return { grads, loss: e.loss, correct: e.correct, metrics: { ...e.metrics, probe_grad_norm: norm } };
    },
  }),
});

// ---- the "line in the list" ----------------------------------------------------------------------

beforeAll(async () => {
  await useCpu();
  registerMethod(probe);
});

const probeConfig = (factor: number) => ({ kind: 'probe', factor }) as unknown as MethodConfig;
const sgd = { ...defaultOptimizerConfig('sgd'), lr: 0.1 };
const probeLane = (factor = 0.5): LaneConfig => ({ ...makeLane(1, sgd, 'probe'), method: probeConfig(factor) });

describe('a method registered in one line', () => {
  it('is validated by its derived schema, with its own defaults, in the menu and the lane description', () => {
    expect(methodSchema.parse({ kind: 'probe', factor: 0.25 })).toEqual({ kind: 'probe', factor: 0.25 });
    const bad = laneConfigSchema.safeParse({ ...probeLane(), method: { kind: 'probe', factor: 2 } });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(describeZodError(bad.error)).toMatch(/method\.factor: factor must be a number in \[0, 1\]/);
    expect(defaultMethod('probe')).toEqual({ kind: 'probe', factor: 0.5 });
    expect(allMethods().map((m) => m.label)).toContain('Probe');
    expect(methodGradEvals(probeConfig(0.5))).toBe(1);
    expect(describeLane(probeLane(0.5))).toBe('SGD η 0.1 · probe ×0.5 — 1 grad/step');
  });

  it('brings its metric into the catalogue and a chart shown only where a lane uses it', () => {
    expect(metricInfo('probe_grad_norm')).toMatchObject({ label: 'probe ‖∇L‖' });
    const chart = methodCharts().find((c) => c.metrics.includes('probe_grad_norm' as never));
    expect(chart).toBeDefined();
    expect(chart!.shown(probeLane())).toBe(true);
    expect(chart!.shown(makeLane(0, sgd))).toBe(false);
  });

  it('trains: the first step moves the weights by exactly factor × the plain step, counts its gradients and logs its metric', async () => {
    const before = tf.memory().numTensors;
    const config = { ...defaultComparison('synthetic'), model: { kind: 'mlp' as const, hidden: [6] }, batchSize: 20, logEvery: 1 };
    const comparison = new Comparison(syntheticDataset(), { ...config, lanes: [makeLane(0, sgd, 'plain'), probeLane(0.25)] });
    const initial = await readParams(comparison.lanes[0].params);
    const windows = await comparison.trainWindow(1);
    const [plain, scaled] = await Promise.all(comparison.lanes.map((l) => readParams(l.params)));
    for (const name of Object.keys(initial)) {
      initial[name].forEach((w0, i) => {
        const expected = 0.25 * (plain[name][i] - w0);
        expect(Math.abs(scaled[name][i] - w0 - expected)).toBeLessThan(1e-6 + 1e-4 * Math.abs(expected));
      });
    }
    expect(windows[1].gradEvals).toBe(1);
    const points = new MetricAggregator(1).addWindow(windows[1]);
    const logged = points.find((p) => p.metric === ('probe_grad_norm' as never));
    expect(logged?.value).toBeGreaterThan(0);
    comparison.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('travels in a share link or a setup file like any method', () => {
    const experiment = defaultExperiment();
    experiment.comparison.lanes = [probeLane(0.3)];
    const loaded = loadExperiment(JSON.parse(JSON.stringify(experiment)));
    expect(loaded.ignored).toEqual([]);
    expect(loaded.experiment.comparison.lanes[0].method).toEqual({ kind: 'probe', factor: 0.3 });
  });

  it('refuses a second method of the same kind, and one registered after settings were validated', () => {
    expect(() => registerMethod(probe)).toThrow(/a method "probe" is already registered/);
    expect(() => registerMethod({ ...probe, kind: 'late' })).toThrow(/register "late" before settings are first validated/);
  });
});
