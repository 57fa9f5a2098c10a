import { DIRECT_CONTROL, type JobControl } from '../control';
import { rademacher } from './lanczos';
import { applyUnder, dot, type SymmetricOperator } from './operator';

export interface TraceResult {
  /** Running mean of zᵀHz over Rademacher z: an unbiased estimate of Tr(H). */
  trace: number;
  /** Standard error of that mean (NaN with one sample). */
  stdError: number;
  samples: number;
  converged: boolean;
}

export interface TraceOptions {
  /** Stop when the standard error is at most tol · |trace| (after minSamples). */
  tol: number;
  minSamples: number;
  maxSamples: number;
  seed: number;
}

/** Hutchinson's estimator with Rademacher vectors, Welford's running mean and variance. */
export async function hutchinsonTrace(
  op: SymmetricOperator,
  options: TraceOptions,
  control: JobControl = DIRECT_CONTROL,
  onSample?: (r: TraceResult) => void,
): Promise<TraceResult> {
  let mean = 0;
  let m2 = 0;
  let n = 0;
  let result: TraceResult = { trace: NaN, stdError: NaN, samples: 0, converged: false };
  while (n < options.maxSamples && !control.cancelled()) {
    const z = rademacher(op.dimension, options.seed + n * 7919);
    const value = dot(z, await applyUnder(op, z, control));
    n++;
    const delta = value - mean;
    mean += delta / n;
    m2 += delta * (value - mean);
    const stdError = n > 1 ? Math.sqrt(m2 / (n - 1) / n) : NaN;
    const converged = n >= options.minSamples && stdError <= options.tol * Math.abs(mean);
    result = { trace: mean, stdError, samples: n, converged };
    onSample?.(result);
    if (converged) break;
  }
  return result;
}
