import { DIRECT_CONTROL, type JobControl } from '../control';
import { lanczos, rademacher, tridiagonalEigen } from './lanczos';
import type { SymmetricOperator } from './operator';

export interface DensityOptions {
  /** n_v: independent Lanczos runs. */
  runs: number;
  /** m: Lanczos steps per run. */
  steps: number;
  seed: number;
  /** Gaussian broadening σ as a fraction of the spectrum's width. */
  broadening: number;
  points: number;
}

export interface DensityResult {
  /** Quadrature nodes (Ritz values) and weights (squared first components / n_v); weights sum to 1. */
  nodes: number[];
  weights: number[];
  grid: number[];
  /** The broadened density on the grid; integrates to 1 (trapezoid). */
  density: number[];
  sigma: number;
  runs: number;
  steps: number;
}

/**
 * Stochastic Lanczos quadrature (docs/ALGORITHMS.md, "Hessian analysis"): for each run, Lanczos from a normalized Rademacher
 * vector; the eigenvalues of T are the nodes and the squared first components of its eigenvectors
 * the weights; the spectral density is their Gaussian-broadened mixture, normalized to 1.
 */
export async function spectralDensity(
  op: SymmetricOperator,
  options: DensityOptions,
  control: JobControl = DIRECT_CONTROL,
): Promise<DensityResult> {
  const nodes: number[] = [];
  const raw: number[] = [];
  let runs = 0;
  for (let r = 0; r < options.runs && !control.cancelled(); r++) {
    const run = await lanczos(op, rademacher(op.dimension, options.seed + 104729 * r), options.steps, control);
    if (run.alphas.length === 0) break;
    const e = tridiagonalEigen(run.alphas, run.betas);
    e.values.forEach((v, i) => {
      nodes.push(v);
      raw.push(e.first[i] ** 2);
    });
    runs++;
  }
  const weights = raw.map((w) => w / Math.max(runs, 1));
  return { ...broaden(nodes, weights, options.broadening, options.points), nodes, weights, runs, steps: options.steps };
}

/** Gaussian mixture of the nodes on a grid spanning them (with a margin), normalized to integrate to 1. */
export function broaden(
  nodes: readonly number[],
  weights: readonly number[],
  broadening: number,
  points: number,
): { grid: number[]; density: number[]; sigma: number } {
  if (nodes.length === 0) return { grid: [], density: [], sigma: NaN };
  const lo = Math.min(...nodes);
  const hi = Math.max(...nodes);
  const width = hi - lo > 0 ? hi - lo : Math.max(Math.abs(hi), 1);
  const sigma = broadening * width;
  const margin = Math.max(0.05 * width, 3 * sigma);
  const grid = Array.from({ length: points }, (_, i) => lo - margin + ((hi - lo + 2 * margin) * i) / (points - 1));
  const density = grid.map(
    (x) =>
      nodes.reduce((acc, c, i) => acc + weights[i] * Math.exp(-((x - c) ** 2) / (2 * sigma * sigma)), 0) / (sigma * Math.sqrt(2 * Math.PI)),
  );
  const dx = grid[1] - grid[0];
  const integral = density.reduce((acc, d, i) => acc + (i === 0 || i === points - 1 ? d / 2 : d), 0) * dx;
  return { grid, density: density.map((d) => d / integral), sigma };
}
