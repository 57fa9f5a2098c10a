import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { makeBatch, rangeIndices, disposeBatch, type Batch } from '../src/engine/data/batch';
import { initParams } from '../src/engine/model/init';
import { createModel } from '../src/engine/model/registry';
import { type Params, type ParamSpec } from '../src/engine/model/params';
import { disposeParams, mapParams } from '../src/engine/model/paramTensors';
import type { Model } from '../src/engine/model/model';
import { dataLoss } from '../src/engine/model/loss';
import { Objective } from '../src/engine/optim/objective';
import type { GradientEvaluation, GradientOracle } from '../src/engine/optim/methodDescriptor';
import { drawNoise, noiseGradient, noiseLike, type NoiseKind } from '../src/engine/optim/methods/nso';
import { famKappa } from '../src/engine/optim/methods/fam';
import { optimumShift } from '../src/engine/optim/optimumShift';
import {
  DEFORMATION_PRESETS,
  MAX_SLOPE,
  deformSlope,
  deformSlopeRaw,
  deformSlopeOnDevice,
  deformValue,
  type Deformation,
} from '../src/engine/optim/deformation';
import { defaultMethod, methodGradEvals, methodOf, type MethodConfig } from '../src/engine/optim/methods';
import { methodParts } from '../src/engine/train/lane';
import { describeZodError } from '../src/engine/validation';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison, laneConfigSchema, makeLane, type ComparisonConfig, type LaneConfig } from '../src/engine/train/config';
import { createOptimizer, defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { createRng } from '../src/engine/rng';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

// ---- a quadratic L(θ) = ½ θᵀ A θ over a 2x2 "kernel" and a 2-vector "bias" -------------------

const SPECS: ParamSpec[] = [
  { name: 'w/kernel', shape: [2, 2], init: 'zeros', fanIn: 2 },
  { name: 'w/bias', shape: [2], init: 'zeros', fanIn: 2 },
];
const A = [
  [4, 1, 0, 0, 0.5, 0],
  [1, 3, 0.2, 0, 0, 0],
  [0, 0.2, 2, 0.3, 0, 0],
  [0, 0, 0.3, 5, 0, 0.1],
  [0.5, 0, 0, 0, 1, 0],
  [0, 0, 0, 0.1, 0, 2],
];
const THETA = [0.7, -1.2, 0.4, 2.0, -0.5, 0.3];

const flat = (p: Params): number[] => [...p['w/kernel'].dataSync(), ...p['w/bias'].dataSync()];
const toParams = (v: number[]): Params => ({
  'w/kernel': tf.keep(tf.tensor(v.slice(0, 4), [2, 2])),
  'w/bias': tf.keep(tf.tensor(v.slice(4), [2])),
});
const mv = (v: number[]) => A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));
const quadLoss = (v: number[]) => 0.5 * dot(v, mv(v));

class QuadraticOracle implements GradientOracle {
  evaluations = 0;
  evaluate(params: Params): GradientEvaluation {
    this.evaluations++;
    const v = flat(params);
    return { loss: tf.keep(tf.scalar(quadLoss(v))), correct: tf.keep(tf.scalar(0)), grads: toParams(mv(v)), metrics: {} };
  }
  forward(params: Params) {
    return { loss: tf.keep(tf.scalar(quadLoss(flat(params)))), correct: tf.keep(tf.scalar(0)) };
  }
}

function runMethod(method: MethodConfig, seed = 3) {
  const oracle = new QuadraticOracle();
  const params = toParams(THETA);
  const parts = methodParts(method, 'cross-entropy');
  const result = parts.gradient({
    params,
    specs: SPECS,
    batch: undefined as unknown as Batch,
    objective: oracle,
    rng: createRng(seed),
  });
  const out = {
    grads: flat(result.grads),
    metrics: Object.fromEntries(Object.entries(result.metrics).map(([k, v]) => [k, v.dataSync()[0]])),
    evaluations: oracle.evaluations,
    loss: result.loss.dataSync()[0],
  };
  tf.dispose([result.loss, result.correct, ...Object.values(result.metrics)]);
  disposeParams(result.grads);
  disposeParams(params);
  return out;
}

const closeTo = (actual: number[], expected: number[], tol = 1e-5) =>
  actual.forEach((v, i) =>
    expect(Math.abs(v - expected[i]), `entry ${i}: ${v} vs ${expected[i]}`).toBeLessThan(tol * (1 + Math.abs(expected[i]))),
  );

describe('SAM and ASAM on a quadratic', () => {
  it('one SAM step equals the closed form θ − η A(θ + ρ Aθ/‖Aθ‖)', () => {
    const rho = 0.3;
    const r = runMethod({ kind: 'sam', rho });
    const g = mv(THETA);
    const e = g.map((x) => (rho * x) / (norm(g) + 1e-12));
    closeTo(r.grads, mv(THETA.map((t, i) => t + e[i])));
    // SAM's sharpness: the exact rise of the quadratic at the ascent point
    const shifted = THETA.map((t, i) => t + e[i]);
    expect(r.metrics.sam_sharpness).toBeCloseTo(quadLoss(shifted) - quadLoss(THETA), 5);
    expect(quadLoss(shifted) - quadLoss(THETA)).toBeGreaterThan(0.01);
    expect(r.evaluations).toBe(2);
    expect(r.loss).toBeCloseTo(quadLoss(THETA), 5);
    // and through the base optimizer
    const sgd = createOptimizer({ kind: 'sgd', lr: 0.1, weightDecay: 0 }, tf);
    const params = toParams(THETA);
    const grads = toParams(r.grads);
    const next = sgd.apply(params, grads, 0.1);
    closeTo(
      flat(next),
      THETA.map((t, i) => t - 0.1 * r.grads[i]),
    );
    [params, grads, next].forEach(disposeParams);
  });

  it('ASAM scales kernels by T = |θ| + η and leaves biases at T = 1', () => {
    const rho = 0.5;
    const eta = 0.01;
    const r = runMethod({ kind: 'asam', rho, eta });
    const g = mv(THETA);
    const t = THETA.map((v, i) => (i < 4 ? Math.abs(v) + eta : 1));
    const tg = g.map((x, i) => t[i] * x);
    const e = g.map((x, i) => (rho * t[i] * t[i] * x) / (norm(tg) + 1e-12));
    closeTo(r.grads, mv(THETA.map((v, i) => v + e[i])));
    expect(r.metrics.sam_sharpness).toBeCloseTo(quadLoss(THETA.map((v, i) => v + e[i])) - quadLoss(THETA), 5);
  });

  it('ρ = 0 is the plain gradient', () => {
    closeTo(runMethod({ kind: 'sam', rho: 0 }).grads, mv(THETA), 1e-7);
  });
});

describe('NSO on a quadratic', () => {
  for (const noise of ['normal', 'uniform', 'laplace'] as NoiseKind[]) {
    it(`∇L(θ+U) + ∇L(θ−U) = 2∇L(θ) for every U, and the gap is ½UᵀAU exactly (${noise})`, () => {
      const k = 3;
      const sigma = 0.3;
      const r = runMethod({ kind: 'nso', sigma, k, lambda: 0, noise }, 11);
      closeTo(r.grads, mv(THETA), 1e-5);
      expect(r.evaluations).toBe(2 * k);
      const rng = createRng(11);
      let gap = 0;
      for (let i = 0; i < k; i++) {
        const u = noiseLike(tf, SPECS, noise, sigma, rng);
        const uv = flat(u);
        gap += 0.5 * dot(uv, mv(uv));
        disposeParams(u);
      }
      expect(r.metrics.nso_gap).toBeCloseTo(gap / k, 5);
    });
  }

  it('λ > 0 mixes in ∇L(θ) and costs one more evaluation; WP-SGD is one-sided', () => {
    const mixed = runMethod({ kind: 'nso', sigma: 0.2, k: 2, lambda: 0.5, noise: 'normal' });
    closeTo(mixed.grads, mv(THETA), 1e-5);
    expect(mixed.evaluations).toBe(5);
    const sigma = 0.2;
    const wp = runMethod({ kind: 'wpsgd', sigma, k: 2, noise: 'normal' }, 5);
    expect(wp.evaluations).toBe(2);
    const rng = createRng(5);
    const us = [0, 1].map(() => {
      const u = noiseLike(tf, SPECS, 'normal', sigma, rng);
      const v = flat(u);
      disposeParams(u);
      return v;
    });
    const mean = THETA.map((_, i) => (us[0][i] + us[1][i]) / 2);
    closeTo(wp.grads, mv(THETA.map((t, i) => t + mean[i])), 1e-5);
  });

  it('noise distributions are zero-mean with variance σ²', () => {
    for (const kind of ['normal', 'uniform', 'laplace'] as NoiseKind[]) {
      const rng = createRng(1);
      const drawn = noiseLike(tf, [{ name: 'x', shape: [200, 201], init: 'zeros', fanIn: 1 }], kind, 0.5, rng);
      const xs = Array.from(drawn.x.dataSync());
      disposeParams(drawn);
      expect(Number.isFinite(drawNoise(kind, 0.5, rng))).toBe(true);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean)).toBeLessThan(0.01);
      expect(Math.abs(variance - 0.25) / 0.25).toBeLessThan(0.04);
      if (kind === 'uniform') expect(Math.max(...xs.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(3) * 0.5 + 1e-12);
    }
  });
});

// ---- a tiny real network ------------------------------------------------------------------

interface Tiny {
  model: Model;
  params: Params;
  batch: Batch;
}

async function trainedTinyMlp(hidden: number[], steps: number): Promise<Tiny> {
  const dataset = syntheticDataset(60, 10, [4, 4, 1], 3, 21);
  const model = createModel({ kind: 'mlp', hidden }, [4, 4, 1], 3);
  let params = initParams(model.params, 5);
  const batch = makeBatch(dataset.train, dataset.info, rangeIndices(0, 60));
  const objective = new Objective(model, 'cross-entropy');
  const sgd = createOptimizer({ kind: 'sgd', lr: 0.2, weightDecay: 0 }, tf);
  for (let i = 0; i < steps; i++) {
    const e = objective.evaluate(params, batch);
    const next = sgd.apply(params, e.grads, 0.2);
    tf.dispose([e.loss, e.correct]);
    disposeParams(e.grads);
    disposeParams(params);
    params = next;
  }
  return { model, params, batch };
}

function gradientVector(objective: Objective, params: Params, batch: Batch, names: string[]): Float64Array {
  const e = objective.evaluate(params, batch);
  const parts = names.map((n) => Array.from(e.grads[n].dataSync()));
  tf.dispose([e.loss, e.correct, ...Object.values(e.metrics)]);
  disposeParams(e.grads);
  return Float64Array.from(parts.flat());
}

function withEntry(params: Params, specs: readonly ParamSpec[], index: number, delta: number): Params {
  let offset = 0;
  return mapParams(params, (t, name) => {
    const spec = specs.find((s) => s.name === name) as ParamSpec;
    void spec;
    const values = Float32Array.from(t.dataSync());
    const start = offset;
    offset += values.length;
    if (index >= start && index < start + values.length) values[index - start] += delta;
    return tf.tensor(values, t.shape);
  });
}

describe("NSO on a small trained MLP: the perturbation gap is σ²/2 · Tr(H) (the NSO paper's Figure 2 check)", () => {
  it('within 15% of the trace of an explicitly built Hessian', async () => {
    const { model, params, batch } = await trainedTinyMlp([8], 300);
    const names = model.params.map((p) => p.name);
    const total = model.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
    expect(total).toBeLessThan(400);
    const objective = new Objective(model, 'cross-entropy');
    // Tr(H) by central differences of gradients, one coordinate at a time.
    let trace = 0;
    const eps = 1e-2;
    for (let i = 0; i < total; i++) {
      const plus = withEntry(params, model.params, i, eps);
      const minus = withEntry(params, model.params, i, -eps);
      trace += (gradientVector(objective, plus, batch, names)[i] - gradientVector(objective, minus, batch, names)[i]) / (2 * eps);
      disposeParams(plus);
      disposeParams(minus);
    }
    expect(trace).toBeGreaterThan(0);
    const sigma = 0.02;
    const method = noiseGradient(tf, { kind: 'nso', sigma, k: 200, lambda: 0, noise: 'normal' });
    const gaps: number[] = [];
    for (let round = 0; round < 3; round++) {
      const r = method({ params, specs: model.params, batch, objective, rng: createRng(100 + round) });
      gaps.push(r.metrics.nso_gap.dataSync()[0]);
      tf.dispose([r.loss, r.correct, ...Object.values(r.metrics)]);
      disposeParams(r.grads);
    }
    const measured = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const predicted = (sigma * sigma * trace) / 2;
    expect(Math.abs(measured - predicted) / predicted, `measured ${measured}, predicted ${predicted} (Tr H = ${trace})`).toBeLessThan(0.15);
    disposeParams(params);
    disposeBatch(batch);
  });
});

describe('FAM', () => {
  /** κ from the explicitly built Hessian of the loss with respect to the head W (float64, finite differences of the exact gradient). */
  function explicitKappa(phi: number[][], bias: number[], kernel: number[][], labels: number[], loss: 'cross-entropy' | 'mse') {
    const n = phi.length;
    const m = kernel.length;
    const d = kernel[0].length;
    // W[s][j] = kernel[j][s]
    const gradW = (w: number[]) => {
      const g = new Array(d * m).fill(0);
      for (let i = 0; i < n; i++) {
        const z = Array.from({ length: d }, (_, s) => bias[s] + phi[i].reduce((acc, f, j) => acc + w[s * m + j] * f, 0));
        let r: number[];
        if (loss === 'mse') r = z.map((v, s) => v - (labels[i] === s ? 1 : 0));
        else {
          const top = Math.max(...z);
          const ex = z.map((v) => Math.exp(v - top));
          const sum = ex.reduce((a, b) => a + b, 0);
          r = ex.map((v, s) => v / sum - (labels[i] === s ? 1 : 0));
        }
        for (let s = 0; s < d; s++) for (let j = 0; j < m; j++) g[s * m + j] += (r[s] * phi[i][j]) / n;
      }
      return g;
    };
    const w0 = Array.from({ length: d * m }, (_, idx) => kernel[idx % m][Math.floor(idx / m)]);
    const size = d * m;
    const H: number[][] = [];
    const eps = 1e-5;
    for (let c = 0; c < size; c++) {
      const plus = w0.slice();
      const minus = w0.slice();
      plus[c] += eps;
      minus[c] -= eps;
      const gp = gradW(plus);
      const gm = gradW(minus);
      H.push(gp.map((v, r) => (v - gm[r]) / (2 * eps)));
    }
    let kappa = 0;
    let traceAll = 0;
    let wNorm2 = 0;
    for (let s = 0; s < d; s++) {
      for (let t = 0; t < d; t++) {
        let blockTrace = 0;
        let inner = 0;
        for (let j = 0; j < m; j++) {
          blockTrace += H[s * m + j][t * m + j];
          inner += w0[s * m + j] * w0[t * m + j];
        }
        kappa += inner * blockTrace;
        if (s === t) traceAll += blockTrace;
      }
      for (let j = 0; j < m; j++) wNorm2 += w0[s * m + j] ** 2;
    }
    return { kappa, simplified: wNorm2 * traceAll };
  }

  it('κ and ‖W‖²·Tr(H) from the closed forms equal those of the explicit head Hessian (cross-entropy and MSE)', async () => {
    const { model, params, batch } = await trainedTinyMlp([5], 40);
    const forward = model.forward(params, batch.x);
    const phi = (await forward.features.array()) as number[][];
    const kernel = (await params['head/kernel'].array()) as number[][];
    const bias = Array.from(await params['head/bias'].data());
    const labels = Array.from(await batch.labels.data());
    for (const loss of ['cross-entropy', 'mse'] as const) {
      const exact = explicitKappa(phi, bias, kernel, labels, loss);
      for (const [measure, expected] of [
        ['full', exact.kappa],
        ['simplified', exact.simplified],
      ] as const) {
        for (const detach of [false, true]) {
          const k = famKappa(tf, params['head/kernel'] as tf.Tensor2D, forward.features, forward.logits, loss, measure, detach);
          const value = k.dataSync()[0];
          k.dispose();
          expect(
            Math.abs(value - expected) / Math.abs(expected),
            `${loss} ${measure} detach=${detach}: ${value} vs ${expected}`,
          ).toBeLessThan(1e-3);
        }
      }
    }
    tf.dispose([forward.features, forward.logits]);
    disposeParams(params);
    disposeBatch(batch);
  });

  it('the gradient of L + λκ matches finite differences; detaching the trace changes it', async () => {
    const { model, params, batch } = await trainedTinyMlp([6], 30);
    const names = model.params.map((p) => p.name);
    const config = { kind: 'fam' as const, lambda: 0.5, measure: 'full' as const, detachTrace: false };
    const objective = new Objective(model, 'cross-entropy', { kind: 'none' }, methodParts(config, 'cross-entropy').regularizer);
    const detached = new Objective(
      model,
      'cross-entropy',
      { kind: 'none' },
      methodParts({ ...config, detachTrace: true }, 'cross-entropy').regularizer,
    );
    const total = (p: Params) =>
      tf.tidy(() => {
        const f = model.forward(p, batch.x);
        const kappa = famKappa(tf, p['head/kernel'] as tf.Tensor2D, f.features, f.logits, 'cross-entropy', 'full', false);
        return tf.add(dataLoss('cross-entropy', f.logits, batch.y), tf.mul(kappa, 0.5)).dataSync()[0];
      });
    const grad = gradientVector(objective, params, batch, names);
    const gradDetached = gradientVector(detached, params, batch, names);
    const rng = createRng(4);
    let maxDifference = 0;
    const count = grad.length;
    for (let trial = 0; trial < 24; trial++) {
      const i = trial < 8 ? count - 1 - rng.int(6 * 3 + 3) : rng.int(count);
      const eps = 1e-2;
      const plus = withEntry(params, model.params, i, eps);
      const minus = withEntry(params, model.params, i, -eps);
      const numeric = (total(plus) - total(minus)) / (2 * eps);
      disposeParams(plus);
      disposeParams(minus);
      expect(Math.abs(numeric - grad[i]), `parameter ${i}: numeric ${numeric}, autodiff ${grad[i]}`).toBeLessThan(
        2e-3 + 0.02 * Math.abs(grad[i]),
      );
    }
    for (let i = 0; i < count; i++) maxDifference = Math.max(maxDifference, Math.abs(grad[i] - gradDetached[i]));
    expect(maxDifference).toBeGreaterThan(1e-3);
    disposeParams(params);
    disposeBatch(batch);
  });
});

describe('SOS', () => {
  async function setup(samples: number, duplicate = false) {
    const dataset = syntheticDataset(60, 10, [4, 4, 1], 3, 8);
    const model = createModel({ kind: 'mlp', hidden: [16] }, [4, 4, 1], 3);
    const params = initParams(model.params, 2);
    const indices = Array.from({ length: samples }, (_, i) => (duplicate && i % 2 === 1 ? i - 1 : i));
    const batch = makeBatch(dataset.train, dataset.info, indices);
    return { model, params, batch };
  }
  const headLogits = (model: Model, params: Params, batch: Batch) =>
    tf.tidy(() => model.forward(params, batch.x).logits.arraySync() as number[][]);

  it('keeps the logits on the b2 samples, never grows ‖W‖, and is idempotent', async () => {
    const { model, params, batch } = await setup(8);
    const before = headLogits(model, params, batch);
    const outcome = await optimumShift(model, params, batch);
    expect(outcome.changed).toBe(true);
    expect(outcome.rank).toBe(8);
    const shifted = { ...params, 'head/kernel': outcome.kernel as tf.Tensor };
    const after = headLogits(model, shifted, batch);
    const largest = Math.max(...before.flat().map(Math.abs));
    const worst = Math.max(...before.flat().map((v, i) => Math.abs(v - after.flat()[i])));
    expect(worst).toBeLessThanOrEqual(1e-4 * largest);
    expect(outcome.headNormAfter).toBeLessThanOrEqual(outcome.headNormBefore);
    expect(outcome.headNormAfter).toBeLessThan(outcome.headNormBefore * 0.99);
    const again = await optimumShift(model, shifted, batch);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(again.kernel as tf.Tensor, outcome.kernel as tf.Tensor))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5 * Math.max(...(outcome.kernel as tf.Tensor).dataSync().map(Math.abs)));
    tf.dispose([outcome.kernel as tf.Tensor, again.kernel as tf.Tensor]);
    disposeParams(params);
    disposeBatch(batch);
  });

  it('duplicate rows in Φ give no NaN and lower rank', async () => {
    const { model, params, batch } = await setup(8, true);
    const before = headLogits(model, params, batch);
    const outcome = await optimumShift(model, params, batch);
    expect(outcome.rank).toBe(4);
    const values = (outcome.kernel as tf.Tensor).dataSync();
    expect(values.every(Number.isFinite)).toBe(true);
    const after = headLogits(model, { ...params, 'head/kernel': outcome.kernel as tf.Tensor }, batch);
    const largest = Math.max(...before.flat().map(Math.abs));
    expect(Math.max(...before.flat().map((v, i) => Math.abs(v - after.flat()[i])))).toBeLessThanOrEqual(1e-4 * largest);
    (outcome.kernel as tf.Tensor).dispose();
    disposeParams(params);
    disposeBatch(batch);
  });

  it('b2 ≥ m leaves W unchanged and says why', async () => {
    const { model, params, batch } = await setup(16);
    const outcome = await optimumShift(model, params, batch);
    expect(outcome.changed).toBe(false);
    expect(outcome.kernel).toBeNull();
    expect(outcome.reason).toMatch(/b2 = 16 samples ≥ m = 16 features/);
    disposeParams(params);
    disposeBatch(batch);
  });
});

describe('deformation', () => {
  const losses = [0.05, 0.3, 1, 2.3, 5];
  it('δ′ matches finite differences of δ for the paper presets', () => {
    for (const { label, deformation } of DEFORMATION_PRESETS) {
      for (const l of losses) {
        const h = 1e-6;
        const numeric = (deformValue(deformation, l + h) - deformValue(deformation, l - h)) / (2 * h);
        expect(Math.abs(numeric - deformSlopeRaw(deformation, l)), `${label} at ℓ = ${l}`).toBeLessThan(1e-5 * (1 + Math.abs(numeric)));
      }
    }
    const ap: Deformation = { kind: 'ap', a1: 2, a2: 1, a3: 2, a4: 1 };
    expect(deformValue(ap, 1)).toBeCloseTo(2 * Math.atan(1) ** 2 + 1, 12);
  });

  it('the device computes the same δ′, and the guard clamps the pole instead of returning NaN', () => {
    for (const { deformation } of DEFORMATION_PRESETS) {
      for (const l of losses) {
        const { slope, clamped } = deformSlopeOnDevice(tf, deformation, tf.scalar(l));
        expect(slope.dataSync()[0]).toBeCloseTo(deformSlopeRaw(deformation, l), 3);
        expect(clamped.dataSync()[0]).toBe(0);
        tf.dispose([slope, clamped]);
      }
    }
    const pole: Deformation = { kind: 'le', e1: 1, e2: 1 };
    const { slope, clamped } = deformSlopeOnDevice(tf, pole, tf.scalar(0));
    expect(slope.dataSync()[0]).toBe(MAX_SLOPE);
    expect(clamped.dataSync()[0]).toBe(1);
    tf.dispose([slope, clamped]);
    expect(deformSlope(pole, 0)).toEqual({ slope: MAX_SLOPE, clamped: true });
    const steep: Deformation = { kind: 'ap', a1: 1, a2: 1, a3: 0.5, a4: 0 };
    expect(deformSlope(steep, 0).clamped).toBe(true);
  });

  it('with SGD the deformed step is δ′(ℓ) times the undeformed step', async () => {
    const { model, params, batch } = await trainedTinyMlp([6], 5);
    const deformation: Deformation = { kind: 'ap', a1: 18 / Math.PI, a2: 1, a3: 2, a4: 1 };
    const plain = new Objective(model, 'cross-entropy').evaluate(params, batch);
    const deformed = new Objective(model, 'cross-entropy', deformation).evaluate(params, batch);
    const l = plain.loss.dataSync()[0];
    const factor = deformSlopeRaw(deformation, l);
    expect(factor).toBeGreaterThan(1);
    const sgd = createOptimizer({ kind: 'sgd', lr: 0.1, weightDecay: 0 }, tf);
    const a = sgd.apply(params, plain.grads, 0.1);
    const b = sgd.apply(params, deformed.grads, 0.1);
    for (const name of Object.keys(params)) {
      const theta = params[name].dataSync();
      const stepPlain = a[name].dataSync().map((v, i) => v - theta[i]);
      const stepDeformed = b[name].dataSync().map((v, i) => v - theta[i]);
      stepPlain.forEach((s, i) => expect(Math.abs(stepDeformed[i] - factor * s)).toBeLessThan(1e-6 + 1e-4 * Math.abs(factor * s)));
    }
    [a, b, plain.grads, deformed.grads, params].forEach(disposeParams);
    tf.dispose([plain.loss, plain.correct, deformed.loss, deformed.correct]);
    disposeBatch(batch);
  });
});

// ---- every method in a lane -----------------------------------------------------------------

function lane(index: number, method: MethodConfig, extra: Partial<LaneConfig> = {}): LaneConfig {
  return { ...makeLane(index, { ...defaultOptimizerConfig('momentum'), lr: 0.05 }), method, ...extra };
}

const ALL_LANES: LaneConfig[] = [
  lane(0, { kind: 'none' }),
  lane(1, defaultMethod('sam')),
  lane(2, defaultMethod('asam')),
  lane(3, { kind: 'nso', sigma: 0.01, k: 2, lambda: 0.5, noise: 'laplace' }),
  lane(4, { kind: 'wpsgd', sigma: 0.01, k: 3, noise: 'uniform' }),
  lane(5, defaultMethod('fam'), { deformation: { kind: 'le', e1: 1, e2: 0.9 } }),
  lane(6, { kind: 'fam', lambda: 0.1, measure: 'simplified', detachTrace: true }, { sos: { enabled: true, every: 10, samples: 8 } }),
  lane(7, defaultMethod('sam'), { sos: { enabled: true, every: 7, samples: 8 }, deformation: { kind: 'ap', a1: 10, a2: 1, a3: 1, a4: 1 } }),
];

const COMPARISON: ComparisonConfig = {
  ...defaultComparison('synthetic'),
  model: { kind: 'mlp', hidden: [12] },
  batchSize: 10,
  epochs: 100,
  testSize: 20,
  lanes: ALL_LANES,
};

describe('every method in a lane', () => {
  it('counts gradient evaluations as stated, logs its metric, trains without NaN and leaks no tensor over 100 steps', async () => {
    const comparison = new Comparison(syntheticDataset(), COMPARISON);
    const first = await comparison.trainWindow(10);
    first.forEach((w, i) => {
      const config = ALL_LANES[i];
      expect(w.gradEvals, config.method.kind).toBe(10 * methodGradEvals(config.method));
      const metric = methodOf(config.method.kind).metric?.name;
      if (metric) expect(Number.isFinite(w.records[0].metrics[metric]), `${config.method.kind} logs ${metric}`).toBe(true);
      if (config.deformation.kind !== 'none') expect(w.records[0].metrics.deform_scale).toBeGreaterThan(0);
    });
    expect(first[6].sosEvents.map((e) => e.step)).toEqual([10]);
    expect(first[7].sosEvents.map((e) => e.step)).toEqual([7]);
    expect(first[6].sosEvents[0].headNormAfter).toBeLessThanOrEqual(first[6].sosEvents[0].headNormBefore);
    const warm = tf.memory().numTensors;
    const windows = [];
    for (let i = 0; i < 9; i++) windows.push(await comparison.trainWindow(10));
    expect(tf.memory().numTensors).toBe(warm);
    for (const w of windows.flat()) for (const r of w.records) expect(Number.isFinite(r.loss)).toBe(true);
    const last = windows[8];
    ALL_LANES.forEach((config, i) =>
      expect(last[i].records[9].loss, `${config.method.kind} learns`).toBeLessThan(first[i].records[0].loss),
    );
    comparison.dispose();
  });

  it('SAM with ρ = 0 reproduces the base optimizer exactly', async () => {
    const config: ComparisonConfig = { ...COMPARISON, lanes: [lane(0, { kind: 'none' }), lane(1, { kind: 'sam', rho: 0 })] };
    const comparison = new Comparison(syntheticDataset(), config);
    await comparison.trainWindow(15);
    const [a, b] = comparison.lanes.map((l) => Object.values(l.params).map((t) => Array.from(t.dataSync())));
    expect(b).toEqual(a);
    comparison.dispose();
  });

  it('a one-shot shift reports the head norm, the SOS-batch loss and the whole training loss before and after', async () => {
    const comparison = new Comparison(syntheticDataset(), { ...COMPARISON, lanes: [lane(0, { kind: 'none' })] });
    await comparison.trainWindow(20);
    const report = await comparison.shiftNow('lane1', 6);
    expect(report.changed).toBe(true);
    expect(report.headNormAfter).toBeLessThanOrEqual(report.headNormBefore);
    expect(Math.abs(report.sosLossAfter - report.sosLossBefore)).toBeLessThan(1e-4 * (1 + report.sosLossBefore));
    expect(report.trainLossBefore).toBeGreaterThan(0);
    expect(Number.isFinite(report.trainLossAfter)).toBe(true);
    const none = await comparison.shiftNow('lane1', 64);
    expect(none.changed).toBe(false);
    expect(none.reason).toMatch(/not under-determined/);
    comparison.dispose();
  });

  it('rejects invalid settings with the parameter and its allowed range', () => {
    const base = lane(0, { kind: 'none' });
    const problems: Array<[unknown, RegExp]> = [
      [{ ...base, method: { kind: 'sam', rho: -0.1 } }, /method\.rho: ρ must be a number in \[0, 2\]/],
      [{ ...base, method: { kind: 'nso', sigma: -1, k: 1, lambda: 0, noise: 'normal' } }, /method\.sigma: σ must be a number in \[0, 1\]/],
      [
        { ...base, method: { kind: 'nso', sigma: 0.01, k: 0, lambda: 0, noise: 'normal' } },
        /method\.k: k must be a whole number in \[1, 16\]/,
      ],
      [{ ...base, method: { kind: 'nso', sigma: 0.01, k: 1.5, lambda: 0, noise: 'normal' } }, /method\.k: k must be a whole number/],
      [
        { ...base, method: { kind: 'nso', sigma: 0.01, k: 1, lambda: 0, noise: 'cauchy' } },
        /noise must be one of normal, uniform, laplace/,
      ],
      [{ ...base, deformation: { kind: 'le', e1: 1, e2: 0 } }, /deformation\.e2: e2 must be a number in \(0, 1\]/],
      [{ ...base, deformation: { kind: 'le', e1: 1, e2: 1.2 } }, /deformation\.e2: e2 must be a number in \(0, 1\]/],
      [{ ...base, sos: { enabled: true, every: 10, samples: 0 } }, /sos\.samples: b2 samples must be a whole number in \[1, 4096\]/],
      [
        { ...base, method: { kind: 'fam', lambda: 'lots', measure: 'full', detachTrace: false } },
        /method\.lambda: λ must be a number in \[0, 10\]/,
      ],
      [{ ...base, method: { kind: 'sam', rho: Number.NaN } }, /method\.rho: ρ must be a number/],
      [{ ...base, method: { kind: 'magic' } }, /method must be one of none, sam, asam, nso, wpsgd, fam/],
    ];
    for (const [config, pattern] of problems) {
      const result = laneConfigSchema.safeParse(config);
      expect(result.success).toBe(false);
      if (!result.success) expect(describeZodError(result.error)).toMatch(pattern);
    }
  });
});
