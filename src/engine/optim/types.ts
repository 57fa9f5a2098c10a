import type { HostParams, Params, ParamSpec } from '../model/params';
import type { OptimizerConfig } from './config';

/**
 * A base optimizer turns a gradient into a parameter update. `apply` returns new parameter
 * tensors (kept) and disposes its own superseded state; the caller disposes the old parameters.
 * Weight decay is applied here, at the unperturbed weights (ALGORITHMS.md, "Base optimizers").
 * `settings` may be replaced between steps (same kind): the state (velocity, moments) is kept.
 */
export interface BaseOptimizer<C extends OptimizerConfig = OptimizerConfig> {
  settings: C;
  apply(params: Params, grads: Params, lr: number): Params;
  /** A deep copy with its own state tensors (used to fork a lane). */
  clone(): BaseOptimizer<C>;
  /** The state read into JavaScript memory (a checkpoint that outlives the device). */
  saveState(): Promise<OptimizerState>;
  /** Replaces the state by a saved one, uploaded with the parameters' shapes. */
  loadState(state: OptimizerState, specs: readonly ParamSpec[]): void;
  dispose(): void;
}

/** An optimizer's state off the device: named buffers shaped like the parameters, and a step count. */
export interface OptimizerState {
  buffers: Record<string, HostParams>;
  step: number;
}
