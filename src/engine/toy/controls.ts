import type { NumberParam, ParamControl } from '../optim/controls';
import type { ToyOptimizerKind } from './optimizers';
import { MAX_SEED } from '../validation';

const LR: NumberParam = {
  key: 'lr',
  label: 'η',
  help: 'Learning rate (step size).',
  min: 0,
  max: 100,
  step: 0.001,
  default: 0.02,
  exclusiveMin: true,
};
const MOMENTUM: NumberParam = {
  key: 'momentum',
  label: 'μ',
  help: 'Momentum (PyTorch convention: v ← μv + g, p ← p − ηv); 0 for plain steps.',
  min: 0,
  max: 0.999,
  step: 0.01,
  default: 0.9,
};
const NESTEROV = { key: 'nesterov', label: 'Nesterov', help: 'Step along g + μv instead of v.', default: false, boolean: true } as const;
const RHO: NumberParam = {
  key: 'rho',
  label: 'ρ',
  help: 'SAM radius: the gradient is taken at p + ρ g/‖g‖.',
  min: 0,
  max: 10,
  step: 0.01,
  default: 0.05,
};
const SIGMA: NumberParam = {
  key: 'sigma',
  label: 'σ',
  help: 'NSO noise scale: U ~ N(0, σ² I).',
  min: 0,
  max: 10,
  step: 0.01,
  default: 0.1,
};
const K: NumberParam = {
  key: 'k',
  label: 'k',
  help: 'NSO noise draws per step (2k gradients).',
  min: 1,
  max: 64,
  step: 1,
  default: 1,
  integer: true,
};
const NOISE: NumberParam = {
  key: 'noise',
  label: 'noise s',
  help: 'Scale of the Gaussian noise added to the gradient (stochastic gradients).',
  min: 0,
  max: 100,
  step: 0.01,
  default: 0.1,
};
const SEED: NumberParam = {
  key: 'seed',
  label: 'seed',
  help: 'Seed of the noise.',
  min: 0,
  max: MAX_SEED,
  step: 1,
  default: 0,
  integer: true,
};
const BETA1: NumberParam = { key: 'beta1', label: 'β1', help: 'Decay of the first moment.', min: 0, max: 0.999, step: 0.001, default: 0.9 };
const BETA2: NumberParam = {
  key: 'beta2',
  label: 'β2',
  help: 'Decay of the second moment.',
  min: 0,
  max: 0.9999,
  step: 0.0001,
  default: 0.999,
};

/** The settings each optimizer of the toy lab shows (rendered by the UI, validated by toyRunSchema). */
export const TOY_CONTROLS: Record<ToyOptimizerKind, ParamControl[]> = {
  gd: [LR],
  sgd: [LR, NOISE, SEED],
  sgdm: [LR, MOMENTUM, NESTEROV],
  adam: [LR, BETA1, BETA2],
  sam: [LR, RHO, MOMENTUM],
  nso: [LR, SIGMA, K, MOMENTUM, SEED],
};
