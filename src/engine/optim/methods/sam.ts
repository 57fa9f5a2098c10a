/**
 * SAM ("Sharpness-Aware Minimization for Efficiently Improving Generalization", Foret et al. 2021)
 * and ASAM ("ASAM: Adaptive Sharpness-Aware Minimization for Scale-Invariant Learning of Deep
 * Neural Networks", Kwon et al. 2021); docs/ALGORITHMS.md, "SAM and ASAM":
 *   g = ∇L(θ), with ONE global 2-norm over all trainable tensors;
 *   SAM:  e = ρ g / (‖g‖ + 1e-12)
 *   ASAM: T = |θ| + η for kernels (rank ≥ 2), T = 1 for biases;  e = ρ T² g / (‖T g‖ + 1e-12)
 *   g_sam = ∇L(θ + e); the base optimizer steps from θ with g_sam.
 * Two gradient evaluations per step. ρ = 0 gives e = 0, hence exactly the base optimizer.
 */
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { mapEntries, type Params, type ParamSpec } from '../../model/params';
import type { Tf } from '../../tf';
import { numberParam, shortNumber } from '../controls';
import { defineMethod, disposeEvaluation, type GradientRule } from '../methodDescriptor';

export const SAM_RHO = numberParam({
  key: 'rho',
  label: 'ρ',
  help: 'Radius of the ascent step e = ρ g/‖g‖ (0 gives the base optimizer).',
  min: 0,
  max: 2,
  step: 0.01,
  default: 0.05,
});
const ASAM_RHO = numberParam({
  ...SAM_RHO,
  help: 'Radius of the adaptive ascent step, measured in the |θ| + η scale.',
  max: 10,
  default: 0.5,
});
const ASAM_ETA = numberParam({
  key: 'eta',
  label: 'η (ASAM)',
  help: 'Added to |θ| in the scale T = |θ| + η of kernels.',
  min: 0,
  max: 1,
  step: 0.001,
  default: 0.01,
});

const metric = {
  name: 'sam_sharpness',
  label: 'SAM sharpness L(θ+e) − L(θ)',
  help:
    "SAM/ASAM's own sharpness estimate on the batch: how much the loss rises at the ascent point θ + e " +
    '(≈ ρ‖g‖ + ρ²/2·vᵀHv for small ρ).',
} as const;

/** Where the ascent goes: SAM's plain ρ g/‖g‖, or ASAM's with the scale T = |θ| + η on kernels. */
export type AscentSettings = { kind: 'sam'; rho: number } | { kind: 'asam'; rho: number; eta: number };

export function globalNorm(tf: Tf, tensors: Params): Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(tensors).map((t) => tf.sum(tf.square(t))))) as Scalar);
}

/** The ascent step e (kept). */
export function samPerturbation(tf: Tf, config: AscentSettings, params: Params, grads: Params, specs: readonly ParamSpec[]): Params {
  const rank = new Map(specs.map((s) => [s.name, s.shape.length]));
  return tf.tidy(() => {
    if (config.kind === 'sam') {
      const scale = tf.div(config.rho, tf.add(globalNorm(tf, grads), 1e-12));
      return mapEntries(grads, (g) => tf.mul(g, scale));
    }
    const scaleOf = (name: string): Tensor | null => ((rank.get(name) ?? 1) >= 2 ? tf.add(tf.abs(params[name]), config.eta) : null);
    const tg = mapEntries(grads, (g, name) => {
      const t = scaleOf(name);
      return t ? tf.mul(t, g) : g;
    });
    const scale = tf.div(config.rho, tf.add(globalNorm(tf, tg), 1e-12));
    return mapEntries(grads, (g, name) => {
      const t = scaleOf(name);
      return tf.mul(t ? tf.mul(tf.square(t), g) : g, scale);
    });
  });
}

/** ∇L(θ + e) with e the ascent step, the loss at θ, and the sharpness L(θ + e) − L(θ) that SAM computes anyway. */
export function ascentGradient(tf: Tf, config: AscentSettings): GradientRule {
  return (ctx) => {
    const first = ctx.objective.evaluate(ctx.params, ctx.batch);
    const e = samPerturbation(tf, config, ctx.params, first.grads, ctx.specs);
    const shifted = tf.tidy(() => mapEntries(ctx.params, (theta, name) => tf.add(theta, e[name])));
    tf.dispose([e, first.grads]);
    const second = ctx.objective.evaluate(shifted, ctx.batch);
    tf.dispose(shifted);
    const sharpness = tf.keep(tf.sub(second.loss, first.loss) as Scalar);
    disposeEvaluation(tf, second, true);
    return { grads: second.grads, loss: first.loss, correct: first.correct, metrics: { ...first.metrics, [metric.name]: sharpness } };
  };
}

export const sam = defineMethod({
  kind: 'sam',
  label: 'SAM',
  help: 'Sharpness-aware minimization: the gradient at θ + ρ g/‖g‖ (2 gradients per step).',
  controls: [SAM_RHO],
  gradEvals: () => 2,
  metric,
  summary: (c) => `SAM ρ ${shortNumber(c.rho)}`,
  parts: (config, { tf }) => ({ gradient: ascentGradient(tf, config) }),
});

export const asam = defineMethod({
  kind: 'asam',
  label: 'ASAM',
  help: 'Adaptive SAM: the ascent step scaled by T = |θ| + η per weight (2 gradients per step).',
  controls: [ASAM_RHO, ASAM_ETA],
  gradEvals: () => 2,
  metric,
  summary: (c) => `ASAM ρ ${shortNumber(c.rho)}`,
  parts: (config, { tf }) => ({ gradient: ascentGradient(tf, config) }),
});
