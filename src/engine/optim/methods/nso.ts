/**
 * NSO, two-point noise injection ("Noise Stability Optimization for Finding Flat Minima: A
 * Hessian-based Regularization Approach", Algorithm 1; docs/ALGORITHMS.md, "NSO"):
 *   for i = 1..k draw U_i with i.i.d. entries of variance σ² over ALL trainable tensors;
 *   g = λ ∇L(θ) + (1 − λ)/(2k) Σ_i [∇L(θ + U_i) + ∇L(θ − U_i)].   Cost 2k (+1 if λ > 0).
 * WP-SGD (randomized smoothing), the one-sided ablation: g = (1/k) Σ_i ∇L(θ + U_i).   Cost k.
 * Logged: the perturbation gap mean_i [L(θ+U_i) + L(θ−U_i)]/2 − L(θ) ≈ σ²/2·Tr(H) (one-sided for WP-SGD).
 */
import type { Scalar } from '@tensorflow/tfjs-core';
import { mapEntries, paramSize, type Params, type ParamSpec } from '../../model/params';
import type { Rng } from '../../rng';
import type { Tf } from '../../tf';
import { choiceParam, numberParam, shortNumber } from '../controls';
import { defineMethod, disposeEvaluation, type GradientEvaluation, type GradientRule } from '../methodDescriptor';

const NSO_SIGMA = numberParam({
  key: 'sigma',
  label: 'σ',
  help: 'Standard deviation of every noise entry (the same for all tensors).',
  min: 0,
  max: 1,
  step: 0.001,
  default: 0.01,
});
const NSO_K = numberParam({
  key: 'k',
  label: 'k',
  help: 'Noise draws per step; each costs 2 gradient evaluations (1 for WP-SGD).',
  min: 1,
  max: 16,
  step: 1,
  default: 1,
  integer: true,
});
const NSO_LAMBDA = numberParam({
  key: 'lambda',
  label: 'λ',
  help: 'Weight of the plain gradient ∇L(θ) (0 in the published runs; > 0 costs one more evaluation).',
  min: 0,
  max: 1,
  step: 0.05,
  default: 0,
});
const NSO_NOISE = choiceParam({
  key: 'noise',
  label: 'noise',
  help: 'Distribution of the noise entries, all zero-mean with variance σ².',
  default: 'normal',
  choices: [
    { value: 'normal', label: 'normal', help: 'N(0, σ²)' },
    { value: 'uniform', label: 'uniform', help: 'uniform on ±√3 σ' },
    { value: 'laplace', label: 'Laplace', help: 'Laplace with scale σ/√2' },
  ],
});

export type NoiseKind = (typeof NSO_NOISE.choices)[number]['value'];

const metric = {
  name: 'nso_gap',
  label: 'NSO perturbation gap',
  help: 'mean over the noise of [L(θ+U) + L(θ−U)]/2 − L(θ) ≈ σ²/2·Tr(H) (one-sided L(θ+U) − L(θ) for WP-SGD).',
} as const;

/** One zero-mean draw with variance σ². */
export function drawNoise(kind: NoiseKind, sigma: number, rng: Rng): number {
  if (kind === 'normal') return sigma * rng.normal();
  if (kind === 'uniform') return (2 * rng.next() - 1) * Math.sqrt(3) * sigma;
  let u = rng.next() - 0.5;
  while (u === -0.5) u = rng.next() - 0.5;
  const scale = sigma / Math.SQRT2;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/** Fills `out` with N(0, σ²) draws, using both halves of each Box–Muller pair (twice as fast as drawNoise). */
function fillNormal(out: Float32Array, sigma: number, rng: Rng): void {
  for (let i = 0; i < out.length; i += 2) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    const r = sigma * Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * rng.next();
    out[i] = r * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(angle);
  }
}

/** A noise tensor for every parameter (kept), drawn in JavaScript so every backend sees the same numbers. */
export function noiseLike(tf: Tf, specs: readonly ParamSpec[], kind: NoiseKind, sigma: number, rng: Rng): Params {
  const out: Params = {};
  for (const spec of specs) {
    const values = new Float32Array(paramSize(spec.shape));
    if (kind === 'normal') fillNormal(values, sigma, rng);
    else for (let i = 0; i < values.length; i++) values[i] = drawNoise(kind, sigma, rng);
    out[spec.name] = tf.keep(tf.tensor(values, spec.shape, 'float32'));
  }
  return out;
}

export interface NoiseSettings {
  kind: 'nso' | 'wpsgd';
  sigma: number;
  k: number;
  noise: NoiseKind;
  /** NSO only: the weight of ∇L(θ). */
  lambda?: number;
}

/** The noise-averaged gradient of NSO (two-sided) or WP-SGD (one-sided), and the perturbation gap. */
export function noiseGradient(tf: Tf, config: NoiseSettings): GradientRule {
  const twoSided = config.kind === 'nso';
  const lambda = twoSided ? (config.lambda ?? 0) : 0;
  const shifted = (params: Params, u: Params, sign: 1 | -1) =>
    tf.tidy(() => mapEntries(params, (theta, name) => (sign > 0 ? tf.add(theta, u[name]) : tf.sub(theta, u[name]))));
  const accumulate = (sum: Params | null, grads: Params): Params => {
    if (!sum) return grads;
    const next = tf.tidy(() => mapEntries(sum, (s, name) => tf.add(s, grads[name])));
    tf.dispose([sum, grads]);
    return next;
  };
  return (ctx) => {
    const { params, batch, objective } = ctx;
    const atTheta: GradientEvaluation | null = lambda > 0 ? objective.evaluate(params, batch) : null;
    const base = atTheta ? { loss: atTheta.loss, correct: atTheta.correct } : objective.forward(params, batch);
    let sum: Params | null = null;
    const gaps: Scalar[] = [];
    for (let i = 0; i < config.k; i++) {
      const u = noiseLike(tf, ctx.specs, config.noise, config.sigma, ctx.rng);
      const plusParams = shifted(params, u, 1);
      const plus = objective.evaluate(plusParams, batch);
      tf.dispose(plusParams);
      sum = accumulate(sum, plus.grads);
      if (twoSided) {
        const minusParams = shifted(params, u, -1);
        const minus = objective.evaluate(minusParams, batch);
        tf.dispose(minusParams);
        sum = accumulate(sum, minus.grads);
        gaps.push(tf.tidy(() => tf.sub(tf.mul(tf.add(plus.loss, minus.loss), 0.5), base.loss)));
        disposeEvaluation(tf, minus, true);
      } else {
        gaps.push(tf.tidy(() => tf.sub(plus.loss, base.loss)));
      }
      disposeEvaluation(tf, plus, true);
      tf.dispose(u);
    }
    const weight = twoSided ? (1 - lambda) / (2 * config.k) : 1 / config.k;
    const total = sum as Params;
    const grads = tf.tidy(() =>
      mapEntries(total, (s, name) => (atTheta ? tf.add(tf.mul(atTheta.grads[name], lambda), tf.mul(s, weight)) : tf.mul(s, weight))),
    );
    tf.dispose(total);
    const gap = tf.tidy(() => tf.div(tf.addN(gaps), config.k) as Scalar);
    tf.dispose(gaps);
    const metrics = atTheta ? atTheta.metrics : {};
    if (atTheta) tf.dispose(atTheta.grads);
    return { grads, loss: base.loss, correct: base.correct, metrics: { ...metrics, [metric.name]: gap } };
  };
}

export const nso = defineMethod({
  kind: 'nso',
  label: 'NSO',
  help: 'Noise stability optimization: average ∇L(θ + U) and ∇L(θ − U) over k noise draws (2k gradients per step).',
  controls: [NSO_SIGMA, NSO_K, NSO_LAMBDA, NSO_NOISE],
  gradEvals: (c) => 2 * c.k + (c.lambda > 0 ? 1 : 0),
  metric,
  summary: (c) => `NSO σ ${shortNumber(c.sigma)} k ${c.k}${c.lambda > 0 ? ` λ ${shortNumber(c.lambda)}` : ''}`,
  parts: (config, { tf }) => ({ gradient: noiseGradient(tf, config) }),
});

export const wpsgd = defineMethod({
  kind: 'wpsgd',
  label: 'WP-SGD',
  help: 'Randomized smoothing, the one-sided ablation of NSO: average ∇L(θ + U) (k gradients per step).',
  controls: [NSO_SIGMA, NSO_K, NSO_NOISE],
  gradEvals: (c) => c.k,
  metric,
  summary: (c) => `WP-SGD σ ${shortNumber(c.sigma)} k ${c.k}`,
  parts: (config, { tf }) => ({ gradient: noiseGradient(tf, config) }),
});
