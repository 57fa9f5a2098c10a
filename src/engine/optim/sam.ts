/**
 * SAM (Foret et al. 2021) and ASAM (Kwon et al. 2021), as in ALGORITHMS.md:
 *   g = ∇L(θ), with ONE global 2-norm over all trainable tensors;
 *   SAM:  e = ρ g / (‖g‖ + 1e-12)
 *   ASAM: T = |θ| + η for kernels (rank ≥ 2), T = 1 for biases;  e = ρ T² g / (‖T g‖ + 1e-12)
 *   g_sam = ∇L(θ + e); the base optimizer steps from θ with g_sam.
 * Two gradient evaluations per step. ρ = 0 gives e = 0, hence exactly the base optimizer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { mapParams, disposeParams, type Params, type ParamSpec } from '../model/params';
import { numberSchema, type NumberParam } from './controls';
import type { GradientMethod, MethodResult, StepContext } from './method';
import { disposeEvaluation } from './objective';

export const SAM_RHO: NumberParam = {
  key: 'rho',
  label: 'ρ',
  help: 'Radius of the ascent step e = ρ g/‖g‖ (0 gives the base optimizer).',
  min: 0,
  max: 2,
  step: 0.01,
  default: 0.05,
};
export const ASAM_RHO: NumberParam = {
  ...SAM_RHO,
  help: 'Radius of the adaptive ascent step, measured in the |θ| + η scale.',
  max: 10,
  default: 0.5,
};
export const ASAM_ETA: NumberParam = {
  key: 'eta',
  label: 'η (ASAM)',
  help: 'Added to |θ| in the scale T = |θ| + η of kernels.',
  min: 0,
  max: 1,
  step: 0.001,
  default: 0.01,
};

export const samSchema = z.object({ kind: z.literal('sam'), rho: numberSchema(SAM_RHO) });
export const asamSchema = z.object({ kind: z.literal('asam'), rho: numberSchema(ASAM_RHO), eta: numberSchema(ASAM_ETA) });
export type SamConfig = z.infer<typeof samSchema>;
export type AsamConfig = z.infer<typeof asamSchema>;

export function globalNorm(tensors: Params): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(tensors).map((t) => tf.sum(tf.square(t))))) as tf.Scalar);
}

/** The ascent step e (kept). */
export function samPerturbation(config: SamConfig | AsamConfig, params: Params, grads: Params, specs: readonly ParamSpec[]): Params {
  const rank = new Map(specs.map((s) => [s.name, s.shape.length]));
  return tf.tidy(() => {
    if (config.kind === 'sam') {
      const scale = tf.div(config.rho, tf.add(globalNorm(grads), 1e-12));
      return mapParams(grads, (g) => tf.mul(g, scale));
    }
    const scaleOf = (name: string): tf.Tensor | null => ((rank.get(name) ?? 1) >= 2 ? tf.add(tf.abs(params[name]), config.eta) : null);
    const tg: Params = {};
    for (const [name, g] of Object.entries(grads)) {
      const t = scaleOf(name);
      tg[name] = t ? tf.mul(t, g) : g;
    }
    const scale = tf.div(config.rho, tf.add(globalNorm(tg), 1e-12));
    return mapParams(grads, (g, name) => {
      const t = scaleOf(name);
      return tf.mul(t ? tf.mul(tf.square(t), g) : g, scale);
    });
  });
}

export function samMethod(config: SamConfig | AsamConfig): GradientMethod {
  return {
    gradient(ctx: StepContext): MethodResult {
      const first = ctx.objective.evaluate(ctx.params, ctx.batch);
      const e = samPerturbation(config, ctx.params, first.grads, ctx.specs);
      const eNorm = tf.keep(globalNorm(e));
      const shifted = mapParams(ctx.params, (theta, name) => tf.add(theta, e[name]));
      disposeParams(e);
      disposeParams(first.grads);
      const second = ctx.objective.evaluate(shifted, ctx.batch);
      disposeParams(shifted);
      const grads = second.grads;
      disposeEvaluation(second, true);
      return { grads, loss: first.loss, correct: first.correct, metrics: { ...first.metrics, sam_e_norm: eNorm } };
    },
  };
}
