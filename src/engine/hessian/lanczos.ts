import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { DIRECT_CONTROL, type JobControl } from '../control';
import { createRng } from '../rng';
import { applyUnder, axpy, dot, norm, scale, type SymmetricOperator } from './operator';

/** The tridiagonal matrix T of a Lanczos run (α on the diagonal, β beside it) and the basis Q. */
export interface LanczosRun {
  alphas: number[];
  betas: number[];
  basis: Float64Array[];
  /** ‖w‖ after the last step: T's residual scale (0 if the Krylov space was exhausted). */
  lastBeta: number;
}

/** Eigenvalues of T ascending, with the first and last components of each eigenvector. */
export interface TridiagonalEigen {
  values: number[];
  first: number[];
  last: number[];
  /** Column i of T's eigenvector matrix, in the same order as `values`. */
  vector(i: number): number[];
}

export function tridiagonalEigen(alphas: readonly number[], betas: readonly number[]): TridiagonalEigen {
  const m = alphas.length;
  const t = Matrix.zeros(m, m);
  for (let i = 0; i < m; i++) {
    t.set(i, i, alphas[i]);
    if (i + 1 < m) {
      t.set(i, i + 1, betas[i]);
      t.set(i + 1, i, betas[i]);
    }
  }
  const e = new EigenvalueDecomposition(t, { assumeSymmetric: true });
  const vectors = e.eigenvectorMatrix;
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  return {
    values: order.map(([v]) => v),
    first: order.map(([, i]) => vectors.get(0, i)),
    last: order.map(([, i]) => vectors.get(m - 1, i)),
    vector: (k) => vectors.getColumn(order[k][1]),
  };
}

/**
 * Orthogonalizes w against every basis vector. A second pass runs only when the first removed
 * most of w (‖w‖ fell below 1/√2 of what it was: the DGKS test), which is when rounding can leave
 * a component behind; "twice is enough" (Kahan–Parlett), so there is never a third.
 */
function reorthogonalize(w: Float64Array, basis: readonly Float64Array[]): void {
  if (basis.length === 0) return;
  let before = norm(w);
  for (let pass = 0; pass < 2; pass++) {
    for (const q of basis) axpy(w, -dot(w, q), q);
    const after = norm(w);
    if (after > Math.SQRT1_2 * before) return;
    before = after;
  }
}

/**
 * Lanczos with full re-orthogonalization from `start`, for at most `steps` steps; `stop(run)` is
 * asked after every step. Each step is one operator application, run through `control.exclusive` (in the operator's pieces, if any).
 */
export async function lanczos(
  op: SymmetricOperator,
  start: Float64Array,
  steps: number,
  control: JobControl = DIRECT_CONTROL,
  stop: (run: LanczosRun) => boolean = () => false,
  deflated: readonly Float64Array[] = [],
): Promise<LanczosRun> {
  const run: LanczosRun = { alphas: [], betas: [], basis: [], lastBeta: 0 };
  let q: Float64Array = Float64Array.from(start);
  reorthogonalize(q, deflated);
  scale(q, 1 / norm(q));
  for (let j = 0; j < Math.min(steps, op.dimension); j++) {
    if (control.cancelled()) break;
    run.basis.push(q);
    const w = await applyUnder(op, q, control);
    const alpha = dot(w, q);
    axpy(w, -alpha, q);
    if (j > 0) axpy(w, -run.betas[j - 1], run.basis[j - 1]);
    reorthogonalize(w, deflated.length ? [...deflated, ...run.basis] : run.basis);
    run.alphas.push(alpha);
    run.lastBeta = norm(w);
    if (stop(run)) break;
    if (run.basis.length + deflated.length >= op.dimension) {
      run.lastBeta = 0;
      break;
    }
    const scaleOfT = Math.max(...run.alphas.map(Math.abs), ...run.betas, 1e-30);
    if (run.lastBeta <= 1e-10 * scaleOfT) {
      run.lastBeta = 0;
      break;
    }
    run.betas.push(run.lastBeta);
    scale(w, 1 / run.lastBeta);
    q = w;
  }
  return run;
}

export function rademacher(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1));
}

export function gaussian(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

export interface TopEigenResult {
  /** The k largest eigenvalues, largest first. */
  eigenvalues: number[];
  /** |β_m s_m,i|: the residual norm ‖Hy − θy‖ of each Ritz pair. */
  residuals: number[];
  iterations: number;
  converged: boolean;
}

export interface TopEigenOptions {
  k: number;
  /** Stop when every top-k Ritz pair has residual ≤ tol · |θ|. */
  tol: number;
  maxIterations: number;
  seed: number;
}

export interface RitzPair {
  value: number;
  residual: number;
  vector: Float64Array;
}

/** The top `count` Ritz pairs of a run, largest first; residual |β s_last| = ‖Hy − θy‖. */
export function topRitz(run: LanczosRun, count: number, withVectors: boolean): RitzPair[] {
  const e = tridiagonalEigen(run.alphas, run.betas);
  const pairs: RitzPair[] = [];
  for (let i = e.values.length - 1; i >= 0 && pairs.length < count; i--) {
    const vector = new Float64Array(withVectors ? run.basis[0].length : 0);
    if (withVectors) e.vector(i).forEach((c, j) => axpy(vector, c, run.basis[j]));
    pairs.push({ value: e.values[i], residual: Math.abs(run.lastBeta * e.last[i]), vector });
  }
  return pairs;
}

/**
 * The k largest eigenvalues by Lanczos with full re-orthogonalization from a seeded Gaussian start.
 * One start vector sees each distinct eigenvalue once, so after the first run converges, further
 * runs deflate the found Ritz vectors and look again: a repeated top eigenvalue (e.g. a linear
 * model's Hessian, I ⊗ M) is found with its multiplicity. `iterations` counts every HVP.
 */
export async function topEigenvalues(
  op: SymmetricOperator,
  options: TopEigenOptions,
  control: JobControl = DIRECT_CONTROL,
): Promise<TopEigenResult> {
  const { pairs, ...rest } = await topEigenpairs(op, options, control);
  return { ...rest, eigenvalues: pairs.map((p) => p.value), residuals: pairs.map((p) => p.residual) };
}

/** `topEigenvalues` with the unit Ritz vectors (eigen-direction slices). */
export async function topEigenpairs(
  op: SymmetricOperator,
  options: TopEigenOptions,
  control: JobControl = DIRECT_CONTROL,
): Promise<{ pairs: RitzPair[]; iterations: number; converged: boolean }> {
  const k = Math.min(options.k, op.dimension);
  const converged = (pairs: RitzPair[], count: number) =>
    pairs.length >= count && pairs.slice(0, count).every((p) => p.residual <= options.tol * Math.max(Math.abs(p.value), 1e-12));
  let locked: RitzPair[] = [];
  let iterations = 0;
  let allConverged = true;
  for (let restart = 0; restart <= k && iterations < options.maxIterations && !control.cancelled(); restart++) {
    const wanted = restart === 0 ? k : 1;
    const deflated = locked.map((p) => p.vector);
    const run = await lanczos(
      op,
      gaussian(op.dimension, options.seed + 7919 * restart),
      options.maxIterations - iterations,
      control,
      (r) => r.alphas.length >= wanted && converged(topRitz(r, wanted, false), wanted),
      deflated,
    );
    iterations += run.alphas.length;
    if (run.alphas.length === 0) break;
    const found = topRitz(run, wanted, true);
    if (restart === 0) allConverged = converged(found, Math.min(k, found.length));
    const kth = locked.length >= k ? locked[k - 1].value : -Infinity;
    const fresh = found.filter((p) => restart === 0 || p.value > kth + options.tol * Math.abs(kth));
    if (fresh.length === 0 || run.basis.length + deflated.length >= op.dimension) {
      locked = [...locked, ...fresh].sort((a, b) => b.value - a.value).slice(0, k);
      break;
    }
    locked = [...locked, ...fresh].sort((a, b) => b.value - a.value).slice(0, k);
  }
  return { pairs: locked, iterations, converged: allConverged && !control.cancelled() };
}
