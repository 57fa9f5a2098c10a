import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { disposeEvalSet, makeEvalSet } from '../src/engine/data/batch';
import { initParams } from '../src/engine/model/init';
import { createModel } from '../src/engine/model/registry';
import type { ModelSpec } from '../src/engine/model/spec';
import { disposeParams, readParams, uploadParams } from '../src/engine/model/paramTensors';
import { evaluate } from '../src/engine/train/evaluate';
import { difference, filterNormalize, randomDirection } from '../src/engine/landscape/directions';
import { type HostParams } from '../src/engine/model/params';
import { computeCurve, computeSurface, type JobControl, type LandscapeContext } from '../src/engine/landscape/compute';
import { AffineFamily } from '../src/engine/landscape/family';
import { evaluatePointsFast, evaluatePointsNaive } from '../src/engine/landscape/evaluate';
import { gridLevels, levelIndices, linspace } from '../src/engine/landscape/grid';
import { LIVE_SLICE_ALPHAS, LIVE_SLICE_SEED, liveSlice } from '../src/engine/landscape/liveSlice';
import { basinAround, curveReadout, surfaceReadout } from '../src/engine/landscape/sharpness';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const data = syntheticDataset(120, 40, [8, 8, 1], 4);
const MLP: ModelSpec = { kind: 'mlp', hidden: [12, 6] };
const CNN: ModelSpec = { kind: 'cnn', channels: [3, 4], kernelSize: 3, dense: 8 };

function setup(spec: ModelSpec, seed = 3) {
  const model = createModel(spec, data.info.shape, 4);
  const params = initParams(model.params, seed);
  return { model, params };
}

function filterNorms(shape: number[], values: Float32Array): number[] {
  const out = shape[shape.length - 1];
  const sums = new Array(out).fill(0);
  values.forEach((v, i) => (sums[i % out] += v * v));
  return sums.map(Math.sqrt);
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-6));
  return worst;
}

describe('filter-normalized directions', () => {
  it('give every filter (dense column, conv output channel) the norm of the weights’ filter, and biases zero', async () => {
    for (const spec of [MLP, CNN]) {
      const { model, params } = setup(spec);
      const weights = await readParams(params);
      const d = randomDirection(model.params, weights, 11);
      for (const p of model.params) {
        if (p.shape.length === 1) {
          expect(d[p.name].every((v) => v === 0)).toBe(true);
          continue;
        }
        const dn = filterNorms(p.shape, d[p.name]);
        const wn = filterNorms(p.shape, weights[p.name]);
        dn.forEach((v, f) => expect(v).toBeCloseTo(wn[f], 4));
        expect(new Set(d[p.name]).size).toBeGreaterThan(p.shape[p.shape.length - 1]);
      }
      disposeParams(params);
    }
  });

  it('are seeded: the same seed gives the same numbers, another seed others', async () => {
    const { model, params } = setup(MLP);
    const w = await readParams(params);
    expect(randomDirection(model.params, w, 5)['dense1/kernel']).toEqual(randomDirection(model.params, w, 5)['dense1/kernel']);
    expect(randomDirection(model.params, w, 6)['dense1/kernel']).not.toEqual(randomDirection(model.params, w, 5)['dense1/kernel']);
    disposeParams(params);
  });

  it('normalizes a hand-made example exactly', () => {
    // dense [in 2, out 2]: column 0 = (1, 2), column 1 = (3, 4) in row-major [[1, 3], [2, 4]]
    const w = new Float32Array([1, 3, 2, 4]);
    const d = new Float32Array([3, 0, 4, 1]);
    filterNormalize([2, 2], d, w);
    expect(Array.from(d)).toEqual([(3 * Math.sqrt(5)) / 5, 0, (4 * Math.sqrt(5)) / 5, 5].map((v) => Math.fround(v)));
  });
});

describe('landscape evaluation', () => {
  const control: JobControl = { cancelled: () => false, exclusive: (w) => w(), progress: () => undefined };

  async function context(spec: ModelSpec) {
    const { model, params } = setup(spec);
    const train = makeEvalSet(data.train, data.info, 100, 32);
    const test = makeEvalSet(data.test, data.info, 40, 32);
    const ctx: LandscapeContext = { model, loss: 'cross-entropy', train, test };
    const weights = await readParams(params);
    const dispose = () => {
      disposeParams(params);
      disposeEvalSet(train);
      disposeEvalSet(test);
    };
    return { ctx, model, params, weights, dispose };
  }

  it('the fast path equals the per-point path within 1e-4 relative (MLP and CNN, 1 and 2 directions)', async () => {
    for (const spec of [MLP, CNN]) {
      const { ctx, model, weights, dispose } = await context(spec);
      const d1 = randomDirection(model.params, weights, 1);
      const d2 = randomDirection(model.params, weights, 2);
      const family = new AffineFamily(model.params, weights, [d1, d2]);
      const coords = linspace(-1, 1, 5).flatMap((a) => linspace(-1, 1, 4).map((b) => [a, b]));
      const naive = await evaluatePointsNaive(model, family, ctx.train, coords, 'cross-entropy');
      for (const perDispatch of [1, 7, 64]) {
        const fast = await evaluatePointsFast(model, family, ctx.train, coords, 'cross-entropy', perDispatch);
        expect(maxRelDiff(fast.loss, naive.loss)).toBeLessThan(1e-4);
        expect(Array.from(fast.accuracy)).toEqual(Array.from(naive.accuracy));
      }
      const mse = await evaluatePointsFast(model, family, ctx.train, coords, 'mse');
      const mseNaive = await evaluatePointsNaive(model, family, ctx.train, coords, 'mse');
      expect(maxRelDiff(mse.loss, mseNaive.loss)).toBeLessThan(1e-4);
      expect(new Set(naive.loss).size).toBeGreaterThan(10);
      family.dispose();
      dispose();
    }
  });

  it('the fast path also handles a linear model (the first layer is the head) and nonzero bias directions', async () => {
    const { ctx, model, params, weights, dispose } = await context({ kind: 'mlp', hidden: [] });
    const other = initParams(model.params, 99);
    const otherWeights = await readParams(other);
    otherWeights['head/bias'] = otherWeights['head/bias'].map((_, i) => 0.3 * (i - 1));
    const family = new AffineFamily(model.params, weights, [difference(weights, otherWeights)]);
    const coords = linspace(-0.5, 1.5, 9).map((a) => [a]);
    const naive = await evaluatePointsNaive(model, family, ctx.train, coords, 'cross-entropy');
    const fast = await evaluatePointsFast(model, family, ctx.train, coords, 'cross-entropy');
    expect(maxRelDiff(fast.loss, naive.loss)).toBeLessThan(1e-4);
    family.dispose();
    disposeParams(other);
    void params;
    dispose();
  });

  it('the surface at (0, 0) and the curve at 0 equal the lane’s own loss on the subset', async () => {
    const { ctx, model, params, weights, dispose } = await context(MLP);
    const own = await evaluate(model, params, ctx.train);
    const surface = await computeSurface(
      ctx,
      { laneId: 'a', origin: weights, directions: [randomDirection(model.params, weights, 1), randomDirection(model.params, weights, 2)] },
      [-1, 1],
      5,
    );
    expect(surface.loss[2 * 5 + 2]).toBeCloseTo(own.loss, 5);
    expect(surface.accuracy[2 * 5 + 2]).toBeCloseTo(own.accuracy, 6);
    const curve = await computeCurve(
      ctx,
      { key: 'a', label: 'a', kind: 'curve', origin: weights, direction: randomDirection(model.params, weights, 1) },
      linspace(-1, 1, 7),
    );
    expect(curve.train.loss[3]).toBeCloseTo(own.loss, 5);
    const ownTest = await evaluate(model, params, ctx.test!);
    expect(curve.test!.loss[3]).toBeCloseTo(ownTest.loss, 5);
    expect(curve.samples).toEqual({ train: 100, test: 40 });
    dispose();
  });

  it('the live slice of tracking is the 1D curve along the seeded filter-normalized direction, point by point', async () => {
    for (const spec of [MLP, CNN]) {
      const { ctx, model, params, weights, dispose } = await context(spec);
      const before = tf.memory().numTensors;
      const slice = await liveSlice(model, weights, ctx.train, 'cross-entropy', control);
      expect(tf.memory().numTensors).toBe(before);
      expect(slice).toHaveLength(LIVE_SLICE_ALPHAS.length);
      expect(LIVE_SLICE_ALPHAS[0]).toBe(-1);
      expect(LIVE_SLICE_ALPHAS[10]).toBe(0);
      expect(LIVE_SLICE_ALPHAS[20]).toBe(1);
      const own = await evaluate(model, params, ctx.train);
      expect(slice[10]).toBeCloseTo(own.loss, 5);
      const family = new AffineFamily(model.params, weights, [randomDirection(model.params, weights, LIVE_SLICE_SEED)]);
      const reference = await evaluatePointsNaive(
        model,
        family,
        ctx.train,
        LIVE_SLICE_ALPHAS.map((a) => [a]),
        'cross-entropy',
      );
      family.dispose();
      expect(maxRelDiff(slice, reference.loss)).toBeLessThan(1e-4);
      // Far out along a filter-normalized direction the loss rises.
      expect(Math.max(slice[0], slice[20])).toBeGreaterThan(slice[10]);
      dispose();
    }
  });

  it('interpolation goes through both models: α = 0 is θ1, α = 1 is θ2', async () => {
    const { ctx, model, params, weights, dispose } = await context(MLP);
    const other = initParams(model.params, 42);
    const otherWeights = await readParams(other);
    const curve = await computeCurve(
      ctx,
      { key: 'a→b', label: 'a→b', kind: 'interpolation', origin: weights, direction: difference(weights, otherWeights) },
      linspace(-0.5, 1.5, 9),
    );
    expect(curve.alphas[2]).toBe(0);
    expect(curve.alphas[6]).toBe(1);
    expect(curve.train.loss[2]).toBeCloseTo((await evaluate(model, params, ctx.train)).loss, 5);
    expect(curve.train.loss[6]).toBeCloseTo((await evaluate(model, other, ctx.train)).loss, 5);
    disposeParams(other);
    dispose();
  });

  it('is invariant to rescaling a ReLU layer by c and the next by 1/c with filter normalization, and not without', async () => {
    const { ctx, model, weights, dispose } = await context(MLP);
    const c = 4;
    const scaled: HostParams = { ...weights };
    scaled['dense1/kernel'] = weights['dense1/kernel'].map((v) => v * c);
    scaled['dense1/bias'] = weights['dense1/bias'].map((v) => v * c);
    scaled['dense2/kernel'] = weights['dense2/kernel'].map((v) => v / c);
    const alphas = linspace(-1, 1, 9);
    const curveOf = async (w: HostParams, normalization: 'filter' | 'none') =>
      (
        await computeCurve(
          { ...ctx, test: null },
          { key: 'x', label: 'x', kind: 'curve', origin: w, direction: randomDirection(model.params, w, 8, normalization) },
          alphas,
        )
      ).train.loss;
    const original = await curveOf(weights, 'filter');
    const rescaled = await curveOf(scaled, 'filter');
    expect(rescaled[4]).toBeCloseTo(original[4], 5); // the same function
    expect(maxRelDiff(rescaled, original)).toBeLessThan(1e-4);
    const rawOriginal = await curveOf(weights, 'none');
    const rawRescaled = await curveOf(scaled, 'none');
    expect(rawRescaled[4]).toBeCloseTo(rawOriginal[4], 5);
    expect(maxRelDiff(rawRescaled, rawOriginal)).toBeGreaterThan(0.05);
    dispose();
  });

  it('computes a surface coarse to fine; a cancelled surface keeps the complete preview level and its NaN elsewhere', async () => {
    const { ctx, model, weights, dispose } = await context(MLP);
    const source = {
      laneId: 'a',
      origin: weights,
      directions: [randomDirection(model.params, weights, 1), randomDirection(model.params, weights, 2)] as [HostParams, HostParams],
    };
    const full = await computeSurface(ctx, source, [-1, 1], 27);
    expect(full.computed).toBe(27 * 27);
    expect(full.loss.every(Number.isFinite)).toBe(true);
    expect(full.level.length).toBe(27);
    let passes = 0;
    const updates: number[] = [];
    const cancelAfterPreview: JobControl = { ...control, cancelled: () => passes >= 1, progress: () => passes++ };
    const partial = await computeSurface(ctx, source, [-1, 1], 27, 'train', cancelAfterPreview, (r) => updates.push(r.computed));
    expect(partial.cancelled).toBe(true);
    expect(partial.level).toEqual(levelIndices(27, 13));
    expect(partial.computed).toBe(13 * 13);
    expect(updates).toEqual([169]);
    for (const j of partial.level) for (const i of partial.level) expect(partial.loss[j * 27 + i]).toBeCloseTo(full.loss[j * 27 + i], 6);
    expect(partial.loss.filter(Number.isNaN).length).toBe(27 * 27 - 169);
    dispose();
  });

  it('leaves the number of tensors unchanged (directions, family, naive and fast paths, curves, surfaces)', async () => {
    const { ctx, model, weights, dispose } = await context(CNN);
    const before = tf.memory().numTensors;
    const d = randomDirection(model.params, weights, 1);
    const uploaded = uploadParams(model.params, d);
    disposeParams(uploaded);
    const family = new AffineFamily(model.params, weights, [d]);
    await evaluatePointsNaive(model, family, ctx.train, [[0.1], [0.2]], 'cross-entropy');
    await evaluatePointsFast(model, family, ctx.train, [[0.1], [0.2]], 'cross-entropy');
    family.dispose();
    await computeCurve(ctx, { key: 'a', label: 'a', kind: 'curve', origin: weights, direction: d }, linspace(-1, 1, 5));
    await computeSurface(ctx, { laneId: 'a', origin: weights, directions: [d, d] }, [-1, 1], 5, 'test');
    let calls = 0;
    await computeSurface(ctx, { laneId: 'a', origin: weights, directions: [d, d] }, [-1, 1], 15, 'train', {
      ...control,
      cancelled: () => calls++ > 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });
});

describe('grids', () => {
  it('visit every point of the grid exactly once, preview level first', () => {
    for (const n of [3, 13, 14, 51, 101]) {
      const seen = new Map<number, number>();
      const levels = gridLevels(n);
      levels.flatMap((p) => p.points).forEach(([i, j]) => seen.set(j * n + i, (seen.get(j * n + i) ?? 0) + 1));
      expect(seen.size).toBe(n * n);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
      expect(levels[levels.length - 1].size).toBe(n);
    }
    expect(levelIndices(51, 13)).toEqual([0, 4, 8, 13, 17, 21, 25, 29, 33, 38, 42, 46, 50]);
    expect(linspace(-1, 1, 51)[25]).toBe(0);
    // The 26-level shares 49 points (7 x 7 even indices) with the preview.
    expect(gridLevels(51).map((p) => p.points.length)).toEqual([169, 26 * 26 - 49, 51 * 51 - 169 - 26 * 26 + 49]);
  });
});

describe('sharpness read-outs', () => {
  it('are exact on a quadratic curve: rise a·r², curvature 2a, basin width 2√(level/a)', () => {
    const a = 3;
    const xs = linspace(-1, 1, 401);
    const ys = xs.map((x) => 0.2 + a * x * x);
    const r = curveReadout(xs, ys, 0.5, 0.2 + 0.48);
    expect(r.centreLoss).toBeCloseTo(0.2, 12);
    expect(r.risePlus).toBeCloseTo(a * 0.25, 10);
    expect(r.riseMinus).toBeCloseTo(a * 0.25, 10);
    expect(r.curvature).toBeCloseTo(2 * a, 6);
    expect(r.basin.width).toBeCloseTo(2 * Math.sqrt(0.48 / a), 4);
    expect(r.basin.open).toBe(false);
    expect(curveReadout(xs, ys, 0.5, 10).basin.open).toBe(true);
    expect(basinAround(xs, ys, 200, 0.1).width).toBe(0);
  });

  it('are exact on a quadratic surface: curvatures, mixed term, eigenvalues and the ellipse’s area', () => {
    const [a, b, c] = [2, 0.5, 0.6];
    const xs = linspace(-1, 1, 101);
    const values: number[] = [];
    for (const y of xs) for (const x of xs) values.push(a * x * x + b * y * y + c * x * y);
    const r = surfaceReadout(xs, xs, values, 0.5, 0.2);
    expect(r.alpha.curvature).toBeCloseTo(2 * a, 8);
    expect(r.beta.curvature).toBeCloseTo(2 * b, 8);
    expect(r.mixed).toBeCloseTo(c, 8);
    const m = (2 * a + 2 * b) / 2;
    const s = Math.hypot((2 * a - 2 * b) / 2, c);
    expect(r.eigenvalues[0]).toBeCloseTo(m + s, 8);
    expect(r.eigenvalues[1]).toBeCloseTo(m - s, 8);
    const ellipse = (Math.PI * 0.2) / Math.sqrt(a * b - (c * c) / 4);
    expect(Math.abs(r.basinArea - ellipse) / ellipse).toBeLessThan(0.03);
    expect(r.basinOpen).toBe(false);
    expect(r.basinFraction).toBeCloseTo(r.basinArea / 4, 12);
  });
});

describe('the fast path on a small-fan-in first layer', () => {
  it('recomputes a 3 x 3 one-channel convolution per point on the CPU backends and still equals the per-point loop', async () => {
    const model = createModel(CNN, data.info.shape, 4);
    const params = initParams(model.params, 3);
    const weights = await readParams(params);
    const set = makeEvalSet(data.train, data.info, 50, 16);
    const family = new AffineFamily(model.params, weights, [
      randomDirection(model.params, weights, 1),
      randomDirection(model.params, weights, 2),
    ]);
    const coords = [
      [0, 0],
      [0.5, -0.5],
      [-1, 1],
    ];
    const before = tf.memory().numTensors;
    const fast = await evaluatePointsFast(model, family, set, coords, 'cross-entropy');
    expect(tf.memory().numTensors).toBe(before);
    const naive = await evaluatePointsNaive(model, family, set, coords, 'cross-entropy');
    expect(maxRelDiff(fast.loss, naive.loss)).toBeLessThan(1e-4);
    family.dispose();
    disposeEvalSet(set);
    disposeParams(params);
  });
});
