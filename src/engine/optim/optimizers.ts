/**
 * Every base optimizer, one file each in optimizers/: adding one is a new file and a line in BUILT_IN.
 * No tfjs at run time (`createOptimizer` is handed tfjs by the lane).
 */
import { controlDefaults, unionOfKinds } from './controls';
import type { BaseOptimizer, OptimizerDescriptor } from './optimizerDescriptor';
import { adam } from './optimizers/adam';
import { momentum } from './optimizers/momentum';
import { sgd } from './optimizers/sgd';
import type { Tf } from '../tf';

const BUILT_IN = [sgd, momentum, adam] as const;

type BuiltIn = (typeof BUILT_IN)[number];
export type OptimizerConfig = BuiltIn extends infer O ? (O extends OptimizerDescriptor<infer C> ? C : never) : never;
export type OptimizerKind = OptimizerConfig['kind'];

type AnyOptimizer = OptimizerDescriptor;

/** The base optimizers by kind, in menu order. */
export const OPTIMIZERS = Object.fromEntries(BUILT_IN.map((o) => [o.kind, o])) as { [K in OptimizerKind]: AnyOptimizer };

export const optimizerConfigSchema = unionOfKinds<OptimizerConfig>(
  BUILT_IN.map((o) => o.schema),
  `optimizer must be one of ${BUILT_IN.map((o) => o.kind).join(', ')}`,
);

export function createOptimizer(config: OptimizerConfig, tf: Tf): BaseOptimizer {
  return OPTIMIZERS[config.kind].create(config, tf);
}

/**
 * Applies new settings to a running optimizer: the same kind keeps its state (velocity, moments);
 * a different kind starts a fresh optimizer (the old one is disposed).
 */
export function reconfigureOptimizer(optimizer: BaseOptimizer, config: OptimizerConfig, tf: Tf): BaseOptimizer {
  if (optimizer.settings.kind === config.kind) {
    optimizer.settings = config;
    return optimizer;
  }
  optimizer.dispose();
  return createOptimizer(config, tf);
}

/** The default settings of an optimizer kind, from its controls. */
export function defaultOptimizerConfig<K extends OptimizerKind>(kind: K): Extract<OptimizerConfig, { kind: K }> {
  return optimizerConfigSchema.parse({ kind, ...controlDefaults(OPTIMIZERS[kind].controls) }) as Extract<OptimizerConfig, { kind: K }>;
}

/** Switches kind, keeping the weight decay the user had chosen. */
export function changeOptimizerKind(config: OptimizerConfig, kind: OptimizerKind): OptimizerConfig {
  if (config.kind === kind) return config;
  return { ...defaultOptimizerConfig(kind), weightDecay: config.weightDecay };
}

export function describeOptimizer(config: OptimizerConfig): string {
  return OPTIMIZERS[config.kind].summary(config);
}
