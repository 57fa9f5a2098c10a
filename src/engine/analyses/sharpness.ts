import type { JobControl } from '../control';
import { gaussian } from '../hessian/lanczos';
import { axpy, norm, scale } from '../hessian/operator';
import { deriveSeed } from '../rng';
import type { SharpnessSettings } from './config';
import type { Objective } from './objective';

/**
 * Sharpness measures of Andriushchenko et al. 2023 (docs/ALGORITHMS.md): the average-case rise
 * E_δ[L(θ+δ)] − L(θ), δ ~ N(0, ρ²I/d), and the worst-case rise max_{‖δ‖≤ρ} L(θ+δ) − L(θ) by
 * projected gradient ascent, both plain and adaptive (δ = |θ| ⊙ u), and m-sharpness: the
 * worst-case rise of each batch of m samples with its own δ, averaged.
 */

export interface Estimate {
  value: number;
  /** Standard error of a Monte-Carlo mean (NaN for one draw, 0 for a maximization). */
  stdError: number;
}

export interface SharpnessMeasures {
  loss: number;
  average: { plain: Estimate; adaptive: Estimate };
  worst: { plain: number; adaptive: number };
  /** Null when m is 0 or larger than the samples. */
  mSharpness: { plain: Estimate; adaptive: Estimate; batches: number } | null;
}

function meanAndError(values: number[]): Estimate {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : NaN;
  return { value: mean, stdError: Math.sqrt(variance / n) };
}

/** ρ/√d · z with z standard normal, scaled elementwise by `weights` if given. */
function gaussianPerturbation(dimension: number, rho: number, seed: number, weights: Float64Array | null): Float64Array {
  const z = gaussian(dimension, seed);
  scale(z, rho / Math.sqrt(dimension));
  if (weights) for (let i = 0; i < dimension; i++) z[i] *= weights[i];
  return z;
}

/**
 * E[L(θ+δ)] − L(θ) by antithetic pairs: each pair gives (L(θ+δ) + L(θ−δ))/2 − L(θ), whose mean is
 * the same expectation with the first-order term cancelled exactly.
 */
export async function averageSharpness(
  objective: Objective,
  theta: Float64Array,
  rho: number,
  draws: number,
  seed: number,
  weights: Float64Array | null,
  control: JobControl,
  base?: number,
): Promise<Estimate> {
  const at = base ?? (await control.exclusive(() => objective.loss(theta, null)));
  const rises: number[] = [];
  for (let k = 0; k < draws && !control.cancelled(); k++) {
    const delta = gaussianPerturbation(theta.length, rho, deriveSeed(seed, `draw/${k}`), weights);
    const plus = Float64Array.from(theta);
    const minus = Float64Array.from(theta);
    axpy(plus, 1, delta);
    axpy(minus, -1, delta);
    const [lp, lm] = await control.exclusive(async () => [await objective.loss(plus, null), await objective.loss(minus, null)]);
    rises.push((lp + lm) / 2 - at);
  }
  return meanAndError(rises);
}

/**
 * max_{‖u‖≤ρ} L(θ + w⊙u) − L(θ) (w = 1 plain, |θ| adaptive) by `steps` of normalized projected
 * gradient ascent in u, u ← Π(u + ρ·g/‖g‖), from a seeded random point of norm ρ/10 (the gradient
 * at θ itself is zero at a minimum); the best iterate counts, so the result is a lower bound of the
 * max. The step is ρ, not the reference code's 2ρ/steps: with 2ρ/steps the iterate can turn at most
 * 2 radians in all, so on a quadratic it stalled at 97-99% of ½ρ²λmax however many steps it took;
 * with ρ each step on the sphere is a power-iteration step of (‖g‖/ρ·I + H), and 10 steps reach 99.9%.
 */
export async function worstSharpness(
  objective: Objective,
  theta: Float64Array,
  rho: number,
  steps: number,
  seed: number,
  weights: Float64Array | null,
  batch: number | null,
  control: JobControl,
): Promise<number> {
  const d = theta.length;
  const u = gaussian(d, seed);
  scale(u, rho / 10 / norm(u));
  const eta = rho;
  const point = (v: Float64Array) => {
    const p = Float64Array.from(theta);
    for (let i = 0; i < d; i++) p[i] += (weights ? weights[i] : 1) * v[i];
    return p;
  };
  const base = await control.exclusive(() => objective.loss(theta, batch));
  let best = -Infinity;
  for (let s = 0; s < steps && !control.cancelled(); s++) {
    const { loss, gradient } = await control.exclusive(() => objective.gradient(point(u), batch));
    best = Math.max(best, loss);
    if (weights) for (let i = 0; i < d; i++) gradient[i] *= weights[i];
    const g = norm(gradient);
    if (g === 0) break;
    axpy(u, eta / g, gradient);
    const n = norm(u);
    if (n > rho) scale(u, rho / n);
  }
  if (!control.cancelled()) best = Math.max(best, await control.exclusive(() => objective.loss(point(u), batch)));
  return best - base;
}

/** All the measures of one set of weights. `mBatches`: the objective's batches of exactly m samples (none: no m-sharpness). */
export async function sharpnessMeasures(
  objective: Objective,
  theta: Float64Array,
  settings: SharpnessSettings,
  mBatches: number[],
  control: JobControl,
): Promise<SharpnessMeasures> {
  const adaptive = theta.map(Math.abs);
  const loss = await control.exclusive(() => objective.loss(theta, null));
  const seed = (purpose: string) => deriveSeed(settings.seed, purpose);
  const average = {
    plain: await averageSharpness(objective, theta, settings.averageRho, settings.draws, seed('avg'), null, control, loss),
    adaptive: await averageSharpness(
      objective,
      theta,
      settings.averageAdaptiveRho,
      settings.draws,
      seed('avg-adaptive'),
      adaptive,
      control,
      loss,
    ),
  };
  const worst = {
    plain: await worstSharpness(objective, theta, settings.rho, settings.steps, seed('max'), null, null, control),
    adaptive: await worstSharpness(objective, theta, settings.adaptiveRho, settings.steps, seed('max-adaptive'), adaptive, null, control),
  };
  let mSharpness: SharpnessMeasures['mSharpness'] = null;
  if (mBatches.length > 0) {
    const perBatch = async (rho: number, weights: Float64Array | null, purpose: string) => {
      const values: number[] = [];
      for (const b of mBatches) {
        if (control.cancelled()) break;
        values.push(await worstSharpness(objective, theta, rho, settings.steps, seed(`${purpose}/${b}`), weights, b, control));
      }
      return meanAndError(values);
    };
    mSharpness = {
      plain: await perBatch(settings.rho, null, 'm'),
      adaptive: await perBatch(settings.adaptiveRho, adaptive, 'm-adaptive'),
      batches: mBatches.length,
    };
  }
  return { loss, average, worst, mSharpness };
}

/** Loss evaluations and gradients the measures take (for progress and the cost read-out). */
export function sharpnessWork(settings: SharpnessSettings, mBatches: number): number {
  const worstOnce = settings.steps + 2;
  return 1 + 2 * (2 * settings.draws) + 2 * worstOnce * (1 + mBatches);
}
