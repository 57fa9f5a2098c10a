import { z } from 'zod';
import type { LossKind } from '../model/loss';
import type { ParamControl } from './controls';
import { FAM_DETACH, FAM_LAMBDA, FAM_MEASURE, famRegularizer, famSchema } from './fam';
import { plainGradient, type GradientMethod } from './method';
import { NSO_K, NSO_LAMBDA, NSO_NOISE, NSO_SIGMA, nsoMethod, nsoSchema, wpsgdSchema } from './nso';
import type { Regularizer } from './objective';
import { ASAM_ETA, ASAM_RHO, SAM_RHO, asamSchema, samMethod, samSchema } from './sam';

export const methodSchema = z.discriminatedUnion(
  'kind',
  [z.object({ kind: z.literal('none') }), samSchema, asamSchema, nsoSchema, wpsgdSchema, famSchema],
  { error: 'method must be one of none, sam, asam, nso, wpsgd, fam' },
);

export type MethodConfig = z.infer<typeof methodSchema>;
export type MethodKind = MethodConfig['kind'];

interface MethodEntry {
  label: string;
  description: string;
  controls: ParamControl[];
  /** Gradient evaluations per step (what the cost comparison at equal compute counts). */
  gradEvals(config: MethodConfig): number;
  /** The lane metric this method adds, if any. */
  metric?: string;
}

/** Every method by name: one file each (sam.ts, nso.ts, fam.ts); adding one is a change here and a file. */
export const METHODS: Record<MethodKind, MethodEntry> = {
  none: { label: 'none', description: 'The plain gradient ∇L(θ).', controls: [], gradEvals: () => 1 },
  sam: {
    label: 'SAM',
    description: 'Sharpness-aware minimization: the gradient at θ + ρ g/‖g‖ (2 gradients per step).',
    controls: [SAM_RHO],
    gradEvals: () => 2,
    metric: 'sam_e_norm',
  },
  asam: {
    label: 'ASAM',
    description: 'Adaptive SAM: the ascent step scaled by T = |θ| + η per weight (2 gradients per step).',
    controls: [ASAM_RHO, ASAM_ETA],
    gradEvals: () => 2,
    metric: 'sam_e_norm',
  },
  nso: {
    label: 'NSO',
    description: 'Noise stability optimization: average ∇L(θ + U) and ∇L(θ − U) over k noise draws (2k gradients per step).',
    controls: [NSO_SIGMA, NSO_K, NSO_LAMBDA, NSO_NOISE],
    gradEvals: (c) => (c.kind === 'nso' ? 2 * c.k + (c.lambda > 0 ? 1 : 0) : 1),
    metric: 'nso_gap',
  },
  wpsgd: {
    label: 'WP-SGD',
    description: 'Randomized smoothing, the one-sided ablation of NSO: average ∇L(θ + U) (k gradients per step).',
    controls: [NSO_SIGMA, NSO_K, NSO_NOISE],
    gradEvals: (c) => (c.kind === 'wpsgd' ? c.k : 1),
    metric: 'nso_gap',
  },
  fam: {
    label: 'FAM',
    description: 'Relative flatness of the head added to the loss: L + λκ (1 gradient per step, through the closed form).',
    controls: [FAM_LAMBDA, FAM_MEASURE, FAM_DETACH],
    gradEvals: () => 1,
    metric: 'fam_kappa',
  },
};

export function defaultMethod(kind: MethodKind): MethodConfig {
  const values: Record<string, unknown> = { kind };
  for (const control of METHODS[kind].controls) values[control.key] = control.default;
  return methodSchema.parse(values);
}

/** How a method changes the step: the gradient rule, and a regularizer for the objective (FAM). */
export function methodParts(config: MethodConfig, loss: LossKind): { gradient: GradientMethod; regularizer?: Regularizer } {
  switch (config.kind) {
    case 'none':
      return { gradient: plainGradient };
    case 'sam':
    case 'asam':
      return { gradient: samMethod(config) };
    case 'nso':
    case 'wpsgd':
      return { gradient: nsoMethod(config) };
    case 'fam':
      return { gradient: plainGradient, regularizer: famRegularizer(config, loss) };
  }
}
