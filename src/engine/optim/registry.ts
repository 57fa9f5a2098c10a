import { Adam } from './adam';
import { Momentum } from './momentum';
import { Sgd } from './sgd';
import { optimizerConfigSchema, type OptimizerConfig, type OptimizerKind } from './config';
import type { BaseOptimizer, ParamControl } from './types';

export { optimizerConfigSchema, type OptimizerConfig, type OptimizerKind };

interface OptimizerEntry<K extends OptimizerKind> {
  kind: K;
  label: string;
  description: string;
  controls: ParamControl[];
  create(config: Extract<OptimizerConfig, { kind: K }>): BaseOptimizer;
}

const LR: ParamControl = { key: 'lr', label: 'learning rate η', help: 'Step size of each update (before the schedule scales it).', min: 1e-5, max: 10, step: 0.0001, default: 0.05, log: true };
const WD: ParamControl = { key: 'weightDecay', label: 'weight decay', help: 'L2 penalty λθ added to the gradient at the unperturbed weights.', min: 0, max: 0.1, step: 0.0001, default: 0 };

export const OPTIMIZERS: { [K in OptimizerKind]: OptimizerEntry<K> } = {
  sgd: {
    kind: 'sgd',
    label: 'SGD',
    description: 'Plain stochastic gradient descent: θ ← θ − η g.',
    controls: [LR, WD],
    create: (c) => new Sgd(c),
  },
  momentum: {
    kind: 'momentum',
    label: 'SGD + momentum',
    description: 'PyTorch convention: v ← μv + g, θ ← θ − ηv (Nesterov: θ ← θ − η(g + μv)).',
    controls: [
      LR,
      { key: 'momentum', label: 'momentum μ', help: 'Fraction of the previous velocity kept each step.', min: 0, max: 0.999, step: 0.01, default: 0.9 },
      { key: 'nesterov', label: 'Nesterov', help: 'Look-ahead variant: step along g + μv instead of v.', default: false, boolean: true },
      WD,
    ],
    create: (c) => new Momentum(c),
  },
  adam: {
    kind: 'adam',
    label: 'Adam',
    description: 'Adaptive moments with bias correction (PyTorch convention); AdamW with decoupled weight decay.',
    controls: [
      { ...LR, default: 0.001 },
      { key: 'beta1', label: 'β1', help: 'Decay of the first-moment (mean) estimate.', min: 0, max: 0.999, step: 0.001, default: 0.9 },
      { key: 'beta2', label: 'β2', help: 'Decay of the second-moment (uncentred variance) estimate.', min: 0, max: 0.9999, step: 0.0001, default: 0.999 },
      { key: 'epsilon', label: 'ε', help: 'Added to √v̂ to avoid division by zero.', min: 1e-10, max: 1e-2, step: 1e-9, default: 1e-8, log: true },
      WD,
      { key: 'decoupled', label: 'decoupled (AdamW)', help: 'Shrink θ by ηλ directly instead of adding λθ to the gradient.', default: false, boolean: true },
    ],
    create: (c) => new Adam(c),
  },
};

export function createOptimizer(config: OptimizerConfig): BaseOptimizer {
  switch (config.kind) {
    case 'sgd':
      return OPTIMIZERS.sgd.create(config);
    case 'momentum':
      return OPTIMIZERS.momentum.create(config);
    case 'adam':
      return OPTIMIZERS.adam.create(config);
  }
}

/**
 * Applies new settings to a running optimizer: the same kind keeps its state (velocity, moments);
 * a different kind starts a fresh optimizer (the old one is disposed).
 */
export function reconfigureOptimizer(optimizer: BaseOptimizer, config: OptimizerConfig): BaseOptimizer {
  if (optimizer.settings.kind === config.kind) {
    optimizer.settings = config;
    return optimizer;
  }
  optimizer.dispose();
  return createOptimizer(config);
}

/** The default settings of an optimizer kind, from its controls. */
export function defaultOptimizerConfig(kind: OptimizerKind): OptimizerConfig {
  const values: Record<string, number | boolean | string> = { kind };
  for (const control of OPTIMIZERS[kind].controls) values[control.key] = control.default;
  return optimizerConfigSchema.parse(values);
}

/** Switches kind, keeping the learning rate and weight decay the user had chosen. */
export function changeOptimizerKind(config: OptimizerConfig, kind: OptimizerKind): OptimizerConfig {
  if (config.kind === kind) return config;
  const base = defaultOptimizerConfig(kind);
  return { ...base, weightDecay: config.weightDecay } as OptimizerConfig;
}
