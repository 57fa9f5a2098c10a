/**
 * FAM: relative flatness of the head ("FAM: Relative Flatness Aware Minimization", Adilova et al.;
 * docs/ALGORITHMS.md, "FAM"). Objective L + λκ.
 * With W = head/kernelᵀ (rows w_s, d x m), features φ_i and p_i = softmax(z_i):
 *   κ(W) = Σ_{s,s'} ⟨w_s, w_s'⟩ Tr(H_{s,s'}), which for softmax cross-entropy is
 *   κ = (1/n) Σ_i ‖φ_i‖² ( Σ_s p_is ‖w_s‖² − ‖Σ_s p_is w_s‖² ),  and for ½‖z − y‖²: κ = ‖W‖²_F (1/n) Σ_i ‖φ_i‖².
 * First-order autodiff of these closed forms gives the full gradient (third-derivative terms included).
 * Simplified measure: κ̂ = ‖W‖²_F · Tr(H_W), Tr(H_W) = (1/n) Σ_i ‖φ_i‖² Σ_s p_is (1 − p_is)  (MSE: d (1/n) Σ ‖φ_i‖²).
 * Ablation "detached trace": the Hessian traces are held constant, as the reference code does.
 */
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { HEAD_KERNEL } from '../../model/params';
import type { LossKind } from '../../model/spec';
import type { Tf } from '../../tf';
import { booleanParam, choiceParam, numberParam, shortNumber } from '../controls';
import { defineMethod, type Regularizer } from '../methodDescriptor';

const FAM_LAMBDA = numberParam({
  key: 'lambda',
  label: 'λ',
  help: 'Weight of the relative-flatness term κ in the objective L + λκ.',
  min: 0,
  max: 10,
  step: 0.01,
  default: 0.1,
});
const FAM_MEASURE = choiceParam({
  key: 'measure',
  label: 'measure',
  help: 'κ: the full relative flatness; simplified: ‖W‖²·Tr(H_W).',
  default: 'full',
  choices: [
    { value: 'full', label: 'full κ', help: 'Σ ⟨w_s, w_s′⟩ Tr(H_ss′), closed form' },
    { value: 'simplified', label: '‖W‖²·Tr(H)', help: 'the simplified measure of §3.2' },
  ],
});
const FAM_DETACH = booleanParam({
  key: 'detachTrace',
  label: 'detach trace',
  help: 'Ablation: treat the Hessian traces as constants in the gradient (as the reference code does).',
  default: false,
});

export type FamMeasure = (typeof FAM_MEASURE.choices)[number]['value'];

/** Identity in the forward pass, zero gradient in the backward pass (tfjs has no tf.stopGradient). */
function stopGradient<T extends Tensor>(tf: Tf, x: T): T {
  const stop = tf.customGrad(((t: Tensor) => ({ value: tf.clone(t), gradFunc: (dy: Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<
    Tf['customGrad']
  >[0]);
  return stop(x) as T;
}

/** κ (or κ̂) of a head kernel K = Wᵀ [m, d], features φ [n, m] and logits z [n, d]. */
export function famKappa(
  tf: Tf,
  kernel: Tensor2D,
  features: Tensor2D,
  logits: Tensor2D,
  loss: LossKind,
  measure: FamMeasure,
  detach: boolean,
): Scalar {
  return tf.tidy(() => {
    const hold = <T extends Tensor>(t: T): T => (detach ? stopGradient(tf, t) : t);
    const featureEnergy = tf.sum(tf.square(features), 1); // ‖φ_i‖², [n]
    const d = logits.shape[1];
    const kernelNorm2 = tf.sum(tf.square(kernel));
    if (loss === 'mse') {
      const trace = tf.mean(featureEnergy);
      return tf.mul(kernelNorm2, measure === 'full' ? hold(trace) : hold(tf.mul(trace, d))) as Scalar;
    }
    const p = tf.softmax(logits);
    if (measure === 'simplified') {
      const trace = tf.mean(tf.mul(featureEnergy, tf.sum(tf.mul(p, tf.sub(1, p)), 1)));
      return tf.mul(kernelNorm2, hold(trace)) as Scalar;
    }
    if (!detach) {
      const rowNorms = tf.sum(tf.square(kernel), 0); // ‖w_s‖², [d]
      const spread = tf.sub(tf.sum(tf.mul(p, rowNorms), 1), tf.sum(tf.square(tf.matMul(p, kernel, false, true)), 1));
      return tf.mean(tf.mul(featureEnergy, spread)) as Scalar;
    }
    // T_ss' = (1/n) Σ_i ‖φ_i‖² (p_is δ_ss' − p_is p_is'), held constant; κ = Σ_ss' (WWᵀ)_ss' T_ss'.
    const n = logits.shape[0];
    const e = stopGradient(tf, featureEnergy);
    const q = stopGradient(tf, p);
    const diagonal = tf.mul(tf.eye(d), tf.div(tf.sum(tf.mul(q, tf.expandDims(e, 1)), 0), n)); // tf.diag has no gradient
    const outer = tf.div(tf.matMul(tf.mul(q, tf.expandDims(e, 1)), q, true, false), n);
    const traces = tf.sub(diagonal, outer);
    const gram = tf.matMul(kernel, kernel, true, false); // WWᵀ = KᵀK, [d, d]
    return tf.sum(tf.mul(gram, traces)) as Scalar;
  });
}

const metric = {
  name: 'fam_kappa_batch_mean',
  label: 'FAM κ (batch mean)',
  help:
    'Relative flatness κ of the head (or ‖W‖²·Tr(H) for the simplified measure): the mean, over the logging window, ' +
    'of the values on each training batch before its update. Not κ at the logged weights on a fixed set of samples, ' +
    'so it differs from κ recomputed from an exported lane.',
} as const;

export const fam = defineMethod({
  kind: 'fam',
  label: 'FAM',
  help: 'Relative flatness of the head added to the loss: L + λκ (1 gradient per step, through the closed form).',
  controls: [FAM_LAMBDA, FAM_MEASURE, FAM_DETACH],
  gradEvals: () => 1,
  metric,
  summary: (c) => `FAM λ ${shortNumber(c.lambda)}${c.measure === 'simplified' ? ' (‖W‖²Tr H)' : ''}${c.detachTrace ? ' detached' : ''}`,
  parts: (config, { tf, loss }) => {
    const regularizer: Regularizer = (forward, params) => {
      const kernel = params[HEAD_KERNEL] as Tensor2D;
      const kappa = famKappa(tf, kernel, forward.features, forward.logits, loss, config.measure, config.detachTrace);
      return { penalty: tf.mul(kappa, config.lambda) as Scalar, metrics: { [metric.name]: kappa } };
    };
    return { regularizer };
  },
});
