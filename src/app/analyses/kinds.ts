import type { AnalysisKind, AnalysisSettings } from '../../engine/analyses/config';

/** A number (or on/off) setting of an analysis, as the settings row shows it. */
export type Field =
  | { key: string; label: string; help: string; min: number; max: number; integer?: boolean; exclusiveMin?: boolean }
  | { key: string; label: string; help: string; checkbox: true }
  /** One end of a [from, to] range setting. */
  | { key: string; end: 0 | 1; label: string; help: string; min: number; max: number };

export interface KindDescriptor {
  id: AnalysisKind;
  title: string;
  /** What it measures and what to look for, in a sentence or two. */
  help: string;
  /** What its lanes are: every chosen lane, a pair, or all chosen lanes on one plane. */
  lanes: 'each' | 'pair' | 'plane';
  fields: Field[];
}

const samples = (what: string): Field => ({
  key: 'samples',
  label: 'samples',
  help: `${what} on the first N training samples`,
  min: 1,
  max: 100_000,
  integer: true,
});
const seed: Field = {
  key: 'seed',
  label: 'seed',
  help: 'Seed of every random draw of this analysis (same seed, same numbers)',
  min: 0,
  max: 2 ** 31 - 1,
  integer: true,
};

/** The analyses in the order of the chooser (docs/ALGORITHMS.md, "Analyses beyond the single-tool anchors"). */
export const KINDS: KindDescriptor[] = [
  {
    id: 'sharpness',
    title: 'Sharpness',
    help:
      'The sharpness measures of Andriushchenko et al. 2023, per lane: the average rise of the loss under a random ' +
      'Gaussian perturbation of size ρ, the worst rise within a ball of radius ρ (projected gradient ascent), both ' +
      'plain and adaptive (δ scaled by |θ|), and m-sharpness (each batch of m samples its own worst δ).',
    lanes: 'each',
    fields: [
      samples('The loss'),
      {
        key: 'rho',
        label: 'worst ρ',
        help: 'Radius of the worst-case measures in weight units: ‖δ‖ ≤ ρ',
        min: 0,
        max: 100,
        exclusiveMin: true,
      },
      {
        key: 'adaptiveRho',
        label: 'worst adaptive ρ',
        help: 'Radius of the adaptive worst-case measures: δ = |θ| ⊙ u, ‖u‖ ≤ ρ',
        min: 0,
        max: 100,
        exclusiveMin: true,
      },
      {
        key: 'averageRho',
        label: 'average ρ',
        help:
          'Radius of the average-case measure: δ ~ N(0, ρ²I/d), so ‖δ‖ ≈ ρ (random directions are far flatter than the ' +
          'worst one: it needs a larger ρ)',
        min: 0,
        max: 100,
        exclusiveMin: true,
      },
      {
        key: 'averageAdaptiveRho',
        label: 'average adaptive ρ',
        help: 'Radius of the adaptive average-case measure: δ = |θ| ⊙ u, u ~ N(0, ρ²I/d)',
        min: 0,
        max: 100,
        exclusiveMin: true,
      },
      {
        key: 'draws',
        label: 'draws',
        help: 'Antithetic pairs (δ, −δ) of the average-case estimate; its standard error is shown',
        min: 1,
        max: 1000,
        integer: true,
      },
      {
        key: 'steps',
        label: 'ascent steps',
        help: 'Projected gradient-ascent steps of the worst-case measures (one gradient each)',
        min: 1,
        max: 200,
        integer: true,
      },
      {
        key: 'm',
        label: 'm',
        help: 'Batch size of m-sharpness (0: off); only full batches of m samples are used',
        min: 0,
        max: 10_000,
        integer: true,
      },
      seed,
    ],
  },
  {
    id: 'layers',
    title: 'Per-layer curvature',
    help:
      "λmax and trace of each parameter tensor's own block of the Hessian (HVPs with the direction zero outside it): " +
      'which layer is sharp. The blocks’ traces add up to the full trace; each block’s λmax is at most the full λmax.',
    lanes: 'each',
    fields: [
      samples('The Hessian'),
      { key: 'maxIterations', label: 'Lanczos steps', help: 'Most Lanczos steps per tensor for its λmax', min: 2, max: 300, integer: true },
      {
        key: 'tol',
        label: 'tolerance',
        help: 'Stop Lanczos when the residual is below tolerance × λ',
        min: 0,
        max: 0.5,
        exclusiveMin: true,
      },
      {
        key: 'traceSamples',
        label: 'trace samples',
        help: 'Most Hutchinson samples per tensor; a tensor with at most this many parameters gets its exact trace instead',
        min: 2,
        max: 2000,
        integer: true,
      },
      {
        key: 'traceTol',
        label: 'trace tolerance',
        help: 'Stop Hutchinson at this relative standard error',
        min: 0,
        max: 0.5,
        exclusiveMin: true,
      },
      seed,
    ],
  },
  {
    id: 'eigen-slices',
    title: 'Eigen-direction slices',
    help:
      "The loss along a lane's top Hessian eigenvectors, beside a random filter-normalized direction of the same length " +
      '(norm 1, α in weight units): sharp where it is sharpest. The check: d²L/dα² along v1 at 0 equals λ1.',
    lanes: 'each',
    fields: [
      samples('The Hessian and the slices'),
      { key: 'directions', label: 'directions', help: 'Slices along v1 … vk', min: 1, max: 5, integer: true },
      { key: 'maxIterations', label: 'Lanczos steps', help: 'Most Lanczos steps for the eigenvectors', min: 2, max: 300, integer: true },
      { key: 'range', end: 0, label: 'α from', help: 'Start of the α range in weight units', min: -1000, max: 1000 },
      { key: 'range', end: 1, label: 'α to', help: 'End of the α range in weight units', min: -1000, max: 1000 },
      { key: 'curvePoints', label: 'points', help: 'Points along each slice', min: 3, max: 401, integer: true },
      { key: 'surface', label: '2D surface over (v1, v2)', help: 'Also the loss on the plane of the two top eigenvectors', checkbox: true },
      {
        key: 'surfacePoints',
        label: 'surface points',
        help: 'Grid points per axis of the (v1, v2) surface',
        min: 3,
        max: 101,
        integer: true,
      },
      {
        key: 'testSamples',
        label: 'test samples',
        help: 'Test curves on the first N test samples (0: none)',
        min: 0,
        max: 100_000,
        integer: true,
      },
      seed,
    ],
  },
  {
    id: 'connectivity',
    title: 'Mode connectivity',
    help:
      'Are two lanes’ minima connected? The straight path θ1 → θ2 and a quadratic Bézier curve whose bend is trained ' +
      '(Garipov et al. 2018) to keep the loss low along it, with the barrier of each: the highest loss on the path ' +
      'minus the mean of its ends.',
    lanes: 'pair',
    fields: [
      {
        key: 'trainSamples',
        label: 'bend samples',
        help: 'The bend is trained on the first N training samples',
        min: 1,
        max: 100_000,
        integer: true,
      },
      { key: 'steps', label: 'bend steps', help: 'SGD steps of the bend (0: the straight path only)', min: 0, max: 100_000, integer: true },
      {
        key: 'learningRate',
        label: 'learning rate',
        help: 'Learning rate of the bend’s SGD with momentum',
        min: 0,
        max: 10,
        exclusiveMin: true,
      },
      { key: 'momentum', label: 'momentum', help: 'Momentum of the bend’s SGD', min: 0, max: 0.999 },
      { key: 'batchSize', label: 'batch', help: 'Samples per step of the bend’s SGD', min: 1, max: 4096, integer: true },
      {
        key: 'evalSamples',
        label: 'eval samples',
        help: 'Loss along the paths and on the plane: the first N training samples',
        min: 1,
        max: 100_000,
        integer: true,
      },
      {
        key: 'testSamples',
        label: 'test samples',
        help: 'Test loss along the paths: the first N test samples (0: none)',
        min: 0,
        max: 100_000,
        integer: true,
      },
      { key: 'pathPoints', label: 'path points', help: 'Points of t in [0, 1] along each path', min: 3, max: 201, integer: true },
      {
        key: 'surfacePoints',
        label: 'plane points',
        help: 'Grid of the loss on the plane through θ1, θ2 and the bend (0: none)',
        min: 0,
        max: 101,
        integer: true,
      },
      seed,
    ],
  },
  {
    id: 'trajectory',
    title: 'Trajectories',
    help:
      'Every lane’s path through weight space on one shared plane: PCA of the weight snapshots of all chosen lanes ' +
      'together (recorded every 20 steps), centred on their mean final weights or one lane’s, with the loss over that ' +
      'plane. The directions are the unit principal components, not filter-normalized.',
    lanes: 'plane',
    fields: [
      samples('The loss on the plane'),
      {
        key: 'surfacePoints',
        label: 'surface points',
        help: 'Grid points per axis of the loss on the plane',
        min: 3,
        max: 101,
        integer: true,
      },
      { key: 'margin', label: 'margin', help: 'Margin around the paths, as a fraction of their extent', min: 0, max: 5 },
    ],
  },
  {
    id: 'convexity',
    title: 'Convexity map',
    help:
      'loss-landscape’s plot_hessian_eigen: on a coarse grid over the landscape’s plane, the extreme eigenvalues of the ' +
      'Hessian at each point; |λmin/λmax| near 0 where the loss is locally convex, larger where it also curves down.',
    lanes: 'each',
    fields: [
      samples('The Hessian at each point'),
      { key: 'gridPoints', label: 'grid', help: 'Points per axis (each costs one Lanczos run)', min: 2, max: 21, integer: true },
      {
        key: 'range',
        end: 0,
        label: 'α, β from',
        help: 'Start of the range in units of the filter-normalized directions',
        min: -1000,
        max: 1000,
      },
      { key: 'range', end: 1, label: 'α, β to', help: 'End of the range', min: -1000, max: 1000 },
      {
        key: 'lanczosSteps',
        label: 'Lanczos steps',
        help: 'Steps at each point; its extreme Ritz values estimate λmin and λmax',
        min: 2,
        max: 200,
        integer: true,
      },
      seed,
    ],
  },
];

export function kindOf(id: AnalysisKind): KindDescriptor {
  return KINDS.find((k) => k.id === id)!;
}

export type SettingsOf<K extends AnalysisKind> = AnalysisSettings[K];
