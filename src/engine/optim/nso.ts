/**
 * NSO, two-point noise injection (seed 002, Algorithm 1; ALGORITHMS.md):
 *   for i = 1..k draw U_i with i.i.d. entries of variance σ² over ALL trainable tensors;
 *   g = λ ∇L(θ) + (1 − λ)/(2k) Σ_i [∇L(θ + U_i) + ∇L(θ − U_i)].   Cost 2k (+1 if λ > 0).
 * WP-SGD (randomized smoothing), the one-sided ablation: g = (1/k) Σ_i ∇L(θ + U_i).   Cost k.
 * Logged: the perturbation gap mean_i [L(θ+U_i) + L(θ−U_i)]/2 − L(θ) ≈ σ²/2·Tr(H) (one-sided for WP-SGD).
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { disposeParams, mapParams, paramSize, type Params, type ParamSpec } from '../model/params';
import type { Rng } from '../rng';
import { numberSchema, type ChoiceParam, type NumberParam } from './controls';
import type { GradientMethod, MethodResult, StepContext } from './method';
import { disposeEvaluation, type Evaluation } from './objective';

export const NSO_SIGMA: NumberParam = {
  key: 'sigma',
  label: 'σ',
  help: 'Standard deviation of every noise entry (the same for all tensors).',
  min: 0,
  max: 1,
  step: 0.001,
  default: 0.01,
};
export const NSO_K: NumberParam = {
  key: 'k',
  label: 'k',
  help: 'Noise draws per step; each costs 2 gradient evaluations (1 for WP-SGD).',
  min: 1,
  max: 16,
  step: 1,
  default: 1,
  integer: true,
};
export const NSO_LAMBDA: NumberParam = {
  key: 'lambda',
  label: 'λ',
  help: 'Weight of the plain gradient ∇L(θ) (0 in the published runs; > 0 costs one more evaluation).',
  min: 0,
  max: 1,
  step: 0.05,
  default: 0,
};
export const NSO_NOISE: ChoiceParam = {
  key: 'noise',
  label: 'noise',
  help: 'Distribution of the noise entries, all zero-mean with variance σ².',
  default: 'normal',
  choices: [
    { value: 'normal', label: 'normal', help: 'N(0, σ²)' },
    { value: 'uniform', label: 'uniform', help: 'uniform on ±√3 σ' },
    { value: 'laplace', label: 'Laplace', help: 'Laplace with scale σ/√2' },
  ],
};

const noise = z.enum(['normal', 'uniform', 'laplace'], { error: 'noise must be one of normal, uniform, laplace' });
export const nsoSchema = z.object({
  kind: z.literal('nso'),
  sigma: numberSchema(NSO_SIGMA),
  k: numberSchema(NSO_K),
  lambda: numberSchema(NSO_LAMBDA),
  noise,
});
export const wpsgdSchema = z.object({ kind: z.literal('wpsgd'), sigma: numberSchema(NSO_SIGMA), k: numberSchema(NSO_K), noise });
export type NsoConfig = z.infer<typeof nsoSchema>;
export type WpsgdConfig = z.infer<typeof wpsgdSchema>;
export type NoiseKind = z.infer<typeof noise>;

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

/** A noise tensor for every parameter, drawn in JavaScript so every backend sees the same numbers. */
export function noiseLike(specs: readonly ParamSpec[], kind: NoiseKind, sigma: number, rng: Rng): Params {
  const out: Params = {};
  for (const spec of specs) {
    const values = new Float32Array(paramSize(spec.shape));
    if (kind === 'normal') fillNormal(values, sigma, rng);
    else for (let i = 0; i < values.length; i++) values[i] = drawNoise(kind, sigma, rng);
    out[spec.name] = tf.keep(tf.tensor(values, spec.shape, 'float32'));
  }
  return out;
}

function shifted(params: Params, u: Params, sign: 1 | -1): Params {
  return mapParams(params, (theta, name) => (sign > 0 ? tf.add(theta, u[name]) : tf.sub(theta, u[name])));
}

function accumulate(sum: Params | null, grads: Params): Params {
  if (!sum) return grads;
  const next = mapParams(sum, (s, name) => tf.add(s, grads[name]));
  disposeParams(sum);
  disposeParams(grads);
  return next;
}

export function nsoMethod(config: NsoConfig | WpsgdConfig): GradientMethod {
  const twoSided = config.kind === 'nso';
  const lambda = config.kind === 'nso' ? config.lambda : 0;
  return {
    gradient(ctx: StepContext): MethodResult {
      const { params, batch, objective } = ctx;
      let atTheta: Evaluation | null = null;
      let base: { loss: tf.Scalar; correct: tf.Scalar };
      if (lambda > 0) {
        atTheta = objective.evaluate(params, batch);
        base = { loss: atTheta.loss, correct: atTheta.correct };
      } else {
        base = objective.forward(params, batch);
      }
      let sum: Params | null = null;
      const gaps: tf.Scalar[] = [];
      for (let i = 0; i < config.k; i++) {
        const u = noiseLike(ctx.specs, config.noise, config.sigma, ctx.rng);
        const plusParams = shifted(params, u, 1);
        const plus = objective.evaluate(plusParams, batch);
        disposeParams(plusParams);
        sum = accumulate(sum, plus.grads);
        if (twoSided) {
          const minusParams = shifted(params, u, -1);
          const minus = objective.evaluate(minusParams, batch);
          disposeParams(minusParams);
          sum = accumulate(sum, minus.grads);
          gaps.push(tf.tidy(() => tf.sub(tf.mul(tf.add(plus.loss, minus.loss), 0.5), base.loss)));
          disposeEvaluation(minus, true);
        } else {
          gaps.push(tf.tidy(() => tf.sub(plus.loss, base.loss)));
        }
        disposeEvaluation(plus, true);
        disposeParams(u);
      }
      const weight = twoSided ? (1 - lambda) / (2 * config.k) : 1 / config.k;
      const total = sum as Params;
      const grads = mapParams(total, (s, name) =>
        atTheta ? tf.add(tf.mul(atTheta.grads[name], lambda), tf.mul(s, weight)) : tf.mul(s, weight),
      );
      disposeParams(total);
      const gap = tf.tidy(() => tf.div(tf.addN(gaps), config.k) as tf.Scalar);
      tf.dispose(gaps);
      const metrics = atTheta ? atTheta.metrics : {};
      if (atTheta) disposeParams(atTheta.grads);
      return { grads, loss: base.loss, correct: base.correct, metrics: { ...metrics, nso_gap: gap } };
    },
  };
}
