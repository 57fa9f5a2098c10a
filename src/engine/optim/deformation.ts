/**
 * Loss deformation ("Deforming the Loss Surface", Chen et al.; docs/ALGORITHMS.md, "Deformation
 * functions"): the optimizer minimizes δ(ℓ) of the batch-mean loss ℓ, so it receives
 * ∇δ(ℓ) = δ'(ℓ)·∇ℓ.
 *   AP(a1, a2, a3, a4): δ = a1 (arctan(a2 ℓ))^a3 + a4 ℓ        (the power is outside the arctan)
 *                      δ' = a1 a3 a2 (arctan(a2 ℓ))^(a3 − 1) / (1 + a2² ℓ²) + a4
 *   LE(e1, e2):        δ = e1 ln(exp(ℓ) − e2),   δ' = e1 / (1 − e2 e^(−ℓ))
 * Guard: a slope that is not finite or above MAX_SLOPE (LE's pole at exp(ℓ) = e2, AP with a3 < 1 at
 * ℓ = 0) is clamped to MAX_SLOPE and counted; it never becomes NaN.
 * No tfjs at run time: the toy lab and the plots use the JavaScript δ and δ′, the engine hands
 * `slopeOnDevice` its tfjs.
 */
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Tf } from '../tf';
import { controlDefaults, kindSchema, numberParam, shortNumber, unionOfKinds, type ParamControl, type SettingsOf } from './controls';

export const MAX_SLOPE = 1e4;

interface DeformationDescriptor<C extends { kind: string }> {
  kind: C['kind'];
  label: string;
  /** The formula, for the menu's hover text. */
  help: string;
  controls: readonly ParamControl[];
  schema: z.ZodType<C>;
  /** δ(ℓ) in JavaScript (plots, toy surfaces). May be −Infinity at LE's pole. */
  value(config: C, loss: number): number;
  /** δ'(ℓ) in JavaScript, unguarded (may be infinite or NaN at a pole). */
  slope(config: C, loss: number): number;
  /** δ'(ℓ) of a scalar loss tensor, unguarded. */
  slopeOnDevice(config: C, loss: Scalar, tf: Tf): Tensor;
  /** e.g. "AP(5.73, 1, 2, 1)"; empty for none. */
  summary(config: C): string;
}

function defineDeformation<const K extends string, const Cs extends readonly ParamControl[]>(
  spec: Omit<DeformationDescriptor<{ kind: K } & SettingsOf<Cs>>, 'schema' | 'controls' | 'kind'> & { kind: K; controls: Cs },
): DeformationDescriptor<{ kind: K } & SettingsOf<Cs>> {
  return { ...spec, schema: kindSchema(spec.kind, spec.controls) } as unknown as DeformationDescriptor<{ kind: K } & SettingsOf<Cs>>;
}

const A1 = numberParam({
  key: 'a1',
  label: 'a1',
  help: 'Height of the arctan part: larger a1 flattens the deformed surface more.',
  min: 0,
  max: 100,
  step: 0.1,
  default: 18 / Math.PI,
  exclusiveMin: true,
});
const A2 = numberParam({
  key: 'a2',
  label: 'a2',
  help: 'Loss scale inside the arctan.',
  min: 0,
  max: 100,
  step: 0.1,
  default: 1,
  exclusiveMin: true,
});
const A3 = numberParam({
  key: 'a3',
  label: 'a3',
  help: 'Power of the arctan (outside it); below 1 the slope is infinite at ℓ = 0 (clamped).',
  min: 0,
  max: 8,
  step: 0.1,
  default: 2,
  exclusiveMin: true,
});
const A4 = numberParam({
  key: 'a4',
  label: 'a4',
  help: 'Weight of the plain loss term a4·ℓ (the paper found a4 ≥ 1 gives flat minima).',
  min: 0,
  max: 10,
  step: 0.1,
  default: 1,
});
const E1 = numberParam({
  key: 'e1',
  label: 'e1',
  help: 'Overall scale of LE.',
  min: 0,
  max: 100,
  step: 0.1,
  default: 1,
  exclusiveMin: true,
});
const E2 = numberParam({
  key: 'e2',
  label: 'e2',
  help: 'Shift inside the log, in (0, 1]: near 1 the slope grows as ℓ → 0 (sharper near zero loss).',
  min: 0,
  max: 1,
  step: 0.01,
  default: 0.9,
  exclusiveMin: true,
});

const none = defineDeformation({
  kind: 'none',
  label: 'none',
  help: 'The optimizer sees the plain loss.',
  controls: [],
  value: (_, loss) => loss,
  slope: () => 1,
  slopeOnDevice: (_, loss, tf) => tf.onesLike(loss),
  summary: () => '',
});

const ap = defineDeformation({
  kind: 'ap',
  label: 'AP (arctan-power)',
  help: 'δ(ℓ) = a1·arctan(a2ℓ)^a3 + a4ℓ',
  controls: [A1, A2, A3, A4],
  value: (d, loss) => d.a1 * Math.atan(d.a2 * loss) ** d.a3 + d.a4 * loss,
  slope: (d, loss) => (d.a1 * d.a3 * d.a2 * Math.atan(d.a2 * loss) ** (d.a3 - 1)) / (1 + d.a2 * d.a2 * loss * loss) + d.a4,
  slopeOnDevice: (d, loss, tf) => {
    const u = tf.mul(loss, d.a2);
    return tf.add(tf.div(tf.mul(tf.pow(tf.atan(u), d.a3 - 1), d.a1 * d.a3 * d.a2), tf.add(tf.square(u), 1)), d.a4);
  },
  summary: (d) => `AP(${[d.a1, d.a2, d.a3, d.a4].map(shortNumber).join(', ')})`,
});

const le = defineDeformation({
  kind: 'le',
  label: 'LE (log-exp)',
  help: 'δ(ℓ) = e1·ln(exp(ℓ) − e2)',
  controls: [E1, E2],
  value: (d, loss) => d.e1 * Math.log(Math.exp(loss) - d.e2),
  slope: (d, loss) => d.e1 / (1 - d.e2 * Math.exp(-loss)),
  slopeOnDevice: (d, loss, tf) => tf.div(d.e1, tf.sub(1, tf.mul(tf.exp(tf.neg(loss)), d.e2))),
  summary: (d) => `LE(${shortNumber(d.e1)}, ${shortNumber(d.e2)})`,
});

const BUILT_IN = [none, ap, le] as const;
type BuiltIn = (typeof BUILT_IN)[number];
export type Deformation = BuiltIn extends infer D ? (D extends DeformationDescriptor<infer C> ? C : never) : never;
export type DeformationKind = Deformation['kind'];

/** The deformations by kind, in menu order. */
export const DEFORMATIONS = Object.fromEntries(BUILT_IN.map((d) => [d.kind, d])) as {
  [K in DeformationKind]: DeformationDescriptor<Extract<Deformation, { kind: K }>>;
};

function descriptor(d: Deformation): DeformationDescriptor<Deformation> {
  return DEFORMATIONS[d.kind] as DeformationDescriptor<Deformation>;
}

export const deformationSchema = unionOfKinds<Deformation>(
  BUILT_IN.map((d) => d.schema),
  `deformation must be one of ${BUILT_IN.map((d) => d.kind).join(', ')}`,
);

/** The paper's presets ("Deforming the Loss Surface", Tables 1-2 and Figures 1 and 5). */
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
  return descriptor(d).value(d, loss);
}

/** δ'(ℓ) in JavaScript, unguarded (may be infinite or NaN at a pole). */
export function deformSlopeRaw(d: Deformation, loss: number): number {
  return descriptor(d).slope(d, loss);
}

/** δ'(ℓ) as the optimizer uses it: clamped to [−MAX_SLOPE, MAX_SLOPE], never NaN. */
export function deformSlope(d: Deformation, loss: number): { slope: number; clamped: boolean } {
  const raw = deformSlopeRaw(d, loss);
  if (Number.isNaN(raw) || raw > MAX_SLOPE || raw < -MAX_SLOPE) return { slope: raw < -MAX_SLOPE ? -MAX_SLOPE : MAX_SLOPE, clamped: true };
  return { slope: raw, clamped: false };
}

/** δ'(ℓ) on the device from a scalar loss tensor, guarded; `clamped` is 1 when the guard acted. */
export function deformSlopeOnDevice(tf: Tf, d: Deformation, loss: Scalar): { slope: Scalar; clamped: Scalar } {
  return tf.tidy(() => {
    const raw = descriptor(d).slopeOnDevice(d, loss, tf);
    const bad = tf.logicalOr(tf.isNaN(raw), tf.greater(tf.abs(raw), MAX_SLOPE));
    const clampedValue = tf.where(tf.less(raw, 0), tf.scalar(-MAX_SLOPE), tf.scalar(MAX_SLOPE));
    return { slope: tf.where(bad, clampedValue, raw) as Scalar, clamped: tf.cast(bad, 'float32') as Scalar };
  });
}

export function describeDeformation(d: Deformation): string {
  return descriptor(d).summary(d);
}
