import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { disposeEvalSet, makeEvalSet, normalizedPixels, rangeIndices } from '../src/engine/data/batch';
import { initParams } from '../src/engine/model/init';
import { createModel } from '../src/engine/model/registry';
import type { ModelSpec } from '../src/engine/model/spec';
import { disposeParams, readParams } from '../src/engine/model/paramTensors';
import { HessianOperator } from '../src/engine/hessian/hvp';
import { gaussian, topEigenvalues } from '../src/engine/hessian/lanczos';
import { hutchinsonTrace } from '../src/engine/hessian/trace';
import { spectralDensity } from '../src/engine/hessian/density';
import { dot, matrixOperator, norm } from '../src/engine/hessian/operator';
import { createRng } from '../src/engine/rng';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

/** Q diag(λ) Qᵀ with a seeded random orthogonal Q. */
function rotated(spectrum: number[], seed = 1): number[][] {
  const n = spectrum.length;
  const rng = createRng(seed);
  const g = new Matrix(Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal())));
  const q = new EigenvalueDecomposition(g.mmul(g.transpose()), { assumeSymmetric: true }).eigenvectorMatrix;
  return q.mmul(Matrix.diag(spectrum)).mmul(q.transpose()).to2DArray();
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('Lanczos, Hutchinson and SLQ on quadratics with a known spectrum', () => {
  const spectrum = [...Array(30).fill(1), ...Array(20).fill(5), 12, 14, 17, 20, 30, ...Array(5).fill(0.2)];
  const op = matrixOperator(rotated(spectrum));
  const top = [...spectrum].sort((a, b) => b - a).slice(0, 5);

  it('finds the top-5 eigenvalues within 1e-3 relative', async () => {
    const r = await topEigenvalues(op, { k: 5, tol: 1e-6, maxIterations: 60, seed: 3 });
    r.eigenvalues.forEach((v, i) => expect(rel(v, top[i])).toBeLessThan(1e-3));
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(60);
  });

  it('Hutchinson is exact for a diagonal matrix and within 3 standard errors (and 1e-3 at convergence) for a rotated one', async () => {
    const diagonal = matrixOperator(spectrum.map((v, i) => spectrum.map((_, j) => (i === j ? v : 0))));
    const trace = spectrum.reduce((a, b) => a + b, 0);
    const exact = await hutchinsonTrace(diagonal, { tol: 1e-3, minSamples: 3, maxSamples: 10, seed: 1 });
    expect(rel(exact.trace, trace)).toBeLessThan(1e-12);
    expect(exact.converged).toBe(true);
    const r = await hutchinsonTrace(op, { tol: 1e-3, minSamples: 10, maxSamples: 2000, seed: 1 });
    expect(r.samples).toBe(2000);
    expect(r.converged).toBe(false);
    expect(Math.abs(r.trace - trace)).toBeLessThan(3 * r.stdError);
    expect(r.stdError / trace).toBeLessThan(0.01);
  });

  it('SLQ puts the density’s mass at the known eigenvalues, in proportion to their multiplicity', async () => {
    const d = await spectralDensity(op, { runs: 20, steps: 60, seed: 5, broadening: 0.005, points: 3000 });
    expect(d.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const dx = d.grid[1] - d.grid[0];
    const mass = (lo: number, hi: number) => d.grid.reduce((acc, x, i) => acc + (x >= lo && x <= hi ? d.density[i] * dx : 0), 0);
    expect(d.density.reduce((a, b) => a + b, 0) * dx).toBeCloseTo(1, 2);
    expect(Math.abs(mass(0.5, 1.5) - 30 / 60)).toBeLessThan(0.1);
    expect(Math.abs(mass(4.5, 5.5) - 20 / 60)).toBeLessThan(0.1);
    expect(Math.abs(mass(0, 0.4) - 5 / 60)).toBeLessThan(0.06);
    const known = [...new Set(spectrum)];
    expect(mass(-1, 31) - known.reduce((acc, e) => acc + mass(e - 0.5, e + 0.5), 0)).toBeLessThan(0.01);
  });
});

const data = syntheticDataset(60, 20, [4, 4, 1], 3);

async function hessianOf(spec: ModelSpec, loss: 'cross-entropy' | 'mse', samples = 60) {
  const model = createModel(spec, data.info.shape, 3);
  const params = initParams(model.params, 2);
  const weights = await readParams(params);
  disposeParams(params);
  const set = makeEvalSet(data.train, data.info, samples, 25);
  const op = new HessianOperator(model, weights, set, loss);
  return {
    model,
    op,
    set,
    dispose: () => {
      op.dispose();
      disposeEvalSet(set);
    },
  };
}

async function denseHessian(op: HessianOperator): Promise<number[][]> {
  const columns: Float64Array[] = [];
  for (let i = 0; i < op.dimension; i++) {
    const e = new Float64Array(op.dimension);
    e[i] = 1;
    columns.push(await op.apply(e));
  }
  return columns.map((_, i) => columns.map((c) => c[i]));
}

describe('the Hessian-vector product by central differences of gradients', () => {
  it('is exact on a quadratic loss (linear model, squared error): H = I_d ⊗ (1/n) Σ [x;1][x;1]ᵀ', async () => {
    const { op, dispose } = await hessianOf({ kind: 'mlp', hidden: [] }, 'mse');
    const x = normalizedPixels(data.train, data.info, rangeIndices(0, 60));
    const m = Matrix.zeros(17, 17);
    for (let s = 0; s < 60; s++) {
      const row = [...x.slice(s * 16, s * 16 + 16), 1];
      for (let a = 0; a < 17; a++) for (let b = 0; b < 17; b++) m.set(a, b, m.get(a, b) + (row[a] * row[b]) / 60);
    }
    // Parameters: kernel [16, 3] row-major, then bias [3]. H[(a,c),(b,c')] = δ_cc' M[a,b].
    const index = (a: number, c: number) => (a < 16 ? a * 3 + c : 48 + c);
    const v = gaussian(op.dimension, 9);
    const hv = await op.apply(v);
    const exact = new Float64Array(op.dimension);
    for (let a = 0; a < 17; a++)
      for (let c = 0; c < 3; c++) for (let b = 0; b < 17; b++) exact[index(a, c)] += m.get(a, b) * v[index(b, c)];
    const diff = norm(hv.map((h, i) => h - exact[i]));
    expect(diff / norm(exact)).toBeLessThan(1e-3);
    const eig = new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues.sort((p, q) => q - p);
    const r = await topEigenvalues(op, { k: 3, tol: 1e-4, maxIterations: 51, seed: 1 });
    // Each eigenvalue of M appears d = 3 times in H.
    r.eigenvalues.forEach((value) => expect(rel(value, eig[0])).toBeLessThan(1e-3));
    const t = await hutchinsonTrace(op, { tol: 1e-3, minSamples: 10, maxSamples: 400, seed: 2 });
    const trace = 3 * eig.reduce((a, b) => a + b, 0);
    expect(Math.abs(t.trace - trace)).toBeLessThan(3 * t.stdError + 1e-3 * trace);
    expect(op.hvps).toBe(1 + r.iterations + t.samples);
    expect(op.gradients).toBe(2 * op.hvps);
    dispose();
  });

  it(
    'on a tiny MLP: the Hessian built column by column is symmetric; Lanczos top-3 within 1e-4 of ' +
      'a dense eigensolver; Hutchinson within 3 standard errors of its trace',
    async () => {
      const { op, dispose } = await hessianOf({ kind: 'mlp', hidden: [12] }, 'cross-entropy');
      expect(op.dimension).toBe(16 * 12 + 12 + 12 * 3 + 3);
      const h = await denseHessian(op);
      const a = new Matrix(h);
      const asym = a.clone().sub(a.transpose()).norm('frobenius') / a.norm('frobenius');
      expect(asym).toBeLessThan(1e-3);
      const sym = a.clone().add(a.transpose()).mul(0.5);
      const exact = new EigenvalueDecomposition(sym, { assumeSymmetric: true }).realEigenvalues.sort((p, q) => q - p);
      const r = await topEigenvalues(op, { k: 3, tol: 1e-4, maxIterations: 100, seed: 4 });
      r.eigenvalues.forEach((v, i) => expect(rel(v, exact[i])).toBeLessThan(1e-4));
      const trace = exact.reduce((s, v) => s + v, 0);
      const t = await hutchinsonTrace(op, { tol: 1e-3, minSamples: 30, maxSamples: 300, seed: 6 });
      expect(Math.abs(t.trace - trace)).toBeLessThan(3 * t.stdError);
      dispose();
    },
  );

  it('is linear in v and symmetric (uᵀHv = vᵀHu) on a small CNN', async () => {
    const { op, dispose } = await hessianOf({ kind: 'cnn', channels: [2, 3], kernelSize: 3, dense: 6 }, 'cross-entropy', 40);
    const u = gaussian(op.dimension, 1);
    const v = gaussian(op.dimension, 2);
    const hu = await op.apply(u);
    const hv = await op.apply(v);
    const combo = await op.apply(u.map((x, i) => 2 * x - 0.5 * v[i]));
    const expected = hu.map((x, i) => 2 * x - 0.5 * hv[i]);
    expect(norm(combo.map((x, i) => x - expected[i])) / norm(expected)).toBeLessThan(1e-2);
    expect(Math.abs(dot(u, hv) - dot(v, hu)) / Math.max(Math.abs(dot(u, hv)), 1e-9)).toBeLessThan(1e-2);
    dispose();
  });

  it('leaves the number of tensors unchanged', async () => {
    const before = tf.memory().numTensors;
    const { op, dispose } = await hessianOf({ kind: 'mlp', hidden: [4] }, 'cross-entropy');
    await op.apply(gaussian(op.dimension, 1));
    await op.gradientAtTheta();
    await topEigenvalues(op, { k: 2, tol: 1e-3, maxIterations: 6, seed: 1 });
    await hutchinsonTrace(op, { tol: 1e-3, minSamples: 2, maxSamples: 3, seed: 1 });
    await spectralDensity(op, { runs: 2, steps: 4, seed: 1, broadening: 0.01, points: 50 });
    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
