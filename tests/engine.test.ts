import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { withTrainingSubset } from '../src/engine/data/dataset';
import { makeBatch, rangeIndices, disposeBatch, makeEvalSet, disposeEvalSet } from '../src/engine/data/batch';
import { initParams, initialValues } from '../src/engine/model/init';
import { createModel } from '../src/engine/model/registry';
import type { ModelSpec } from '../src/engine/model/spec';
import { countParams, type Params } from '../src/engine/model/params';
import { disposeParams } from '../src/engine/model/paramTensors';
import { softmaxCrossEntropy } from '../src/engine/model/loss';
import { Objective } from '../src/engine/optim/objective';
import { evaluate } from '../src/engine/train/evaluate';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison, makeLane, type ComparisonConfig } from '../src/engine/train/config';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { createRng, deriveSeed } from '../src/engine/rng';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const tiny: ComparisonConfig = {
  ...defaultComparison('synthetic'),
  model: { kind: 'mlp', hidden: [16] },
  batchSize: 10,
  epochs: 50,
  testSize: 50,
  lanes: [
    makeLane(0, { ...defaultOptimizerConfig('sgd'), lr: 0.1 }),
    makeLane(1, { ...defaultOptimizerConfig('momentum'), lr: 0.05 }),
    makeLane(2, { ...defaultOptimizerConfig('adam'), lr: 0.01 }),
  ],
};

async function values(params: Params): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(params)) out[name] = (await t.data()) as Float32Array;
  return out;
}

describe('seeded random numbers', () => {
  it('are reproducible and roughly standard normal', () => {
    const a = createRng(5);
    const b = createRng(5);
    const xs = Array.from({ length: 20000 }, () => a.normal());
    expect(Array.from({ length: 20000 }, () => b.normal())).toEqual(xs);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(deriveSeed(1, 'init')).not.toBe(deriveSeed(1, 'batches'));
  });
});

describe('models', () => {
  it('name their parameters and count them', () => {
    const mlp = createModel({ kind: 'mlp', hidden: [64] }, [28, 28, 1], 10);
    expect(mlp.params.map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'dense1/kernel:784x64',
      'dense1/bias:64',
      'head/kernel:64x10',
      'head/bias:10',
    ]);
    expect(countParams(mlp.params)).toBe(784 * 64 + 64 + 64 * 10 + 10);
    const cnn = createModel({ kind: 'cnn', channels: [4, 8], kernelSize: 3, dense: 16 }, [28, 28, 1], 10);
    expect(cnn.params.map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'conv1/kernel:3x3x1x4',
      'conv1/bias:4',
      'conv2/kernel:3x3x4x8',
      'conv2/bias:8',
      'dense1/kernel:392x16',
      'dense1/bias:16',
      'head/kernel:16x10',
      'head/bias:10',
    ]);
    expect(cnn.featureSize).toBe(16);
  });

  it('expose features and the head separately: logits = features · K + b', async () => {
    const specs: ModelSpec[] = [
      { kind: 'mlp', hidden: [12, 6] },
      { kind: 'cnn', channels: [2, 3], kernelSize: 3, dense: 5 },
    ];
    for (const spec of specs) {
      const model = createModel(spec, [8, 8, 1], 4);
      const params = initParams(model.params, 3);
      const x = tf.randomNormal([5, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
      const { features, logits } = model.forward(params, x);
      expect(features.shape).toEqual([5, model.featureSize]);
      const manual = tf.add(tf.matMul(features, params['head/kernel'] as tf.Tensor2D), params['head/bias']);
      expect(tf.max(tf.abs(tf.sub(manual, logits))).dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([x, features, logits, manual]);
      disposeParams(params);
    }
  });

  it('initialize bit-identically from the same seed, differently from another', async () => {
    const model = createModel({ kind: 'cnn', channels: [4, 8], kernelSize: 3, dense: 16 }, [28, 28, 1], 10);
    const a = initParams(model.params, 11);
    const b = initParams(model.params, 11);
    const c = initParams(model.params, 12);
    const [va, vb, vc] = await Promise.all([values(a), values(b), values(c)]);
    for (const name of Object.keys(va)) {
      expect(Buffer.from(va[name].buffer).equals(Buffer.from(vb[name].buffer))).toBe(true);
      if (!name.endsWith('bias')) expect(va[name]).not.toEqual(vc[name]);
    }
    // He-normal: std √(2 / fanIn).
    const kernel = initialValues(model.params[4], 11);
    const std = Math.sqrt(kernel.reduce((s, v) => s + v * v, 0) / kernel.length);
    expect(Math.abs(std - Math.sqrt(2 / 392)) / Math.sqrt(2 / 392)).toBeLessThan(0.05);
    [a, b, c].forEach(disposeParams);
  });
});

describe('loss and gradients', () => {
  it('cross-entropy matches a hand computation', () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const y = tf.tensor2d([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const expected = (-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))) + Math.log(3)) / 2;
    expect(softmaxCrossEntropy(logits, y).dataSync()[0]).toBeCloseTo(expected, 6);
    tf.dispose([logits, y]);
  });

  it('gradients agree with central finite differences', async () => {
    const dataset = syntheticDataset(20, 5, [4, 4, 1], 3);
    const specs: ModelSpec[] = [
      { kind: 'mlp', hidden: [5] },
      { kind: 'cnn', channels: [2, 2], kernelSize: 3, dense: 4 },
    ];
    for (const spec of specs) {
      const model = createModel(spec, [4, 4, 1], 3);
      const params = initParams(model.params, 4);
      const batch = makeBatch(dataset.train, dataset.info, rangeIndices(0, 8));
      const { loss, correct, grads } = new Objective(model, 'cross-entropy').evaluate(params, batch);
      const lossAt = (p: Params) => tf.tidy(() => softmaxCrossEntropy(model.forward(p, batch.x).logits, batch.y).dataSync()[0]);
      const rng = createRng(9);
      for (const spec2 of model.params) {
        const base = params[spec2.name].dataSync();
        const g = grads[spec2.name].dataSync();
        for (let trial = 0; trial < 3; trial++) {
          const i = rng.int(base.length);
          const eps = 1e-2;
          const shifted = (delta: number) => {
            const copy = Float32Array.from(base);
            copy[i] += delta;
            const t = tf.tensor(copy, spec2.shape);
            const value = lossAt({ ...params, [spec2.name]: t });
            t.dispose();
            return value;
          };
          const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
          expect(Math.abs(numeric - g[i])).toBeLessThan(2e-3 + 0.02 * Math.abs(g[i]));
        }
      }
      expect(loss.dataSync()[0]).toBeCloseTo(lossAt(params), 5);
      expect(correct.dataSync()[0]).toBeGreaterThanOrEqual(0);
      tf.dispose([loss, correct]);
      disposeParams(grads);
      disposeParams(params);
      disposeBatch(batch);
    }
  });

  it('evaluation over chunks equals one pass over the whole set', async () => {
    const dataset = syntheticDataset(20, 37, [4, 4, 1], 3);
    const model = createModel({ kind: 'mlp', hidden: [5] }, [4, 4, 1], 3);
    const params = initParams(model.params, 4);
    const set = makeEvalSet(dataset.test, dataset.info, 37, 10);
    expect(set.chunks.map((c) => c.size)).toEqual([10, 10, 10, 7]);
    const chunked = await evaluate(model, params, set);
    const whole = makeBatch(dataset.test, dataset.info, rangeIndices(0, 37));
    const { loss, predictions } = tf.tidy(() => {
      const { logits } = model.forward(params, whole.x);
      return { loss: softmaxCrossEntropy(logits, whole.y).dataSync()[0], predictions: tf.argMax(logits, 1).dataSync() };
    });
    const labels = whole.labels.dataSync();
    const accuracy = Array.from(predictions).filter((p, i) => p === labels[i]).length / 37;
    expect(chunked.loss).toBeCloseTo(loss, 5);
    expect(chunked.accuracy).toBeCloseTo(accuracy, 10);
    disposeBatch(whole);
    disposeEvalSet(set);
    disposeParams(params);
  });
});

describe('lockstep comparison', () => {
  it('trains lanes on the same batches; identical settings give identical weights; reset reproduces exactly', async () => {
    const dataset = syntheticDataset();
    const config: ComparisonConfig = { ...tiny, lanes: [tiny.lanes[0], { ...tiny.lanes[0], id: 'twin', name: 'twin' }, tiny.lanes[2]] };
    const comparison = new Comparison(dataset, config);
    const first = await comparison.trainWindow(7);
    expect(first.map((w) => w.records.length)).toEqual([7, 7, 7]);
    const [a, twin, adam] = await Promise.all(comparison.lanes.map((l) => values(l.params)));
    expect(twin).toEqual(a);
    expect(adam['head/kernel']).not.toEqual(a['head/kernel']);
    const lossesBefore = first.map((w) => w.records.map((r) => r.loss));
    expect(lossesBefore[1]).toEqual(lossesBefore[0]);
    comparison.reset();
    expect(comparison.step).toBe(0);
    const again = await comparison.trainWindow(7);
    expect(again.map((w) => w.records.map((r) => r.loss))).toEqual(lossesBefore);
    comparison.dispose();
  });

  it("learns: every lane's training loss falls", async () => {
    const comparison = new Comparison(syntheticDataset(), tiny);
    const windows = [];
    for (let i = 0; i < 6; i++) windows.push(await comparison.trainWindow(10));
    for (let lane = 0; lane < 3; lane++) {
      const firstLoss = windows[0][lane].records[0].loss;
      const last = windows[5][lane].records.slice(-5).reduce((s, r) => s + r.loss, 0) / 5;
      expect(last).toBeLessThan(firstLoss * 0.7);
    }
    const test = await comparison.evaluateTest();
    expect([...test.values()].every((e) => e.accuracy > 0.5)).toBe(true);
    comparison.dispose();
  });

  it('adds lanes at step 0 or mid-run (joining from the initial weights), removes any time, forks with weights and state', async () => {
    const comparison = new Comparison(syntheticDataset(), tiny);
    comparison.applyConfig({ ...tiny, lanes: [...tiny.lanes, makeLane(3, defaultOptimizerConfig('sgd'))] });
    expect(comparison.lanes.length).toBe(4);
    const initial = await values(comparison.lanes[3].params);
    await comparison.trainWindow(3);
    // A lane added at step 3 joins there from the shared initial weights, with a fresh optimizer.
    const joining = makeLane(4, defaultOptimizerConfig('sgd'));
    comparison.applyConfig({ ...tiny, lanes: [...tiny.lanes, joining] });
    const joined = comparison.lanes.find((l) => l.config.id === joining.id)!;
    expect(joined.steps).toBe(3);
    expect(await values(joined.params)).toEqual(initial);
    await comparison.trainWindow(1);
    expect(joined.steps).toBe(4);
    const moved = await values(joined.params);
    expect(moved).not.toEqual(initial);
    expect(Object.values(moved).every((v) => v.every(Number.isFinite))).toBe(true);
    comparison.applyConfig({ ...tiny, lanes: tiny.lanes.slice(0, 3) });
    expect(comparison.lanes.map((l) => l.config.id)).toEqual(['lane1', 'lane2', 'lane3']);
    const fork = comparison.forkLane('lane2', { ...tiny.lanes[1], id: 'fork', name: 'fork' });
    expect(fork.steps).toBe(4);
    expect(await values(fork.params)).toEqual(await values(comparison.lanes[1].params));
    await comparison.trainWindow(2);
    // Same settings, same momentum buffer, same batches: the fork stays equal to its source.
    expect(await values(comparison.lanes[2].params)).toEqual(await values(comparison.lanes[1].params));
    expect(() => comparison.applyConfig({ ...tiny, seed: 99 })).toThrow(/rebuilt/);
    comparison.dispose();
  });

  it('trains on a seeded subset of the training split when trainSize is set', async () => {
    const data = syntheticDataset(200, 50);
    const subset = withTrainingSubset(data, 60, 5);
    expect(subset.train.count).toBe(60);
    expect(subset.test).toBe(data.test);
    // Every sample of the subset is a sample of the split, in the split's order, with its label.
    const size = 8 * 8;
    const rows = new Map(Array.from({ length: 200 }, (_, i) => [data.train.images.subarray(i * size, (i + 1) * size).join(','), i]));
    const from = Array.from({ length: 60 }, (_, i) => rows.get(subset.train.images.subarray(i * size, (i + 1) * size).join(','))!);
    expect(from.every((i) => i !== undefined)).toBe(true);
    expect([...from].sort((a, b) => a - b)).toEqual(from);
    expect(new Set(from).size).toBe(60);
    from.forEach((i, k) => expect(subset.train.labels[k]).toBe(data.train.labels[i]));
    // The synthetic labels are sorted by index modulo 4: a seeded choice still has every class.
    expect(new Set(subset.train.labels).size).toBe(4);
    expect(withTrainingSubset(data, 60, 5).train.images).toEqual(subset.train.images);
    expect(withTrainingSubset(data, 60, 6).train.images).not.toEqual(subset.train.images);
    expect(withTrainingSubset(data, 200, 5)).toBe(data);
    expect(() => withTrainingSubset(data, 201, 5)).toThrow(/more than the training split holds \(200\)/);
    expect(() => withTrainingSubset(data, 0, 5)).toThrow(/positive whole number/);

    const comparison = new Comparison(data, { ...tiny, trainSize: 60 });
    expect(comparison.sampler.stepsPerEpoch).toBe(6);
    expect(comparison.totalSteps).toBe(6 * tiny.epochs);
    expect(comparison.dataset.train.count).toBe(60);
    expect(comparison.source).toBe(data);
    const whole = new Comparison(data, tiny);
    expect(comparison.key).not.toBe(whole.key);
    whole.dispose();
    comparison.dispose();
    expect(() => Comparison.check(data, { ...tiny, trainSize: 5 })).toThrow(
      /batch size 10 is larger than the training split \(5 samples\)/,
    );
    expect(() => Comparison.check(data, { ...tiny, trainSize: 500 })).toThrow(/more than the training split holds/);
  });

  it('keeps tf.memory().numTensors flat across 200 training steps, test evaluations and disposal', async () => {
    const before = tf.memory().numTensors;
    const comparison = new Comparison(syntheticDataset(), tiny);
    await comparison.trainWindow(5);
    await comparison.evaluateTest();
    const warm = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await comparison.trainWindow(10);
    await comparison.evaluateTest();
    expect(comparison.step).toBe(205);
    expect(tf.memory().numTensors).toBe(warm);
    comparison.reset();
    await comparison.trainWindow(3);
    expect(tf.memory().numTensors).toBe(warm);
    comparison.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
