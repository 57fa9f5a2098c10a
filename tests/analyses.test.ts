import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { DEFAULT_ANALYSIS_SETTINGS } from '../src/engine/analyses/config';
import { runAnalysis, type AnalysisResult } from '../src/engine/analyses/run';
import { planePca } from '../src/engine/analyses/pca';
import { planeOf } from '../src/engine/analyses/connectivity';
import { bezierPoint } from '../src/engine/analyses/bezier';
import { blocksOf, flatten } from '../src/engine/analyses/vector';
import { disposeEvalSet, makeEvalSet } from '../src/engine/data/batch';
import { HessianOperator } from '../src/engine/hessian/hvp';
import { hutchinsonTrace } from '../src/engine/hessian/trace';
import { DIRECT_CONTROL } from '../src/engine/control';
import { createRng } from '../src/engine/rng';
import type { ModelSpec } from '../src/engine/model/spec';
import type { WeightsSnapshot } from '../src/engine/train/snapshot';
import { syntheticDataset, useCpu } from './helpers';
import { snapshotOf } from './analysisFixtures';

beforeAll(useCpu);

const data = syntheticDataset(120, 40, [4, 4, 1], 3);
const MLP: ModelSpec = { kind: 'mlp', hidden: [6] };
const CNN: ModelSpec = { kind: 'cnn', channels: [2, 3], kernelSize: 3, dense: 4 };
const LINEAR: ModelSpec = { kind: 'mlp', hidden: [] };

async function collect(snapshot: WeightsSnapshot, request: Parameters<typeof runAnalysis>[1]): Promise<AnalysisResult[]> {
  const finals: AnalysisResult[] = [];
  await runAnalysis({ snapshot, trajectories: null }, request, DIRECT_CONTROL, (r, final) => final && finals.push(r));
  return finals;
}

/** The Hessian as a dense matrix, column by column from HVPs, symmetrized. */
async function denseHessian(snapshot: WeightsSnapshot, laneId: string, samples: number): Promise<Matrix> {
  const set = makeEvalSet(snapshot.dataset.train, snapshot.dataset.info, samples);
  const op = new HessianOperator(snapshot.model, snapshot.weights.get(laneId)!.current, set, snapshot.loss);
  const n = op.dimension;
  const columns: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    columns.push(await op.apply(e));
  }
  op.dispose();
  disposeEvalSet(set);
  return new Matrix(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (columns[j][i] + columns[i][j]) / 2)));
}

const eigenvalues = (m: Matrix) => new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
const trace = (m: Matrix) => m.diag().reduce((a, b) => a + b, 0);

describe('per-layer curvature', () => {
  it('each block’s λmax and trace match the block of an explicitly built Hessian; the traces sum to Tr(H)', async () => {
    const snapshot = await snapshotOf(MLP, data, 'cross-entropy', [{ id: 'a', seed: 1, steps: 60 }]);
    const h = await denseHessian(snapshot, 'a', 120);
    const settings = {
      ...DEFAULT_ANALYSIS_SETTINGS.layers,
      samples: 120,
      maxIterations: 120,
      tol: 1e-6,
      traceSamples: 2000,
      traceTol: 1e-3,
    };
    const before = tf.memory().numTensors;
    const [r] = await collect(snapshot, { kind: 'layers', laneIds: ['a'], settings });
    expect(tf.memory().numTensors).toBe(before);
    if (r.kind !== 'layers') throw new Error('wrong kind');
    const blocks = blocksOf(snapshot.model.params);
    expect(r.result.blocks.map((b) => b.name)).toEqual(blocks.map((b) => b.name));
    for (const [i, b] of blocks.entries()) {
      const sub = h.subMatrix(b.offset, b.offset + b.size - 1, b.offset, b.offset + b.size - 1);
      const values = eigenvalues(sub);
      const got = r.result.blocks[i];
      expect(Math.abs(got.lambdaMax - values[values.length - 1])).toBeLessThan(1e-3 * Math.max(1, Math.abs(values[values.length - 1])));
      // Blocks of at most traceSamples parameters get the exact trace Σ eᵢᵀHeᵢ.
      expect(got.trace.stdError).toBe(0);
      expect(Math.abs(got.trace.trace - trace(sub))).toBeLessThan(1e-4 * Math.max(1, Math.abs(trace(sub))));
    }
    const sum = r.result.blocks.reduce((acc, b) => acc + b.trace.trace, 0);
    expect(Math.abs(sum - trace(h))).toBeLessThan(1e-4 * Math.abs(trace(h)));
    const last = eigenvalues(h);
    for (const b of r.result.blocks) expect(b.lambdaMax).toBeLessThanOrEqual(last[last.length - 1] * (1 + 1e-4));
  });

  it('with Hutchinson per block, the summed traces agree with a full Hutchinson estimate within the combined standard errors', async () => {
    const snapshot = await snapshotOf(MLP, data, 'cross-entropy', [{ id: 'a', seed: 2, steps: 60 }]);
    const settings = { ...DEFAULT_ANALYSIS_SETTINGS.layers, samples: 120, maxIterations: 10, traceSamples: 8, traceTol: 1e-4 };
    const [r] = await collect(snapshot, { kind: 'layers', laneIds: ['a'], settings });
    if (r.kind !== 'layers') throw new Error('wrong kind');
    const estimated = r.result.blocks.filter((b) => b.trace.stdError > 0);
    expect(estimated.length).toBeGreaterThan(0);
    const set = makeEvalSet(data.train, data.info, 120);
    const op = new HessianOperator(snapshot.model, snapshot.weights.get('a')!.current, set, 'cross-entropy');
    const full = await hutchinsonTrace(op, { tol: 1e-4, minSamples: 10, maxSamples: 400, seed: 9 });
    op.dispose();
    disposeEvalSet(set);
    const sum = r.result.blocks.reduce((acc, b) => acc + b.trace.trace, 0);
    const se = Math.sqrt(full.stdError ** 2 + r.result.blocks.reduce((acc, b) => acc + b.trace.stdError ** 2, 0));
    expect(Math.abs(sum - full.trace)).toBeLessThan(4 * se);
  });
});

describe('eigen-direction slices', () => {
  const images = syntheticDataset(240, 40, [8, 8, 1], 3);
  for (const [name, spec, set] of [
    ['MLP', MLP, data],
    ['CNN', { ...CNN, channels: [3, 4] } as ModelSpec, images],
  ] as const) {
    it(`on the ${name}, the second difference of the loss along v1 at the origin equals λ1 within 1%`, async () => {
      const snapshot = await snapshotOf(spec, set, 'cross-entropy', [{ id: 'a', seed: 3, steps: 80 }]);
      const settings = {
        ...DEFAULT_ANALYSIS_SETTINGS['eigen-slices'],
        samples: set.train.count,
        testSamples: 40,
        curvePoints: 11,
        surfacePoints: 5,
        maxIterations: 80,
      };
      const before = tf.memory().numTensors;
      const [r] = await collect(snapshot, { kind: 'eigen-slices', laneIds: ['a'], settings });
      expect(tf.memory().numTensors).toBe(before);
      if (r.kind !== 'eigen-slices') throw new Error('wrong kind');
      const { eigenvalues: values, checks, curves, surface } = r.result;
      expect(values[0]).toBeGreaterThan(values[1]);
      expect(Math.abs(checks[0].secondDifference - values[0]) / values[0]).toBeLessThan(0.01);
      expect(Math.abs(checks[1].secondDifference - values[1]) / values[1]).toBeLessThan(0.01);
      // The plain loss also crosses kinks within ±h; at this step they move it a few per cent at most.
      expect(Math.abs(checks[0].plainSecondDifference - values[0]) / values[0]).toBeLessThan(0.1);
      // The sharpest direction rises faster than the typical one on the same α axis.
      const rise = (c: (typeof curves)[number]) => c.train.loss[0] + c.train.loss[c.train.loss.length - 1] - 2 * c.train.loss[5];
      expect(rise(curves[0])).toBeGreaterThan(rise(curves[curves.length - 1]));
      expect(curves.map((c) => c.key)).toEqual(['a:v1', 'a:v2', 'a:random']);
      expect(surface?.computed).toBe(25);
    });
  }
});

describe('sharpness measures on the device', () => {
  it('on a linear model with squared error (quadratic): the average rise is ρ²/(2d)·Tr(H), Tr(H) = classes·mean(‖x‖² + 1)', async () => {
    const snapshot = await snapshotOf(LINEAR, data, 'mse', [{ id: 'a', seed: 4, steps: 5 }]);
    const d = blocksOf(snapshot.model.params).reduce((a, b) => a + b.size, 0);
    const set = makeEvalSet(data.train, data.info, 120);
    const x = await tf.sum(tf.square(tf.reshape(set.chunks[0].x, [120, -1])), 1).data();
    disposeEvalSet(set);
    const exactTrace = 3 * (Array.from(x).reduce((a, b) => a + b, 0) / 120 + 1);
    const settings = { ...DEFAULT_ANALYSIS_SETTINGS.sharpness, samples: 120, rho: 0.5, averageRho: 0.5, draws: 300, steps: 5, m: 30 };
    const before = tf.memory().numTensors;
    const [r] = await collect(snapshot, { kind: 'sharpness', laneIds: ['a'], settings });
    expect(tf.memory().numTensors).toBe(before);
    if (r.kind !== 'sharpness') throw new Error('wrong kind');
    const expected = ((0.5 * 0.5) / (2 * d)) * exactTrace;
    // The loss is quadratic: every antithetic pair is exactly ½δᵀHδ, so only the draws vary.
    expect(Math.abs(r.result.average.plain.value - expected)).toBeLessThan(4 * r.result.average.plain.stdError + 1e-6 * expected);
    expect(r.result.mSharpness?.batches).toBe(4);
    expect(r.result.worst.plain).toBeGreaterThan(r.result.average.plain.value);
    expect(r.result.gradients).toBe(2 * 5 * (1 + 4));
    const again = await collect(snapshot, { kind: 'sharpness', laneIds: ['a'], settings });
    const numbers = (x: AnalysisResult) => (x.kind === 'sharpness' ? { ...x.result, seconds: 0 } : null);
    expect(numbers(again[0])).toEqual(numbers(r)); // same seed, same numbers
  });
});

describe('convexity map', () => {
  it('on a linear model with squared error the Hessian is the same everywhere: λmin, λmax of mean(x̃x̃ᵀ) at every grid point', async () => {
    const snapshot = await snapshotOf(LINEAR, data, 'mse', [{ id: 'a', seed: 5, steps: 5 }]);
    const h = await denseHessian(snapshot, 'a', 120);
    const values = eigenvalues(h);
    const settings = { ...DEFAULT_ANALYSIS_SETTINGS.convexity, samples: 120, gridPoints: 3, lanczosSteps: h.rows };
    const before = tf.memory().numTensors;
    const [r] = await collect(snapshot, { kind: 'convexity', laneIds: ['a'], settings });
    expect(tf.memory().numTensors).toBe(before);
    if (r.kind !== 'convexity') throw new Error('wrong kind');
    expect(r.result.computed).toBe(9);
    r.result.lambdaMax.forEach((v) => expect(Math.abs(v - values[values.length - 1])).toBeLessThan(1e-3 * values[values.length - 1]));
    r.result.lambdaMin.forEach((v) => expect(Math.abs(v - values[0])).toBeLessThan(1e-3 * values[values.length - 1]));
    r.result.ratio.forEach((v) => expect(v).toBeLessThan(0.05));
  });

  it('on an MLP, the centre point’s λmin and λmax are the extreme eigenvalues of the Hessian built there', async () => {
    const snapshot = await snapshotOf(MLP, data, 'cross-entropy', [{ id: 'a', seed: 6, steps: 60 }]);
    const h = await denseHessian(snapshot, 'a', 120);
    const values = eigenvalues(h);
    const settings = { ...DEFAULT_ANALYSIS_SETTINGS.convexity, samples: 120, gridPoints: 3, lanczosSteps: h.rows };
    const [r] = await collect(snapshot, { kind: 'convexity', laneIds: ['a'], settings });
    if (r.kind !== 'convexity') throw new Error('wrong kind');
    const centre = 4;
    const scale = Math.abs(values[values.length - 1]);
    expect(Math.abs(r.result.lambdaMax[centre] - values[values.length - 1])).toBeLessThan(1e-3 * scale);
    expect(Math.abs(r.result.lambdaMin[centre] - values[0])).toBeLessThan(1e-3 * scale);
  });
});

describe('trajectory plane', () => {
  const d = 40;
  const rng = createRng(3);
  const unit = (v: Float64Array) => v.map((x) => x / Math.hypot(...v));
  const u1 = unit(Float64Array.from({ length: d }, () => rng.normal()));
  let u2 = Float64Array.from({ length: d }, () => rng.normal());
  const c = u2.reduce((acc, v, i) => acc + v * u1[i], 0);
  u2 = unit(u2.map((v, i) => v - c * u1[i]));
  const centre = Float64Array.from({ length: d }, () => rng.normal());
  const at = (a: number, b: number) => centre.map((v, i) => v + a * u1[i] + b * u2[i]);

  it('PCA recovers the known principal directions and their explained variance; in-plane paths project back exactly', async () => {
    const coords: Array<[number, number]> = [];
    for (let k = 0; k < 30; k++) coords.push([3 * Math.cos(k / 5), 1 * Math.sin(k / 5)]);
    const mean = [coords.reduce((a, p) => a + p[0], 0) / 30, coords.reduce((a, p) => a + p[1], 0) / 30];
    const centred = coords.map(([a, b]) => [a - mean[0], b - mean[1]] as [number, number]);
    const rows = centred.map(([a, b]) => at(a, b));
    const pca = await planePca(rows, centre);
    // The exact components: the eigenvectors of the 2x2 scatter matrix of the coordinates, mapped by [u1 u2].
    const s = new Matrix(centred).transpose().mmul(new Matrix(centred));
    const e = new EigenvalueDecomposition(s, { assumeSymmetric: true });
    const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((p, q) => q[0] - p[0]);
    const total = order.reduce((acc, [v]) => acc + v, 0);
    order.forEach(([v, col], k) => {
      const w = e.eigenvectorMatrix.getColumn(col);
      const expected = u1.map((x, i) => w[0] * x + w[1] * u2[i]);
      const cos = Math.abs(pca.directions[k].reduce((acc, x, i) => acc + x * expected[i], 0));
      expect(cos).toBeGreaterThan(1 - 1e-9);
      expect(pca.explained[k]).toBeCloseTo(v / total, 9);
    });
    // Every snapshot lies in the plane: centre + x·d1 + y·d2 gives it back.
    pca.coordinates.forEach(([x, y], k) => {
      const back = centre.map((c, i) => c + x * pca.directions[0][i] + y * pca.directions[1][i]);
      back.forEach((v, i) => expect(v).toBeCloseTo(rows[k][i], 9));
    });
  });

  it('the connectivity plane places θ1, θ2 and every point of the curve at its true distances', () => {
    const theta1 = at(-2, 0.1);
    const theta2 = at(1.5, -0.3);
    const bend = at(0.4, 2);
    const t = [0, 0.1, 0.35, 0.5, 0.8, 1];
    const plane = planeOf(theta1, theta2, bend, t);
    const mid = theta1.map((v, i) => (v + theta2[i]) / 2);
    t.forEach((x, k) => {
      const p = bezierPoint(theta1, bend, theta2, x);
      const dist = Math.hypot(...p.map((v, i) => v - mid[i]));
      expect(Math.hypot(...plane.bezier[k])).toBeCloseTo(dist, 9);
    });
    expect(plane.ends[1][0] - plane.ends[0][0]).toBeCloseTo(Math.hypot(...theta2.map((v, i) => v - theta1[i])), 9);
  });
});

describe('cancelling', () => {
  it('every analysis stops at a cancel, keeps what it had, says so, and leaves no tensor behind', async () => {
    const snapshot = await snapshotOf(MLP, data, 'cross-entropy', [
      { id: 'a', seed: 9, steps: 20 },
      { id: 'b', seed: 10, steps: 20 },
    ]);
    const s = DEFAULT_ANALYSIS_SETTINGS;
    const requests: Parameters<typeof runAnalysis>[1][] = [
      { kind: 'sharpness', laneIds: ['a', 'b'], settings: { ...s.sharpness, samples: 120 } },
      { kind: 'layers', laneIds: ['a', 'b'], settings: { ...s.layers, samples: 120 } },
      { kind: 'eigen-slices', laneIds: ['a', 'b'], settings: { ...s['eigen-slices'], samples: 120, testSamples: 40 } },
      { kind: 'connectivity', from: 'a', to: 'b', settings: { ...s.connectivity, trainSamples: 120, evalSamples: 120, testSamples: 40 } },
      { kind: 'convexity', laneIds: ['a', 'b'], settings: { ...s.convexity, samples: 120 } },
    ];
    for (const request of requests) {
      let calls = 0;
      const control = { ...DIRECT_CONTROL, cancelled: () => calls > 3, progress: () => void calls++ };
      const before = tf.memory().numTensors;
      const results: AnalysisResult[] = [];
      await runAnalysis({ snapshot, trajectories: null }, request, control, (r, final) => final && results.push(r));
      expect(tf.memory().numTensors, request.kind).toBe(before);
      expect(results.length, request.kind).toBeLessThanOrEqual(1);
      for (const r of results) expect((r.result as { cancelled: boolean }).cancelled, request.kind).toBe(true);
    }
  });
});

describe('mode connectivity on the device', () => {
  it('between two lanes: both paths end at the lanes’ losses, the trained curve’s barrier is lower; no tensors left', async () => {
    const snapshot = await snapshotOf(MLP, data, 'cross-entropy', [
      { id: 'a', seed: 7, steps: 80 },
      { id: 'b', seed: 8, steps: 80 },
    ]);
    const settings = {
      ...DEFAULT_ANALYSIS_SETTINGS.connectivity,
      trainSamples: 120,
      evalSamples: 120,
      testSamples: 40,
      steps: 200,
      batchSize: 40,
      pathPoints: 11,
      surfacePoints: 5,
    };
    const before = tf.memory().numTensors;
    const [r] = await collect(snapshot, { kind: 'connectivity', from: 'a', to: 'b', settings });
    expect(tf.memory().numTensors).toBe(before);
    if (r.kind !== 'connectivity') throw new Error('wrong kind');
    const { linear, bezier, plane, training } = r.result;
    expect(linear && bezier && plane && training).toBeTruthy();
    expect(bezier!.train.loss[0]).toBeCloseTo(linear!.train.loss[0], 5);
    expect(bezier!.train.loss[10]).toBeCloseTo(linear!.train.loss[10], 5);
    expect(linear!.barrier.train).toBeGreaterThan(0);
    expect(bezier!.barrier.train).toBeLessThan(linear!.barrier.train);
    expect(plane!.surface?.computed).toBe(25);
    expect(r.result.gradients).toBe(200);
    void flatten;
  });
});
