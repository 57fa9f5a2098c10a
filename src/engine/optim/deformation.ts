/**
 * Loss deformation (seed 003): the optimizer minimizes δ(ℓ) of the batch-mean loss ℓ, so it
 * receives ∇δ(ℓ) = δ'(ℓ)·∇ℓ (ALGORITHMS.md, "Deformation functions").
 *   AP(a1, a2, a3, a4): δ = a1 (arctan(a2 ℓ))^a3 + a4 ℓ        (the power is outside the arctan)
 *                      δ' = a1 a3 a2 (arctan(a2 ℓ))^(a3 − 1) / (1 + a2² ℓ²) + a4
 *   LE(e1, e2):        δ = e1 ln(exp(ℓ) − e2),   δ' = e1 / (1 − e2 e^(−ℓ))
 * Guard: a slope that is not finite or above MAX_SLOPE (LE's pole at exp(ℓ) = e2, AP with a3 < 1 at
 * ℓ = 0) is clamped to MAX_SLOPE and counted; it never becomes NaN.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { controlDefaults, numberSchema, type NumberParam, type ParamControl } from './controls';

export const MAX_SLOPE = 1e4;

const A1: NumberParam = {
  key: 'a1',
  label: 'a1',
  help: 'Height of the arctan part: larger a1 flattens the deformed surface more.',
  min: 0,
  max: 100,
  step: 0.1,
  default: 18 / Math.PI,
  exclusiveMin: true,
};
const A2: NumberParam = {
  key: 'a2',
  label: 'a2',
  help: 'Loss scale inside the arctan.',
  min: 0,
  max: 100,
  step: 0.1,
  default: 1,
  exclusiveMin: true,
};
const A3: NumberParam = {
  key: 'a3',
  label: 'a3',
  help: 'Power of the arctan (outside it); below 1 the slope is infinite at ℓ = 0 (clamped).',
  min: 0,
  max: 8,
  step: 0.1,
  default: 2,
  exclusiveMin: true,
};
const A4: NumberParam = {
  key: 'a4',
  label: 'a4',
  help: 'Weight of the plain loss term a4·ℓ (the paper found a4 ≥ 1 gives flat minima).',
  min: 0,
  max: 10,
  step: 0.1,
  default: 1,
};
const E1: NumberParam = {
  key: 'e1',
  label: 'e1',
  help: 'Overall scale of LE.',
  min: 0,
  max: 100,
  step: 0.1,
  default: 1,
  exclusiveMin: true,
};
const E2: NumberParam = {
  key: 'e2',
  label: 'e2',
  help: 'Shift inside the log, in (0, 1]: near 1 the slope grows as ℓ → 0 (sharper near zero loss).',
  min: 0,
  max: 1,
  step: 0.01,
  default: 0.9,
  exclusiveMin: true,
};

export const DEFORMATIONS = {
  none: { label: 'none', description: 'The optimizer sees the plain loss.', controls: [] as ParamControl[] },
  ap: { label: 'AP (arctan-power)', description: 'δ(ℓ) = a1·arctan(a2ℓ)^a3 + a4ℓ', controls: [A1, A2, A3, A4] as ParamControl[] },
  le: { label: 'LE (log-exp)', description: 'δ(ℓ) = e1·ln(exp(ℓ) − e2)', controls: [E1, E2] as ParamControl[] },
} as const;

export const deformationSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('none') }),
    z.object({ kind: z.literal('ap'), a1: numberSchema(A1), a2: numberSchema(A2), a3: numberSchema(A3), a4: numberSchema(A4) }),
    z.object({ kind: z.literal('le'), e1: numberSchema(E1), e2: numberSchema(E2) }),
  ],
  { error: 'deformation must be one of none, ap, le' },
);

export type Deformation = z.infer<typeof deformationSchema>;
export type DeformationKind = Deformation['kind'];

/** The paper's presets (seed 003, Tables 1-2 and Figures 1 and 5). */
export const DEFORMATION_PRESETS: Array<{ label: string; deformation: Deformation }> = [
  { label: 'AP(18/π, 1, 2, 1)', deformation: { kind: 'ap', a1: 18 / Math.PI, a2: 1, a3: 2, a4: 1 } },
  { label: 'AP(2, 1, 2, 1)', deformation: { kind: 'ap', a1: 2, a2: 1, a3: 2, a4: 1 } },
  { label: 'AP(10, 1, 1, 1)', deformation: { kind: 'ap', a1: 10, a2: 1, a3: 1, a4: 1 } },
  { label: 'LE(1, 0.9)', deformation: { kind: 'le', e1: 1, e2: 0.9 } },
  { label: 'LE(1, 0.8)', deformation: { kind: 'le', e1: 1, e2: 0.8 } },
  { label: 'LE(1, 0.5)', deformation: { kind: 'le', e1: 1, e2: 0.5 } },
];

export function defaultDeformation(kind: DeformationKind): Deformation {
  return deformationSchema.parse({ kind, ...controlDefaults(DEFORMATIONS[kind].controls) });
}

/** δ(ℓ) in JavaScript (plots, toy surfaces). May be −Infinity at LE's pole. */
export function deformValue(d: Deformation, loss: number): number {
  switch (d.kind) {
    case 'none':
      return loss;
    case 'ap':
      return d.a1 * Math.atan(d.a2 * loss) ** d.a3 + d.a4 * loss;
    case 'le':
      return d.e1 * Math.log(Math.exp(loss) - d.e2);
  }
}

/** δ'(ℓ) in JavaScript, unguarded (may be infinite or NaN at a pole). */
export function deformSlopeRaw(d: Deformation, loss: number): number {
  switch (d.kind) {
    case 'none':
      return 1;
    case 'ap':
      return (d.a1 * d.a3 * d.a2 * Math.atan(d.a2 * loss) ** (d.a3 - 1)) / (1 + d.a2 * d.a2 * loss * loss) + d.a4;
    case 'le':
      return d.e1 / (1 - d.e2 * Math.exp(-loss));
  }
}

/** δ'(ℓ) as the optimizer uses it: clamped to [−MAX_SLOPE, MAX_SLOPE], never NaN. */
export function deformSlope(d: Deformation, loss: number): { slope: number; clamped: boolean } {
  const raw = deformSlopeRaw(d, loss);
  if (Number.isNaN(raw) || raw > MAX_SLOPE || raw < -MAX_SLOPE) return { slope: raw < -MAX_SLOPE ? -MAX_SLOPE : MAX_SLOPE, clamped: true };
  return { slope: raw, clamped: false };
}

/** δ'(ℓ) on the device from a scalar loss tensor, guarded; `clamped` is 1 when the guard acted. */
export function deformSlopeTensor(d: Deformation, loss: tf.Scalar): { slope: tf.Scalar; clamped: tf.Scalar } {
  return tf.tidy(() => {
    let raw: tf.Tensor;
    if (d.kind === 'none') raw = tf.onesLike(loss);
    else if (d.kind === 'ap') {
      const u = tf.mul(loss, d.a2);
      raw = tf.add(tf.div(tf.mul(tf.pow(tf.atan(u), d.a3 - 1), d.a1 * d.a3 * d.a2), tf.add(tf.square(u), 1)), d.a4);
    } else {
      raw = tf.div(d.e1, tf.sub(1, tf.mul(tf.exp(tf.neg(loss)), d.e2)));
    }
    const bad = tf.logicalOr(tf.isNaN(raw), tf.greater(tf.abs(raw), MAX_SLOPE));
    const clampedValue = tf.where(tf.less(raw, 0), tf.scalar(-MAX_SLOPE), tf.scalar(MAX_SLOPE));
    return { slope: tf.where(bad, clampedValue, raw) as tf.Scalar, clamped: tf.cast(bad, 'float32') as tf.Scalar };
  });
}

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/**
 * A scalar whose value is ℓ and whose gradient is δ′(ℓ)·∇ℓ (guarded δ′ held constant). The slope is
 * computed inside the custom gradient, so its comparisons never enter the tape.
 */
export function deformedLoss(d: Deformation, loss: tf.Scalar): tf.Scalar {
  const op = tf.customGrad(((l: tf.Scalar, save: (tensors: tf.Tensor[]) => void) => {
    const { slope, clamped } = deformSlopeTensor(d, l);
    clamped.dispose();
    save([slope]);
    return { value: tf.clone(l), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  }) as unknown as CustomGradientFunc);
  return op(loss) as tf.Scalar;
}
