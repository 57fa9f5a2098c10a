/**
 * What a base-optimizer file exports: a descriptor (settings, words, one-line summary) and how to
 * create the optimizer. `optimizers.ts` lists them. No tfjs at run time here: `create` receives
 * tfjs from the engine (see ../tf.ts).
 */
import type { z } from 'zod';
import type { Params } from '../model/params';
import type { Tf } from '../tf';
import { kindSchema, numberParam, type ParamControl, type SettingsOf } from './controls';

/** An optimizer's state on the device: named buffers shaped like the parameters (velocity, moments) and a step count. */
export interface OptimizerBuffers {
  buffers: Record<string, Params>;
  step: number;
}

/**
 * A base optimizer turns a gradient into a parameter update. `apply` returns new parameter
 * tensors (kept) and disposes its own superseded state; the caller disposes the old parameters.
 * Weight decay is applied here, at the unperturbed weights (docs/ALGORITHMS.md, "Base optimizers").
 * `settings` may be replaced between steps (same kind): the state (velocity, moments) is kept.
 */
export interface BaseOptimizer<C extends { kind: string } = { kind: string }> {
  settings: C;
  apply(params: Params, grads: Params, lr: number): Params;
  /** A deep copy with its own state tensors (used to fork a lane). */
  clone(): BaseOptimizer<C>;
  /** The state tensors, still owned by the optimizer (a checkpoint reads them). */
  state(): OptimizerBuffers;
  /** Takes ownership of `state` in place of its own. */
  restore(state: OptimizerBuffers): void;
  dispose(): void;
}

export interface OptimizerDescriptor<
  C extends { kind: string; lr: number; weightDecay: number } = { kind: string; lr: number; weightDecay: number },
> {
  kind: C['kind'];
  label: string;
  /** How a sentence names it, e.g. "SGD with momentum". */
  longName: string;
  help: string;
  controls: readonly ParamControl[];
  schema: z.ZodType<C>;
  /** The settings in a few words, e.g. "SGD + momentum η 0.05 μ 0.9". */
  summary(config: C): string;
  create(config: C, tf: Tf): BaseOptimizer<C>;
}

// Every base optimizer has a learning rate and an L2 weight decay.
export const LR = numberParam({
  key: 'lr',
  label: 'learning rate η',
  help: 'Step size of each update (before the schedule scales it).',
  min: 1e-6,
  max: 10,
  step: 0.0001,
  default: 0.05,
  log: true,
});
export const WEIGHT_DECAY = numberParam({
  key: 'weightDecay',
  label: 'weight decay',
  help: 'L2 penalty λθ added to the gradient at the unperturbed weights.',
  min: 0,
  max: 0.1,
  step: 0.0001,
  default: 0,
});

type Spec<K extends string, Cs extends readonly ParamControl[]> = Omit<
  OptimizerDescriptor<{ kind: K } & SettingsOf<Cs> & { lr: number; weightDecay: number }>,
  'schema' | 'controls' | 'kind'
> & { kind: K; controls: Cs };

/** A base-optimizer descriptor with its schema derived from its controls (which must include LR and WEIGHT_DECAY). */
export function defineOptimizer<const K extends string, const Cs extends readonly ParamControl[]>(
  spec: Spec<K, Cs>,
): OptimizerDescriptor<{ kind: K } & SettingsOf<Cs> & { lr: number; weightDecay: number }> {
  for (const key of ['lr', 'weightDecay']) {
    if (!spec.controls.some((c) => c.key === key)) throw new Error(`optimizer "${spec.kind}" has no "${key}" setting`);
  }
  type C = { kind: K } & SettingsOf<Cs> & { lr: number; weightDecay: number };
  return { ...spec, schema: kindSchema(spec.kind, spec.controls) } as unknown as OptimizerDescriptor<C>;
}
