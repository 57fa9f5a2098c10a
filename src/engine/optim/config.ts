import { z } from 'zod';
import { numberSchema, type BooleanParam, type NumberParam } from './controls';

export const LR: NumberParam = {
  key: 'lr',
  label: 'learning rate η',
  help: 'Step size of each update (before the schedule scales it).',
  min: 1e-6,
  max: 10,
  step: 0.0001,
  default: 0.05,
  log: true,
  exclusiveMin: false,
};
export const WEIGHT_DECAY: NumberParam = {
  key: 'weightDecay',
  label: 'weight decay',
  help: 'L2 penalty λθ added to the gradient at the unperturbed weights.',
  min: 0,
  max: 0.1,
  step: 0.0001,
  default: 0,
};
export const MOMENTUM: NumberParam = {
  key: 'momentum',
  label: 'momentum μ',
  help: 'Fraction of the previous velocity kept each step.',
  min: 0,
  max: 0.999,
  step: 0.01,
  default: 0.9,
};
export const NESTEROV: BooleanParam = {
  key: 'nesterov',
  label: 'Nesterov',
  help: 'Look-ahead variant: step along g + μv instead of v.',
  default: false,
  boolean: true,
};
export const BETA1: NumberParam = {
  key: 'beta1',
  label: 'β1',
  help: 'Decay of the first-moment (mean) estimate.',
  min: 0,
  max: 0.999,
  step: 0.001,
  default: 0.9,
};
export const BETA2: NumberParam = {
  key: 'beta2',
  label: 'β2',
  help: 'Decay of the second-moment (uncentred variance) estimate.',
  min: 0,
  max: 0.9999,
  step: 0.0001,
  default: 0.999,
};
export const EPSILON: NumberParam = {
  key: 'epsilon',
  label: 'ε',
  help: 'Added to √v̂ to avoid division by zero.',
  min: 1e-10,
  max: 1e-2,
  step: 1e-9,
  default: 1e-8,
  log: true,
};
export const DECOUPLED: BooleanParam = {
  key: 'decoupled',
  label: 'decoupled (AdamW)',
  help: 'Shrink θ by ηλ directly instead of adding λθ to the gradient.',
  default: false,
  boolean: true,
};

const lr = numberSchema({ ...LR, min: 0, exclusiveMin: true });
const weightDecay = numberSchema(WEIGHT_DECAY);
const flag = (control: BooleanParam) => z.boolean({ error: `${control.label} must be true or false` });

export const optimizerConfigSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('sgd'), lr, weightDecay }),
    z.object({ kind: z.literal('momentum'), lr, weightDecay, momentum: numberSchema(MOMENTUM), nesterov: flag(NESTEROV) }),
    z.object({
      kind: z.literal('adam'),
      lr,
      weightDecay,
      beta1: numberSchema(BETA1),
      beta2: numberSchema(BETA2),
      epsilon: numberSchema(EPSILON),
      decoupled: flag(DECOUPLED),
    }),
  ],
  { error: 'optimizer must be one of sgd, momentum, adam' },
);

export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;
export type OptimizerKind = OptimizerConfig['kind'];
export type SgdConfig = Extract<OptimizerConfig, { kind: 'sgd' }>;
export type MomentumConfig = Extract<OptimizerConfig, { kind: 'momentum' }>;
export type AdamConfig = Extract<OptimizerConfig, { kind: 'adam' }>;
