import type { Params } from '../model/params';
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
  dispose(): void;
}

/** One control of a method's settings, rendered by the UI (range, default, one-line help). */
export interface NumberParam {
  key: string;
  label: string;
  help: string;
  min: number;
  max: number;
  step: number;
  default: number;
  log?: boolean;
}

export interface BooleanParam {
  key: string;
  label: string;
  help: string;
  default: boolean;
  boolean: true;
}

export type ParamControl = NumberParam | BooleanParam;

export function isBooleanParam(control: ParamControl): control is BooleanParam {
  return 'boolean' in control;
}
