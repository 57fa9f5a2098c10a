import type { JobControl } from '../control';
import { dot, norm } from '../hessian/operator';
import { computeSurface, evaluateCoords, type LandscapeContext } from '../landscape/compute';
import type { CurveValues, SurfaceResult } from '../landscape/config';
import { AffineFamily } from '../landscape/family';
import { linspace } from '../landscape/grid';
import type { WeightsSnapshot } from '../train/snapshot';
import { barrier, bezierCoefficients, trainBend, type BendTraining } from './bezier';
import type { ConnectivitySettings } from './config';
import { ModelObjective } from './objective';
import { laneWeights, Subsets, surfaceSoFar } from './subject';
import { flatten, subtract, unflatten } from './vector';

/** Loss and accuracy along a path θ(t), t in [0, 1], with its barrier on each split. */
export interface PathResult {
  t: number[];
  train: CurveValues;
  test: CurveValues | null;
  barrier: { train: number; test: number | null };
}

/** The plane through θ1, θ2 and the bend, centred on (θ1 + θ2)/2, with e1 along θ2 − θ1 (weight units). */
export interface ConnectivityPlane {
  surface: SurfaceResult | null;
  ends: [[number, number], [number, number]];
  bend: [number, number];
  linear: Array<[number, number]>;
  bezier: Array<[number, number]>;
}

export interface ConnectivityResult {
  from: { laneId: string; label: string };
  to: { laneId: string; label: string };
  step: number;
  /** ‖θ2 − θ1‖. */
  distance: number;
  samples: { bend: number; eval: number; test: number };
  settings: ConnectivitySettings;
  linear: PathResult | null;
  bezier: PathResult | null;
  training: Omit<BendTraining, 'bend'> | null;
  plane: ConnectivityPlane | null;
  gradients: number;
  seconds: number;
  cancelled: boolean;
}

/** Point-samples of the work, for progress (a gradient counted as 3 forward passes of its batch). */
export function connectivityWork(settings: ConnectivitySettings, evalCount: number, testCount: number): number {
  const paths = 2 * settings.pathPoints * (evalCount + testCount);
  return 3 * settings.steps * settings.batchSize + paths + settings.surfacePoints ** 2 * evalCount;
}

async function pathValues(
  ctx: LandscapeContext,
  family: AffineFamily,
  t: number[],
  coords: number[][],
  control: JobControl,
  done: { value: number },
): Promise<PathResult | null> {
  const train = await evaluateCoords(ctx, family, ctx.train, coords, control, done);
  if (!train.complete) return null;
  const test = ctx.test ? await evaluateCoords(ctx, family, ctx.test, coords, control, done) : null;
  if (test && !test.complete) return null;
  const values = (v: typeof train) => ({ loss: v.loss, accuracy: v.accuracy });
  return {
    t,
    train: values(train),
    test: test ? values(test) : null,
    barrier: { train: barrier(train.loss), test: test ? barrier(test.loss) : null },
  };
}

/**
 * Mode connectivity between two lanes' weights (Garipov et al. 2018): the straight path and a
 * quadratic Bézier curve whose bend is trained to minimize the mean training loss along it, each
 * with its barrier on the training and test subsets, and the loss on the plane through θ1, θ2
 * and the bend with both paths on it.
 */
export async function connectivity(
  snapshot: WeightsSnapshot,
  fromId: string,
  toId: string,
  settings: ConnectivitySettings,
  control: JobControl,
  onUpdate: (partial: ConnectivityResult) => void = () => undefined,
): Promise<ConnectivityResult> {
  const started = performance.now();
  if (fromId === toId) throw new Error('mode connectivity needs two different lanes: choose another lane for θ2');
  const { model } = snapshot;
  const a = laneWeights(snapshot, fromId);
  const b = laneWeights(snapshot, toId);
  const theta1 = flatten(model.params, a.weights);
  const theta2 = flatten(model.params, b.weights);
  const span = subtract(theta2, theta1);
  const distance = norm(span);
  if (distance === 0) throw new Error(`${a.label} and ${b.label} have the same weights: there is no path to look at`);
  const subsets = new Subsets(snapshot);
  const count = (n: number, split: 'train' | 'test') => Math.min(n, snapshot.dataset[split].count);
  const ctx = subsets.landscape(count(settings.evalSamples, 'train'), count(settings.testSamples, 'test'));
  const bendSet = subsets.inBatches(count(settings.trainSamples, 'train'), settings.batchSize);
  const objective = new ModelObjective(model, bendSet, snapshot.loss);
  const done = { value: 0 };
  const result: ConnectivityResult = {
    from: { laneId: fromId, label: a.label },
    to: { laneId: toId, label: b.label },
    step: snapshot.step,
    distance,
    samples: { bend: bendSet.count, eval: ctx.train.count, test: ctx.test?.count ?? 0 },
    settings,
    linear: null,
    bezier: null,
    training: null,
    plane: null,
    gradients: 0,
    seconds: 0,
    cancelled: false,
  };
  const finish = () => {
    result.gradients = objective.counts.gradients;
    result.seconds = (performance.now() - started) / 1000;
    result.cancelled = control.cancelled();
    return result;
  };
  const t = linspace(0, 1, settings.pathPoints);
  let family: AffineFamily | null = null;
  try {
    const straight = new AffineFamily(model.params, a.weights, [unflatten(model.params, span)]);
    try {
      result.linear = await pathValues(
        ctx,
        straight,
        t,
        t.map((x) => [x]),
        control,
        done,
      );
    } finally {
      straight.dispose();
    }
    onUpdate(result);
    if (!result.linear || settings.steps === 0) return finish();
    const trained = await trainBend(objective, theta1, theta2, settings, control, (steps) =>
      control.progress(done.value + 3 * steps * settings.batchSize),
    );
    done.value += 3 * settings.steps * settings.batchSize;
    const { bend, ...training } = trained;
    result.training = training;
    if (control.cancelled()) return finish();
    const toBend = subtract(bend, theta1);
    family = new AffineFamily(model.params, a.weights, [unflatten(model.params, toBend), unflatten(model.params, span)]);
    result.bezier = await pathValues(ctx, family, t, t.map(bezierCoefficients), control, done);
    onUpdate(result);
    if (!result.bezier || settings.surfacePoints === 0) return finish();
    result.plane = planeOf(theta1, theta2, bend, t);
    const e1 = span.map((v) => v / distance);
    const offAxis = toBend.map((v, i) => v - dot(toBend, e1) * e1[i]);
    const height = norm(offAxis);
    if (height === 0) return finish();
    const e2 = offAxis.map((v) => v / height);
    const { ends, bend: bendAt, bezier } = result.plane;
    const extent = Math.max(...[...ends, bendAt, ...bezier].flatMap(([x, y]) => [Math.abs(x), Math.abs(y)]));
    const r = 1.15 * extent;
    const centre = unflatten(
      model.params,
      theta1.map((v, i) => (v + theta2[i]) / 2),
    );
    const plane = result.plane;
    plane.surface = await computeSurface(
      { ...ctx, test: null },
      { laneId: `${fromId}~${toId}`, origin: centre, directions: [unflatten(model.params, e1), unflatten(model.params, e2)] },
      [-r, r],
      settings.surfacePoints,
      'train',
      control,
      (s) => {
        plane.surface = surfaceSoFar(s);
        onUpdate(result);
      },
      done,
    );
    return finish();
  } finally {
    family?.dispose();
    subsets.dispose();
  }
}

/** Coordinates on the plane through θ1, θ2 and the bend: origin (θ1 + θ2)/2, e1 ∥ θ2 − θ1, e2 ⊥ e1 towards the bend. */
export function planeOf(theta1: Float64Array, theta2: Float64Array, bend: Float64Array, t: number[]): ConnectivityPlane {
  const span = subtract(theta2, theta1);
  const distance = norm(span);
  const toBend = subtract(bend, theta1);
  const along = dot(toBend, span) / distance;
  const height = Math.sqrt(Math.max(0, dot(toBend, toBend) - along * along));
  // θ1 + a(θc − θ1) + b(θ2 − θ1) sits at a·(along, height) + b·(distance, 0), shifted by −distance/2.
  const at = (ca: number, cb: number): [number, number] => [ca * along + cb * distance - distance / 2, ca * height];
  return {
    surface: null,
    ends: [
      [-distance / 2, 0],
      [distance / 2, 0],
    ],
    bend: at(1, 0),
    linear: t.map((x) => at(0, x)),
    bezier: t.map((x) => at(...bezierCoefficients(x))),
  };
}
