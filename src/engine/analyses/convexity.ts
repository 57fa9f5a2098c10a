import type { JobControl } from '../control';
import { HessianOperator } from '../hessian/hvp';
import { gaussian, lanczos, tridiagonalEigen } from '../hessian/lanczos';
import { directionSeeds, randomDirection } from '../landscape/directions';
import { linspace } from '../landscape/grid';
import type { WeightsSnapshot } from '../train/snapshot';
import { deriveSeed } from '../rng';
import type { ConvexitySettings } from './config';
import { ModelObjective } from './objective';
import { countingControl, laneWeights, Subsets } from './subject';
import { flatten, unflatten } from './vector';

export interface ConvexityResult {
  laneId: string;
  label: string;
  step: number;
  samples: number;
  alphas: number[];
  betas: number[];
  /** Row-major by β, like a surface: value at (alphas[i], betas[j]) at j * alphas.length + i; NaN where not computed. */
  lambdaMin: number[];
  lambdaMax: number[];
  /** |λmin / λmax|: near 0 where the loss is locally convex, larger where it curves down as well. */
  ratio: number[];
  loss: number[];
  computed: number;
  total: number;
  settings: ConvexitySettings;
  hvps: number;
  seconds: number;
  cancelled: boolean;
}

/** HVPs of one lane's map (for progress). */
export function convexityWork(settings: ConvexitySettings): number {
  return settings.gridPoints ** 2 * settings.lanczosSteps;
}

/**
 * The convexity map of loss-landscape's plot_hessian_eigen: at every point of a coarse grid over
 * the plane of two filter-normalized directions (the landscape's, from the same seed), the extreme
 * eigenvalues of the Hessian there, from the extreme Ritz values of one Lanczos run.
 */
export async function convexityMap(
  snapshot: WeightsSnapshot,
  laneId: string,
  settings: ConvexitySettings,
  control: JobControl,
  onUpdate: (partial: ConvexityResult) => void = () => undefined,
): Promise<ConvexityResult> {
  const started = performance.now();
  const { model, loss } = snapshot;
  const { weights, label } = laneWeights(snapshot, laneId);
  const subsets = new Subsets(snapshot);
  const n = settings.gridPoints;
  const axis = linspace(settings.range[0], settings.range[1], n);
  const grid = () => Array<number>(n * n).fill(NaN);
  const result: ConvexityResult = {
    laneId,
    label,
    step: snapshot.step,
    samples: 0,
    alphas: axis,
    betas: axis,
    lambdaMin: grid(),
    lambdaMax: grid(),
    ratio: grid(),
    loss: grid(),
    computed: 0,
    total: n * n,
    settings,
    hvps: 0,
    seconds: 0,
    cancelled: false,
  };
  try {
    const set = subsets.forGradients(Math.min(settings.samples, snapshot.dataset.train.count));
    result.samples = set.count;
    const objective = new ModelObjective(model, set, loss);
    const theta = flatten(model.params, weights);
    const [d1, d2] = directionSeeds(settings.seed, null).map((seed) => flatten(model.params, randomDirection(model.params, weights, seed)));
    // Centre first, then outwards: a cancelled map still has the middle.
    const order = axis
      .flatMap((_, i) => axis.map((__, j) => [i, j] as const))
      .sort((p, q) => Math.hypot(axis[p[0]], axis[p[1]]) - Math.hypot(axis[q[0]], axis[q[1]]));
    for (const [i, j] of order) {
      if (control.cancelled()) break;
      const point = theta.map((v, k) => v + axis[i] * d1[k] + axis[j] * d2[k]);
      const op = new HessianOperator(model, unflatten(model.params, point), set, loss);
      try {
        const before = result.hvps;
        const run = await lanczos(
          op,
          gaussian(op.dimension, deriveSeed(settings.seed, `convexity/${i}/${j}`)),
          settings.lanczosSteps,
          countingControl(control, () => before + op.hvps),
        );
        result.hvps += op.hvps;
        if (control.cancelled() && run.alphas.length < settings.lanczosSteps) break;
        const { values } = tridiagonalEigen(run.alphas, run.betas);
        const at = j * n + i;
        result.lambdaMin[at] = values[0];
        result.lambdaMax[at] = values[values.length - 1];
        result.ratio[at] = Math.abs(values[0] / values[values.length - 1]);
        result.loss[at] = await control.exclusive(() => objective.loss(point, null));
        result.computed++;
      } finally {
        op.dispose();
      }
      result.seconds = (performance.now() - started) / 1000;
      onUpdate(result);
    }
  } finally {
    subsets.dispose();
  }
  result.seconds = (performance.now() - started) / 1000;
  result.cancelled = control.cancelled();
  return result;
}
