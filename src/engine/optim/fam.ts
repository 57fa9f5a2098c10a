/**
 * FAM: relative flatness of the head (seed 004; ALGORITHMS.md). Objective L + λκ.
 * With W = head/kernelᵀ (rows w_s, d x m), features φ_i and p_i = softmax(z_i):
 *   κ(W) = Σ_{s,s'} ⟨w_s, w_s'⟩ Tr(H_{s,s'}), which for softmax cross-entropy is
 *   κ = (1/n) Σ_i ‖φ_i‖² ( Σ_s p_is ‖w_s‖² − ‖Σ_s p_is w_s‖² ),  and for ½‖z − y‖²: κ = ‖W‖²_F (1/n) Σ_i ‖φ_i‖².
 * First-order autodiff of these closed forms gives the full gradient (third-derivative terms included).
 * Simplified measure: κ̂ = ‖W‖²_F · Tr(H_W), Tr(H_W) = (1/n) Σ_i ‖φ_i‖² Σ_s p_is (1 − p_is)  (MSE: d (1/n) Σ ‖φ_i‖²).
 * Ablation "detached trace": the Hessian traces are held constant, as the reference code does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { LossKind } from '../model/loss';
import { HEAD_KERNEL, type ForwardResult } from '../model/model';
import type { Params } from '../model/params';
import { numberSchema, type BooleanParam, type ChoiceParam, type NumberParam } from './controls';
import type { Regularizer } from './objective';
import { stopGradient } from './stop-gradient';

export const FAM_LAMBDA: NumberParam = {
  key: 'lambda',
  label: 'λ',
  help: 'Weight of the relative-flatness term κ in the objective L + λκ.',
  min: 0,
  max: 10,
  step: 0.01,
  default: 0.1,
};
export const FAM_MEASURE: ChoiceParam = {
  key: 'measure',
  label: 'measure',
  help: 'κ: the full relative flatness; simplified: ‖W‖²·Tr(H_W).',
  default: 'full',
  choices: [
    { value: 'full', label: 'full κ', help: 'Σ ⟨w_s, w_s′⟩ Tr(H_ss′), closed form' },
    { value: 'simplified', label: '‖W‖²·Tr(H)', help: 'the simplified measure of §3.2' },
  ],
};
export const FAM_DETACH: BooleanParam = {
  key: 'detachTrace',
  label: 'detach trace',
  help: 'Ablation: treat the Hessian traces as constants in the gradient (as the reference code does).',
  default: false,
  boolean: true,
};

export const famSchema = z.object({
  kind: z.literal('fam'),
  lambda: numberSchema(FAM_LAMBDA),
  measure: z.enum(['full', 'simplified'], { error: 'measure must be full or simplified' }),
  detachTrace: z.boolean({ error: 'detach trace must be true or false' }),
});
export type FamConfig = z.infer<typeof famSchema>;

/** κ (or κ̂) of a head kernel K = Wᵀ [m, d], features φ [n, m] and logits z [n, d]. */
export function famKappa(
  kernel: tf.Tensor2D,
  features: tf.Tensor2D,
  logits: tf.Tensor2D,
  loss: LossKind,
  measure: FamConfig['measure'],
  detach: boolean,
): tf.Scalar {
  return tf.tidy(() => {
    const hold = <T extends tf.Tensor>(t: T): T => (detach ? stopGradient(t) : t);
    const featureEnergy = tf.sum(tf.square(features), 1); // ‖φ_i‖², [n]
    const d = logits.shape[1];
    const kernelNorm2 = tf.sum(tf.square(kernel));
    if (loss === 'mse') {
      const trace = tf.mean(featureEnergy);
      return tf.mul(kernelNorm2, measure === 'full' ? hold(trace) : hold(tf.mul(trace, d))) as tf.Scalar;
    }
    const p = tf.softmax(logits);
    if (measure === 'simplified') {
      const trace = tf.mean(tf.mul(featureEnergy, tf.sum(tf.mul(p, tf.sub(1, p)), 1)));
      return tf.mul(kernelNorm2, hold(trace)) as tf.Scalar;
    }
    if (!detach) {
      const rowNorms = tf.sum(tf.square(kernel), 0); // ‖w_s‖², [d]
      const spread = tf.sub(tf.sum(tf.mul(p, rowNorms), 1), tf.sum(tf.square(tf.matMul(p, kernel, false, true)), 1));
      return tf.mean(tf.mul(featureEnergy, spread)) as tf.Scalar;
    }
    // T_ss' = (1/n) Σ_i ‖φ_i‖² (p_is δ_ss' − p_is p_is'), held constant; κ = Σ_ss' (WWᵀ)_ss' T_ss'.
    const n = logits.shape[0];
    const e = stopGradient(featureEnergy);
    const q = stopGradient(p);
    const diagonal = tf.mul(tf.eye(d), tf.div(tf.sum(tf.mul(q, tf.expandDims(e, 1)), 0), n)); // tf.diag has no gradient
    const outer = tf.div(tf.matMul(tf.mul(q, tf.expandDims(e, 1)), q, true, false), n);
    const traces = tf.sub(diagonal, outer);
    const gram = tf.matMul(kernel, kernel, true, false); // WWᵀ = KᵀK, [d, d]
    return tf.sum(tf.mul(gram, traces)) as tf.Scalar;
  });
}

export function famRegularizer(config: FamConfig, loss: LossKind): Regularizer {
  return (forward: ForwardResult, params: Params) => {
    const kappa = famKappa(params[HEAD_KERNEL] as tf.Tensor2D, forward.features, forward.logits, loss, config.measure, config.detachTrace);
    return { penalty: tf.mul(kappa, config.lambda) as tf.Scalar, metrics: { fam_kappa: kappa } };
  };
}
