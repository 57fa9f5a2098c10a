import { Adam } from './adam';
import { Momentum } from './momentum';
import { Sgd } from './sgd';
import {
  BETA1,
  BETA2,
  DECOUPLED,
  EPSILON,
  LR,
  MOMENTUM,
  NESTEROV,
  optimizerConfigSchema,
  WEIGHT_DECAY,
  type OptimizerConfig,
  type OptimizerKind,
} from './config';
import type { ParamControl } from './controls';
import type { BaseOptimizer } from './types';

export { optimizerConfigSchema, type OptimizerConfig, type OptimizerKind };

interface OptimizerEntry<K extends OptimizerKind> {
  kind: K;
  label: string;
  description: string;
  controls: ParamControl[];
  create(config: Extract<OptimizerConfig, { kind: K }>): BaseOptimizer;
}

export const OPTIMIZERS: { [K in OptimizerKind]: OptimizerEntry<K> } = {
  sgd: {
    kind: 'sgd',
    label: 'SGD',
    description: 'Plain stochastic gradient descent: θ ← θ − η g.',
    controls: [LR, WEIGHT_DECAY],
    create: (c) => new Sgd(c),
  },
  momentum: {
    kind: 'momentum',
    label: 'SGD + momentum',
    description: 'PyTorch convention: v ← μv + g, θ ← θ − ηv (Nesterov: θ ← θ − η(g + μv)).',
    controls: [LR, MOMENTUM, NESTEROV, WEIGHT_DECAY],
    create: (c) => new Momentum(c),
  },
  adam: {
    kind: 'adam',
    label: 'Adam',
    description: 'Adaptive moments with bias correction (PyTorch convention); AdamW with decoupled weight decay.',
    controls: [{ ...LR, default: 0.001 }, BETA1, BETA2, EPSILON, WEIGHT_DECAY, DECOUPLED],
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
